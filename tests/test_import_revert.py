"""Reverting an import: created records go, updated ones return to their earlier state."""

import pytest
from django.utils import translation

from partners.imports import import_profiles
from partners.imports.revert import RevertRefused, revert_import
from partners.models import CompanyProfile, ImportRun, Organisation, Person
from tests.factories import CityFactory, HomeCityFactory, UserFactory
from tests.import_files import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the site's default language is German."""
    with translation.override("en"):
        yield


HEADERS = ["Firma", "Handelsregisternummer", "Ort", "Mitarbeiter", "Interessen", "Ansprechpartner"]


@pytest.fixture
def admin_user():
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture(autouse=True)
def cities():
    HomeCityFactory(name="Leipzig")
    CityFactory(name="Nanjing")


def run(rows, user):
    result = import_profiles(source=xlsx(rows, HEADERS), filename="p.xlsx", user=user)
    assert result.errors == []
    return result.run


def test_reverting_removes_what_the_import_created(admin_user):
    import_run = run([["Neu GmbH", "HRB 1", "Leipzig", "5", "Vertrieb", "Anna Neu"]], admin_user)

    revert_import(import_run, user=admin_user)

    assert not Organisation.objects.exists()
    assert not CompanyProfile.objects.exists()
    assert not Person.objects.exists()
    import_run.refresh_from_db()
    assert (import_run.status, import_run.reverted_by) == (ImportRun.Status.REVERTED, admin_user)


def test_reverting_restores_updated_records_to_their_earlier_state(admin_user):
    run([["Alt GmbH", "HRB 1", "Leipzig", "5", "Vertrieb", ""]], admin_user)
    second = run(
        [["Alt & Neu GmbH", "HRB 1", "Leipzig", "9", "Forschung", "Bernd Alt"]], admin_user
    )
    assert Organisation.objects.get().name == "Alt & Neu GmbH"

    revert_import(second, user=admin_user)

    organisation = Organisation.objects.get()
    assert organisation.name == "Alt GmbH"
    assert organisation.profile.employees == 5
    assert [i.code for i in organisation.profile.interests.all()] == ["distribution"]
    assert organisation.profile.contact is None
    assert not Person.objects.exists()
    assert organisation.history.first().history_type == "~"


def test_reverting_twice_is_refused(admin_user):
    import_run = run([["Neu GmbH", "", "Leipzig", "5", "", ""]], admin_user)
    revert_import(import_run, user=admin_user)

    with pytest.raises(RevertRefused, match="already reverted"):
        revert_import(import_run, user=admin_user)


def test_reverting_after_a_later_edit_is_refused_naming_the_record(admin_user):
    import_run = run(
        [["Erste GmbH", "", "Leipzig", "5", "", ""], ["Zweite GmbH", "", "Leipzig", "6", "", ""]],
        admin_user,
    )
    profile = CompanyProfile.objects.get(organisation__name_de="Zweite GmbH")
    profile.employees = 60
    profile.save()

    with pytest.raises(RevertRefused, match="row 3: “Zweite GmbH” was changed after the import"):
        revert_import(import_run, user=admin_user)
    assert Organisation.objects.count() == 2


def test_a_later_import_of_the_same_company_blocks_reverting_the_earlier_one(admin_user):
    first = run([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]], admin_user)
    run([["Alt GmbH", "HRB 1", "Leipzig", "8", "", ""]], admin_user)

    with pytest.raises(RevertRefused, match="Alt GmbH"):
        revert_import(first, user=admin_user)
