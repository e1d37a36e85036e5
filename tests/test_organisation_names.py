"""The organisation names kept on memoranda and opportunities for the admin search
(``partners/models/organisation_names.py``): every write through the app keeps them, and
the admin finds a record by any of its organisations' names in any language."""

import io

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from partners import models as m
from partners.imports import import_profiles
from partners.models import organisation_names
from partners.models.folding import fold
from partners.roles import ADMINISTRATORS

from . import factories as f
from .backoffice import client_for, user_with_role
from .import_files import csv_bytes

pytestmark = pytest.mark.django_db


def found(model, term) -> set:
    client = client_for(user_with_role(ADMINISTRATORS))
    response = client.get(f"/admin/partners/{model._meta.model_name}/", {"q": term})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


class Undo(Exception):
    pass


def up_to_date() -> bool:
    """The kept names are what the records' organisations are called now: what a refresh
    works out (and then undone, so that this checks and repairs nothing)."""
    kept = {
        model: {
            pk: (names, folded)
            for pk, names, folded in model.objects.values_list(
                "pk", "organisation_names", "organisation_names_folded"
            )
        }
        for model in (m.Memorandum, m.Opportunity)
    }
    try:
        with transaction.atomic():
            now = {model: organisation_names.refresh(model) for model in kept}
            raise Undo
    except Undo:
        pass
    # The names folded too, as the search matches them without accents.
    now = {model: {pk: (t, fold(t)) for pk, t in texts.items()} for model, texts in now.items()}
    return now == kept


@pytest.fixture
def memorandum():
    memorandum = f.MemorandumFactory(title="Partnerschaft Hafen")
    f.MemorandumFactory(title="Andere Vereinbarung")  # never found
    return memorandum


def test_a_memorandum_is_found_by_its_parties_names_in_every_language(memorandum):
    port = f.OrganisationFactory(name="Hafenamt Nanjing", name_en="Nanjing Port Authority")
    port.name_zh_hans = "南京港务局"
    port.save()
    f.MemorandumPartyFactory(memorandum=memorandum, organisation=port)

    for term in ["hafenamt", "port authority", "港务", "hafen"]:
        assert found(m.Memorandum, term) == {memorandum}, term
    assert up_to_date()


def test_renaming_adding_and_removing_parties_keeps_the_search_right(memorandum):
    port = f.OrganisationFactory(name="Hafenamt Nanjing")
    party = f.MemorandumPartyFactory(memorandum=memorandum, organisation=port)
    assert found(m.Memorandum, "hafenamt") == {memorandum}

    port.name = "Seehafen Nanjing"
    port.save()
    assert (found(m.Memorandum, "hafenamt"), found(m.Memorandum, "seehafen")) == (
        set(),
        {memorandum},
    )
    party.organisation = f.OrganisationFactory(name="Messe Leipzig")
    party.save()
    assert (found(m.Memorandum, "seehafen"), found(m.Memorandum, "messe")) == (
        set(),
        {memorandum},
    )
    party.delete()
    assert found(m.Memorandum, "messe") == set()
    assert up_to_date()


def test_saving_a_memorandum_held_since_before_a_party_was_added_keeps_the_names(memorandum):
    held = m.Memorandum.objects.get(pk=memorandum.pk)
    f.MemorandumPartyFactory(memorandum=memorandum, organisation__name="Hafenamt Nanjing")
    held.summary = "Geändert"
    held.save()  # carries the names it was read with
    assert held.organisation_names == "Hafenamt Nanjing"
    assert found(m.Memorandum, "hafenamt") == {memorandum}
    assert up_to_date()


def test_an_opportunity_is_found_by_either_organisation_until_it_loses_it():
    local = f.CompanyFactory(name="Stahlbau Körner GmbH")
    foreign = f.OrganisationFactory(name="Jiangsu Steel Group", name_en="Jiangsu Steel")
    opportunity = f.OpportunityFactory(title="Werk in Nanjing", local_organisation=local)
    f.OpportunityFactory(title="Anderes")
    assert found(m.Opportunity, "körner") == {opportunity}

    opportunity.foreign_organisation = foreign
    opportunity.save()
    assert found(m.Opportunity, "jiangsu") == {opportunity}
    foreign.delete()  # the opportunity keeps going without it (SET_NULL)
    assert found(m.Opportunity, "jiangsu") == set()
    local.name_en = "Koerner Steel Construction"
    local.save()
    assert found(m.Opportunity, "steel construction") == {opportunity}
    assert up_to_date()


def test_an_import_that_renames_a_company_renames_it_in_the_search(memorandum):
    leipzig = f.HomeCityFactory(name="Leipzig")
    company = f.CompanyFactory(
        name="Stahlbau Körner GmbH", register_number="HRB 12345", city=leipzig
    )
    f.MemorandumPartyFactory(memorandum=memorandum, organisation=company)
    opportunity = f.OpportunityFactory(local_organisation=company)
    # Matched by its register number, the company has a new name.
    sheet = csv_bytes(
        [["Körner Stahlbau AG", "HRB 12345", "Leipzig"]], ["Firma", "Handelsregisternummer", "Ort"]
    )
    result = import_profiles(source=sheet, filename="firmen.csv")

    assert (result.created, result.updated, result.errors) == (0, 1, []), result.summary()
    assert found(m.Memorandum, "stahlbau ag") == {memorandum}
    assert found(m.Opportunity, "stahlbau ag") == {opportunity}
    assert up_to_date()


def test_a_saved_record_whose_names_did_not_change_writes_them_not_again(memorandum):
    f.MemorandumPartyFactory(memorandum=memorandum, organisation__name="Hafenamt Nanjing")
    memorandum.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        memorandum.save()
    names_written = [q for q in queries if "organisation_names" in q["sql"].split("WHERE")[0]]
    # the save itself, then the read of its parties' names; no second write
    assert [q["sql"].split()[0] for q in names_written] == ["UPDATE", "SELECT"]


def test_loaddata_fills_the_names_a_fixture_lacks(tmp_path, memorandum):
    f.MemorandumPartyFactory(memorandum=memorandum, organisation__name="Hafenamt Nanjing")
    memorandum.refresh_from_db()
    memorandum.organisation_names = ""  # as in the seed, written by hand
    fixture = tmp_path / "memorandum.json"
    fixture.write_text(serializers.serialize("json", [memorandum]))

    call_command("loaddata", str(fixture), verbosity=0)

    assert up_to_date()
    assert found(m.Memorandum, "hafenamt") == {memorandum}


def test_the_command_repairs_writes_around_the_app_and_checks_for_them(memorandum):
    port = f.OrganisationFactory(name="Hafenamt Nanjing")
    f.MemorandumPartyFactory(memorandum=memorandum, organisation=port)
    m.Organisation.objects.filter(pk=port.pk).update(name_de="Hafenbehörde")  # no signal
    assert not up_to_date()
    with pytest.raises(CommandError, match="out of date"):
        call_command("refresh_organisation_names", "--check", stdout=io.StringIO())

    output = io.StringIO()
    call_command("refresh_organisation_names", stdout=output)

    assert "partners.Memorandum: 1 out of date" in output.getvalue()
    assert up_to_date()
    assert found(m.Memorandum, "Hafenbehörde") == {memorandum}
    call_command("refresh_organisation_names", "--check", stdout=io.StringIO())


def test_a_memorandum_is_found_by_its_parties_names_without_their_accents(memorandum):
    party = f.MemorandumPartyFactory(
        memorandum=memorandum, organisation__name="Müller Präzisionsteile GmbH"
    )
    for term in ["Muller", "Mueller", "müller", "praezisionsteile", "MÜLLER"]:
        assert found(m.Memorandum, term) == {memorandum}, term

    party.organisation.name = "Łukosz Logistyka"
    party.organisation.save()
    assert found(m.Memorandum, "Lukosz") == {memorandum}
    assert found(m.Memorandum, "Muller") == set()
    party.delete()
    assert found(m.Memorandum, "Lukosz") == set()
    assert up_to_date()


def test_an_opportunity_is_found_by_its_organisations_names_without_their_accents():
    opportunity = f.OpportunityFactory(
        title="Werk in Nanjing",
        local_organisation=f.CompanyFactory(name="Stahlbau Körner GmbH"),
        foreign_organisation=f.OrganisationFactory(name="Câmara de Comércio São Paulo"),
    )
    f.OpportunityFactory(title="Anderes")

    for term in ["Korner", "Koerner", "Sao Paulo", '"camara de comercio"']:
        assert found(m.Opportunity, term) == {opportunity}, term
    assert up_to_date()


def test_an_import_that_renames_a_company_is_found_without_accents(memorandum):
    leipzig = f.HomeCityFactory(name="Leipzig")
    company = f.CompanyFactory(name="Stahlbau AG", register_number="HRB 12345", city=leipzig)
    f.MemorandumPartyFactory(memorandum=memorandum, organisation=company)
    opportunity = f.OpportunityFactory(local_organisation=company)
    sheet = csv_bytes(
        [["Körner Stahlbau AG", "HRB 12345", "Leipzig"]], ["Firma", "Handelsregisternummer", "Ort"]
    )
    result = import_profiles(source=sheet, filename="firmen.csv")

    assert (result.updated, result.errors) == (1, []), result.summary()
    assert found(m.Memorandum, "korner") == {memorandum}
    assert found(m.Opportunity, "koerner") == {opportunity}
    assert up_to_date()


def test_the_command_folds_again_the_names_kept_past_the_app(memorandum):
    f.MemorandumPartyFactory(memorandum=memorandum, organisation__name="Łukosz Logistyka")
    # A write around the app: the names kept, their folded copy not.
    m.Memorandum.objects.filter(pk=memorandum.pk).update(organisation_names_folded="")
    assert found(m.Memorandum, "Lukosz") == set()
    with pytest.raises(CommandError, match="out of date"):
        call_command("refresh_organisation_names", "--check", stdout=io.StringIO())

    call_command("refresh_organisation_names", stdout=io.StringIO())

    assert found(m.Memorandum, "Lukosz") == {memorandum}
    assert up_to_date()
