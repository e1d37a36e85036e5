"""Reverting an import: created records go, updated ones return to their earlier state."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from partners.imports import import_profiles
from partners.imports.revert import RevertRefused, revert_import
from partners.models import City, CompanyProfile, ImportRun, Organisation, Person
from tests.factories import (
    CityFactory,
    CompanyFactory,
    CompanyProfileFactory,
    HomeCityFactory,
    MeetingFactory,
    OpportunityFactory,
    ProfileHandoverFactory,
    TripRegistrationFactory,
    UserFactory,
)
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


@pytest.fixture
def translated_profile():
    """A company whose profile has an English translation, as the admin keeps them."""
    with translation.override("de"):
        profile = CompanyProfileFactory(
            organisation=CompanyFactory(
                name="Zahnrad GmbH", register_number="HRB 7", city=City.objects.get(name="Leipzig")
            ),
            employees=5,
            products="Zahnräder",
        )
    profile.products_en = "Gears"
    profile.save()
    return profile


def test_an_unchanged_translated_text_is_unchanged_in_an_english_admin(
    admin_user, translated_profile
):
    headers = ["Firma", "Handelsregisternummer", "Ort", "Produkte"]
    sheet = xlsx([["Zahnrad GmbH", "HRB 7", "Leipzig", "Zahnräder"]], headers)
    version = translated_profile.version

    result = import_profiles(source=sheet, filename="p.xlsx", user=admin_user)

    assert (result.updated, result.unchanged, result.errors) == (0, 1, [])
    translated_profile.refresh_from_db()
    assert translated_profile.version == version


def test_a_revert_in_an_english_admin_restores_the_german_text(admin_user, translated_profile):
    headers = ["Firma", "Handelsregisternummer", "Ort", "Mitarbeiter", "Produkte"]
    sheet = xlsx([["Zahnrad GmbH", "HRB 7", "Leipzig", "9", "Zahnräder und Wellen"]], headers)
    import_run = run_with(sheet, admin_user)
    item = import_run.items.get()
    assert item.before["profile"] == {"employees": 5, "products": "Zahnräder"}

    revert_import(import_run, user=admin_user)

    translated_profile.refresh_from_db()
    assert (translated_profile.products_de, translated_profile.employees) == ("Zahnräder", 5)
    assert translated_profile.products_en in ("", None)  # cleared by the import's change


def run_with(sheet, user):
    result = import_profiles(source=sheet, filename="p.xlsx", user=user)
    assert result.errors == []
    return result.run


def _imported_companies(user):
    """Two new companies with new contacts, as an import creates them."""
    return run(
        [
            ["Rev A GmbH", "", "Leipzig", "5", "", "Anna Rev"],
            ["Rev B GmbH", "", "Leipzig", "6", "", "Bert Rev"],
        ],
        user,
    )


@pytest.mark.parametrize(
    ("added_since", "named"),
    [
        # PROTECT: deleting would fail
        (
            lambda a, b: TripRegistrationFactory(organisation=a.organisation),
            "row 2: “Rev A GmbH” is now used by trip registration “Rev A GmbH – ",
        ),
        # CASCADE: deleting would take the officer's handover with it
        (
            lambda a, b: ProfileHandoverFactory(profile=b),
            "row 3: “Rev B GmbH” is now used by profile handover",
        ),
        # many-to-many: deleting would drop the contact from the meeting silently
        (
            lambda a, b: MeetingFactory(title="Runde").attendees.add(a.contact),
            "row 2: “Anna Rev” is now used by meeting “Runde”",
        ),
        # SET_NULL: the opportunity would lose its profile
        (
            lambda a, b: OpportunityFactory(profile=b, title="Chance"),
            "row 3: “Rev B GmbH” is now used by opportunity “Chance”",
        ),
    ],
)
def test_a_revert_that_would_take_records_added_since_is_refused_naming_them(
    admin_user, added_since, named
):
    import_run = _imported_companies(admin_user)
    a, b = (
        CompanyProfile.objects.get(organisation__name_de=n) for n in ("Rev A GmbH", "Rev B GmbH")
    )
    added_since(a, b)

    with pytest.raises(RevertRefused, match=re.escape(named)):
        revert_import(import_run, user=admin_user)

    assert Organisation.objects.filter(name_de__startswith="Rev").count() == 2
    assert CompanyProfile.objects.count() == 2
    assert Person.objects.filter(full_name__endswith="Rev").count() == 2
    import_run.refresh_from_db()
    assert import_run.status == ImportRun.Status.IMPORTED


def test_the_records_of_the_import_itself_do_not_block_its_revert(admin_user):
    import_run = _imported_companies(admin_user)

    revert_import(import_run, user=admin_user)

    assert not Organisation.objects.exists() and not Person.objects.exists()


def test_a_later_import_changing_only_interests_blocks_reverting_the_earlier_one(admin_user):
    run([["M2M GmbH", "", "Leipzig", "5", "Kooperation", ""]], admin_user)
    first = run([["M2M GmbH", "", "Leipzig", "5", "Investition", ""]], admin_user)
    second = run([["M2M GmbH", "", "Leipzig", "5", "Forschung", ""]], admin_user)
    assert first.items.get().versions["profile"] < second.items.get().versions["profile"]

    with pytest.raises(RevertRefused, match="“M2M GmbH” was changed after the import"):
        revert_import(first, user=admin_user)

    revert_import(second, user=admin_user)
    profile = CompanyProfile.objects.get()
    assert [i.code for i in profile.interests.all()] == ["investment"]


def test_after_reverting_the_later_import_the_earlier_one_can_be_reverted_too(admin_user):
    first = run([["Alt GmbH", "HRB 1", "Leipzig", "5", "Vertrieb", "Anna Alt"]], admin_user)
    second = run([["Alt & Neu GmbH", "HRB 1", "Leipzig", "9", "Forschung", ""]], admin_user)
    revert_import(second, user=admin_user)

    revert_import(first, user=admin_user)

    assert not Organisation.objects.exists()
    assert not Person.objects.exists()


def test_an_edit_before_a_later_reverted_import_still_blocks_reverting_the_earlier_one(
    admin_user,
):
    first = run([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]], admin_user)
    profile = CompanyProfile.objects.get()
    profile.founded_year = 1990
    profile.save()
    second = run([["Alt GmbH", "HRB 1", "Leipzig", "9", "", ""]], admin_user)
    revert_import(second, user=admin_user)

    with pytest.raises(RevertRefused, match="“Alt GmbH” was changed after the import"):
        revert_import(first, user=admin_user)
    assert CompanyProfile.objects.get().founded_year == 1990


def test_the_history_of_a_reverted_record_names_the_revert_and_who_did_it(admin_user):
    run([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]], admin_user)
    second = run([["Alt & Neu GmbH", "HRB 1", "Leipzig", "9", "", ""]], admin_user)
    reverter = UserFactory(username="reverter")

    revert_import(second, user=reverter)

    for record in (Organisation.objects.get(), CompanyProfile.objects.get()):
        latest = record.history.first()
        assert latest.history_change_reason == in_german(
            "Revert of import %(file)s (#%(id)d)", file="p.xlsx", id=second.pk
        )
        assert latest.history_user == reverter


def in_german(message, **values):
    with translation.override("de"):
        return gettext(message) % values


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_history_names_imports_and_reverts_in_the_offices_language(admin_user, language):
    """Everyone reads a record's history: the reason is not in the uploader's language."""
    with translation.override(language):
        first = run([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]], admin_user)
        second = run([["Alt & Neu GmbH", "HRB 1", "Leipzig", "9", "", ""]], admin_user)
        revert_import(second, user=admin_user)

    reasons = list(
        Organisation.objects.get()
        .history.order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        in_german("Import %(file)s (#%(id)d)", file="p.xlsx", id=first.pk),
        in_german("Import %(file)s (#%(id)d)", file="p.xlsx", id=second.pk),
        in_german("Revert of import %(file)s (#%(id)d)", file="p.xlsx", id=second.pk),
    ]


def test_a_refusal_names_a_changed_company_once_not_again_for_its_profile(admin_user):
    first = run([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]], admin_user)
    run([["Alt & Neu GmbH", "HRB 1", "Leipzig", "9", "", ""]], admin_user)

    with pytest.raises(RevertRefused) as refusal:
        revert_import(first, user=admin_user)
    assert refusal.value.message.count("was changed after the import") == 1


def test_reverting_an_import_that_named_another_contact_brings_the_former_one_back(admin_user):
    run([["Alt GmbH", "HRB 1", "Leipzig", "5", "", "Anna Alt"]], admin_user)
    second = run([["Alt GmbH", "HRB 1", "Leipzig", "5", "", "Bert Neu"]], admin_user)

    revert_import(second, user=admin_user)

    assert CompanyProfile.objects.get().contact.full_name == "Anna Alt"
    assert [p.full_name for p in Person.objects.all()] == ["Anna Alt"]
