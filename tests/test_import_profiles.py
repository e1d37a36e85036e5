"""Importing company profiles from real sheets, checked in the database row by row."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import translation

from partners.dates import latest_today
from partners.imports import BadFile, import_profiles
from partners.models import CompanyProfile, ImportRun, Organisation, Person, Visibility
from partners.models.organisations import normalise_company_name
from tests.factories import (
    CityFactory,
    CompanyFactory,
    CompanyProfileFactory,
    HomeCityFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.import_files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the site's default language is German."""
    with translation.override("en"):
        yield


FULL = [
    "Company",
    "Register number",
    "City",
    "Country",
    "Website",
    "Email",
    "Phone",
    "Address",
    "Sector",
    "Employees",
    "Founded",
    "Products",
    "Interests",
    "Target cities",
    "Contact",
    "Contact position",
    "Contact email",
    "Contact phone",
    "Summary",
    "Consent to share",
    "Consent date",
    "Status",
    "Publish",
]


@pytest.fixture
def cities():
    return {
        "leipzig": HomeCityFactory(name="Leipzig"),
        "nanjing": CityFactory(name="Nanjing", local_name="南京"),
        "jining": CityFactory(name="Jining", local_name="济宁", region="Shandong"),
    }


def run(data, **options):
    return import_profiles(source=data, filename="profiles.xlsx", **options)


def full_row(**changes):
    row = {
        "Company": "Müller Präzision GmbH & Co. KG",
        "Register number": "HRA 100",
        "City": "Leipzig",
        "Country": "DE",
        "Website": "www.mueller.example",
        "Email": "info@mueller.example",
        "Phone": "+49 341 1",
        "Address": "Hauptstraße 1",
        "Sector": "Manufacturing",
        "Employees": "1.200",
        "Founded": 1990,
        "Products": "Zahnräder",
        "Interests": "Kooperation; distribution",
        "Target cities": "南京, Jining",
        "Contact": "Erika Müller",
        "Contact position": "Geschäftsführerin",
        "Contact email": "erika@mueller.example",
        "Contact phone": "+49 341 2",
        "Summary": "Familienbetrieb",
        "Consent to share": "ja",
        "Consent date": datetime.datetime(2019, 6, 25),
        "Status": "bereit",
        "Publish": "x",
    }
    row.update(changes)
    return [row[h] for h in FULL]


def test_a_full_row_creates_company_profile_contact_and_links(cities):
    result = run(xlsx([full_row()], FULL))

    assert (result.created, result.updated, result.errors) == (1, 0, [])
    organisation = Organisation.objects.get()
    assert organisation.name == "Müller Präzision GmbH & Co. KG"
    assert organisation.kind == Organisation.Kind.COMPANY
    assert organisation.city == cities["leipzig"]
    assert organisation.website == "https://www.mueller.example"
    assert organisation.slug == "mueller-praezision-gmbh-co-kg"
    profile = organisation.profile
    assert profile.employees == 1200
    assert profile.founded_year == 1990
    assert profile.sector.code == "C"
    assert profile.status == CompanyProfile.Status.READY
    assert profile.consent_to_share is True
    assert profile.consent_given_on == datetime.date(2019, 6, 25)
    assert profile.visibility == Visibility.PUBLIC
    assert {i.code for i in profile.interests.all()} == {"cooperation", "distribution"}
    assert set(profile.target_cities.all()) == {cities["nanjing"], cities["jining"]}
    assert profile.contact.full_name == "Erika Müller"
    assert profile.contact.organisation == organisation
    assert profile.contact.position == "Geschäftsführerin"
    assert organisation.history.get().history_type == "+"
    assert profile.history.get().history_change_reason.startswith("Import profiles.xlsx")


def test_german_headers_in_any_order_and_case_are_read(cities):
    run(xlsx([[" Leipzig ", "3.400", " muster  ag"]], ["  ORT", "mitarbeiter ", "FIRMA"]))

    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.profile.employees) == ("muster ag", 3400)


def test_a_second_import_updates_by_register_number_and_reports_changed_columns(cities):
    run(xlsx([full_row()], FULL))
    sheet = xlsx([full_row(Company="Müller Präzision GmbH", Employees=1300)], FULL)
    preview = run(sheet, dry_run=True).preview
    result = run(sheet)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert preview[0].changes == ["Company", "Employees"]
    organisation = Organisation.objects.get()
    assert organisation.name == "Müller Präzision GmbH"
    assert organisation.version == 2
    assert organisation.profile.employees == 1300
    assert organisation.profile.version == 2
    assert [h.history_type for h in organisation.profile.history.all()] == ["~", "+"]


def test_the_same_file_twice_leaves_everything_unchanged(cities):
    data = xlsx([full_row()], FULL)
    run(data)
    result = run(data)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert CompanyProfile.objects.get().version == 1


def test_without_register_number_the_normalised_name_and_city_match(cities):
    company = CompanyFactory(name="Schmidt GmbH & Co. KG", city=cities["leipzig"])
    CompanyProfileFactory(organisation=company, employees=5)
    data = xlsx([["schmidt  gmbh&co.kg", "", "Leipzig", "7", "C", ""]])

    result = run(data)

    assert (result.created, result.updated) == (0, 1)
    assert Organisation.objects.get().profile.employees == 7


def test_a_name_typed_with_ae_oe_ue_for_the_umlauts_matches_the_company(cities):
    company = CompanyFactory(name="Präzisionsteile Müller GmbH", city=cities["leipzig"])
    CompanyProfileFactory(organisation=company, employees=5)
    data = xlsx([["Praezisionsteile Mueller GmbH", "", "Leipzig", "7", "C", ""]])

    result = run(data)

    assert (result.created, result.updated) == (0, 1)
    assert Organisation.objects.get().profile.employees == 7


def test_a_row_naming_an_organisation_that_is_not_a_company_is_an_error_not_a_twin(cities):
    OrganisationFactory(name="Invest Region Leipzig GmbH", kind="agency", city=cities["leipzig"])

    result = run(xlsx([["invest region leipzig gmbh", "", "Leipzig", "40", "", ""]]))

    assert [str(e) for e in result.errors] == [
        'row 2, column "Firma": an organisation of this name in this city is not a company (agency)'
    ]
    assert Organisation.objects.count() == 1


def test_the_company_name_normalisation_spells_legal_forms_consistently():
    assert normalise_company_name("Muster  GmbH u. Co. KG") == "muster gmbh & co kg"
    assert normalise_company_name("MUSTER Gesellschaft mit beschränkter Haftung") == ("muster gmbh")
    assert normalise_company_name("Muster Aktiengesellschaft") == "muster ag"


@pytest.mark.parametrize("country", ["CN", "chn", "China", "中国", "  cn "])
def test_the_country_is_read_as_an_iso_code_or_a_name_in_any_of_the_languages(cities, country):
    valencia_es = CityFactory(name="Valencia", country="ES")
    valencia_cn = CityFactory(name="Valencia", country="CN")  # made up, for the sake of the test

    result = run(xlsx([["A GmbH", "Valencia", country]], ["Firma", "Ort", "Land"]))

    assert result.errors == []
    assert Organisation.objects.get().city == valencia_cn != valencia_es


def test_a_city_is_found_by_its_local_name(cities):
    run(xlsx([["南京 Trading Co.", "", "南京", "", "", ""]]))

    assert Organisation.objects.get().city == cities["nanjing"]


def test_a_row_reports_every_bad_cell_at_once(cities):
    result = run(xlsx([["A GmbH", "", "Atlantis", "viele", "Z9", "Spionage"]]))

    assert sorted(str(e) for e in result.errors) == [
        'row 2, column "Branche": "Z9" is not a known sector',
        'row 2, column "Interessen": "Spionage" is not a known interest',
        'row 2, column "Mitarbeiter": "viele" is not a number',
        'row 2, column "Ort": "Atlantis" is not a known city',
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["A GmbH", "", "Paris", "", "", ""], 'row 2, column "Ort": "Paris" is not a known city'),
        (["A GmbH", "", "Leipzig", "", "Z9", ""], 'column "Branche": "Z9" is not a known sector'),
        (
            ["A GmbH", "", "Leipzig", "", "", "Kooperation; Spionage"],
            'column "Interessen": "Spionage" is not a known interest',
        ),
        (
            ["A GmbH", "", "Leipzig", "viele", "", ""],
            'column "Mitarbeiter": "viele" is not a number',
        ),
        (["", "", "Leipzig", "3", "", ""], 'column "Firma": a value is required'),
    ],
)
def test_invalid_cells_are_row_errors_naming_value_and_column(cities, cells, expected):
    result = run(xlsx([cells]))

    assert expected in str(result.errors[0])
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("99999999999999999999", "99999999999999999999"),
        ("2.147.483.648", "2.147.483.648"),
        (2**31, "2147483648"),  # a number cell
        (1e20, "100000000000000000000"),
    ],
)
def test_a_number_larger_than_the_column_holds_is_a_row_error(cities, cell, shown):
    result = run(xlsx([["Groß GmbH", "", "Leipzig", cell, "", ""]]))

    assert [str(e) for e in result.errors] == [
        f'row 2, column "Mitarbeiter": "{shown}" is too large (at most 2,147,483,647)'
    ]
    assert not Organisation.objects.exists()


def test_the_largest_number_the_column_holds_is_imported(cities):
    result = run(xlsx([["Groß GmbH", "", "Leipzig", "2147483647", "", ""]]))

    assert result.errors == []
    assert CompanyProfile.objects.get().employees == 2_147_483_647


def test_one_invalid_row_means_nothing_is_written(cities):
    data = xlsx(
        [["Gut GmbH", "", "Leipzig", "3", "", ""], ["Schlecht AG", "", "Leipzig", "viele", "", ""]]
    )

    result = run(data)

    assert (result.created, result.invalid_rows, result.written) == (1, 1, False)
    assert not Organisation.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REJECTED


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(cities):
    data = xlsx(
        [["Gut GmbH", "", "Leipzig", "3", "", ""], ["Schlecht AG", "", "Leipzig", "viele", "", ""]]
    )

    result = run(data, skip_invalid=True)

    assert list(Organisation.objects.values_list("name", flat=True)) == ["Gut GmbH"]
    assert [str(e) for e in result.errors] == [
        'row 3, column "Mitarbeiter": "viele" is not a number'
    ]
    assert ImportRun.objects.get().error_count == 1


def test_a_dry_run_reports_but_writes_nothing(cities):
    result = run(xlsx([["Gut GmbH", "", "Leipzig", "3", "", ""]]), dry_run=True)

    assert result.created == 1
    assert not Organisation.objects.exists()
    assert not ImportRun.objects.exists()


def test_two_rows_for_the_same_company_are_an_error_on_the_second(cities):
    data = xlsx(
        [
            ["Muster GmbH", "", "Leipzig", "3", "", ""],
            ["", "", "", "", "", ""],
            ["MUSTER G.m.b.H.", "", "Leipzig", "4", "", ""],
        ]
    )

    result = run(data)

    assert [str(e) for e in result.errors] == ["row 4: the same company as row 2"]
    assert result.total_rows == 2  # The blank row is skipped.
    preview = run(data, dry_run=True).preview
    assert [(row.row, row.action, row.name) for row in preview] == [
        (2, "new", "Muster GmbH"),
        (4, "error", "MUSTER G.m.b.H."),  # named, though refused only after it was read
    ]


@pytest.mark.parametrize("registers", [("HRB 1", ""), ("", "HRB 1")])
def test_a_new_company_named_twice_with_and_without_register_number_is_one_company(
    cities, registers
):
    data = xlsx(
        [["Muster GmbH", registers[0], "Leipzig"], ["Muster GmbH", registers[1], "Leipzig"]]
    )

    result = run(data, skip_invalid=True)

    assert [str(e) for e in result.errors] == ["row 3: the same company as row 2"]
    assert Organisation.objects.count() == 1


def test_two_new_companies_of_one_name_with_two_register_numbers_are_two(cities):
    result = run(xlsx([["Muster GmbH", "HRB 1", "Leipzig"], ["Muster GmbH", "HRB 2", "Leipzig"]]))

    assert (result.created, result.errors) == (2, [])


def test_unknown_columns_are_warned_about_and_a_missing_required_column_stops_early(cities):
    result = run(xlsx([["A GmbH", "Leipzig", "?"]], ["Firma", "Ort", "Lieblingsfarbe"]))
    assert result.warnings == ['Unknown column "Lieblingsfarbe" ignored.']

    with pytest.raises(Exception, match='Required column missing: "City" / "Ort"'):
        run(xlsx([["A GmbH"]], ["Firma"]))


def test_a_workbook_whose_first_sheet_lacks_the_columns_is_refused_naming_that_sheet(cities):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Anleitung"
    workbook.active.append(["Eine Zeile je Firmenprofil."])
    workbook.create_sheet("Firmenprofile").append(["Firma", "Ort"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(BadFile, match='the first sheet \\("Anleitung"\\), the only one read'):
        run(buffer.getvalue())


def test_publishing_without_consent_is_a_row_error(cities):
    result = run(xlsx([full_row(**{"Consent to share": "nein"})], FULL))

    assert str(result.errors[0]) == (
        'row 2, column "Publish": a profile can only be published with the consent to share it'
    )


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("cp1252", ",")],
)
def test_csv_files_in_each_encoding_and_delimiter_are_read(cities, encoding, delimiter):
    rows = [
        ["Bäckerei Größe GmbH", "HRB 7", "Leipzig", "1.200", "C", "Vertrieb"],
        ["Zweite AG", "", "Leipzig", "15", "", ""],
    ]
    data = csv_bytes(rows, encoding=encoding, delimiter=delimiter)

    result = import_profiles(source=data, filename="profiles.csv")

    assert (result.created, result.errors) == (2, [])
    first = Organisation.objects.get(register_number="HRB 7")
    assert first.name == "Bäckerei Größe GmbH"
    assert first.profile.employees == 1200
    assert first.profile.interests.get().code == "distribution"


def test_a_csv_row_is_numbered_as_a_spreadsheet_shows_it_after_a_line_break_in_a_cell(cities):
    headers = ["Firma", "Ort", "Adresse", "Mitarbeiter"]
    rows = [["A GmbH", "Leipzig", "Markt 1\n04109 Leipzig", "3"], ["B AG", "Leipzig", "", "viele"]]

    result = import_profiles(source=csv_bytes(rows, headers), filename="profiles.csv")

    assert [str(e) for e in result.errors] == [
        'row 3, column "Mitarbeiter": "viele" is not a number'
    ]


@pytest.mark.parametrize("written", ["25.06.2019", "2019-06-25"])
def test_dates_are_read_as_text_in_german_or_iso_form(cities, written):
    run(xlsx([["A GmbH", "Leipzig", written]], ["Firma", "Ort", "Freigabe am"]))

    assert CompanyProfile.objects.get().consent_given_on == datetime.date(2019, 6, 25)


def test_a_consent_date_to_come_is_refused(cities):
    tomorrow = (latest_today() + datetime.timedelta(days=1)).isoformat()  # begun nowhere
    rows = [["A GmbH", "Leipzig", tomorrow]]

    result = import_profiles(
        source=csv_bytes(rows, ["Firma", "Ort", "Freigabe am"]), filename="profiles.csv"
    )

    assert [str(e) for e in result.errors] == [
        f'row 2, column "Freigabe am": "{tomorrow}" lies in the future'
    ]
    assert not CompanyProfile.objects.exists()


def test_the_command_prints_errors_and_a_summary_and_exits_1(cities, tmp_path, capsys):
    path = tmp_path / "profiles.xlsx"
    rows = [["Gut GmbH", "", "Leipzig", "3", "", ""]] * 1 + [
        ["B AG", "", "Leipzig", "viele", "", ""]
    ]
    path.write_bytes(xlsx(rows))

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_profiles", str(path))

    assert exit_info.value.code == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'row 3, column "Mitarbeiter": "viele" is not a number'
    assert out[-2] == "nothing written: the file has invalid rows (see --skip-invalid)"
    assert out[-1] == "would have created 1, updated 0, unchanged 0, errors 1; nothing written"
    assert not Organisation.objects.exists()


def test_the_command_with_skip_invalid_writes_the_valid_rows(cities, tmp_path, capsys):
    path = tmp_path / "profiles.xlsx"
    path.write_bytes(xlsx([["Gut GmbH", "", "Leipzig", "3", "", ""], ["B", "", "Rom", "", "", ""]]))

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_profiles", str(path), "--skip-invalid")

    assert exit_info.value.code == 1  # a row was refused (README)
    assert capsys.readouterr().out.splitlines()[-1] == "created 1, updated 0, unchanged 0, errors 1"
    assert Organisation.objects.get().name == "Gut GmbH"


def test_the_command_succeeds_quietly_on_a_clean_file(cities, tmp_path, capsys):
    path = tmp_path / "profiles.csv"
    path.write_bytes(csv_bytes([["Gut GmbH", "", "Leipzig", "3", "", ""]], delimiter=";"))

    call_command("import_profiles", str(path), "--dry-run")

    assert capsys.readouterr().out.strip() == (
        "would have created 1, updated 0, unchanged 0, errors 0; nothing written"
    )
    assert not Person.objects.exists()


def test_contact_details_without_a_name_are_an_error_on_the_contact_column(cities):
    result = run(xlsx([["A GmbH", "Leipzig", "a@example.org"]], ["Firma", "Ort", "Contact email"]))

    assert [str(e) for e in result.errors] == [
        'row 2, column "Contact": a new contact needs a name (Contact / Ansprechpartner)'
    ]


def test_progress_is_reported_while_reading_before_writing_and_at_the_end(cities, monkeypatch):
    monkeypatch.setattr("partners.imports.pipeline.PROGRESS_EVERY", 2)
    reports = []
    rows = [
        [f"Firma {n} GmbH", "", "Leipzig", "viele" if n == 1 else "1", "", ""] for n in range(5)
    ]

    run(xlsx(rows), progress=lambda done, total, errors: reports.append((done, total, errors)))

    assert reports == [(2, 5, 1), (4, 5, 1), (5, 5, 1), (5, 5, 1)]


@pytest.fixture
def seeded():
    """As `make run` sets up a site: fixtures loaded with raw saves, which skip `save()`."""
    call_command("loaddata", "seed", "demo_companies", verbosity=0)


def test_a_company_loaded_from_a_fixture_is_updated_not_duplicated(seeded):
    existing = Organisation.objects.get(name="Beispiel Software GmbH")
    data = csv_bytes([["Beispiel Software GmbH", "Leipzig", "42"]], ["Firma", "Ort", "Mitarbeiter"])

    result = import_profiles(source=data, filename="profiles.csv")

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    assert Organisation.objects.filter(name="Beispiel Software GmbH").get() == existing
    assert CompanyProfile.objects.get(organisation=existing).employees == 42


def test_the_admin_export_of_fixture_companies_imports_again_unchanged(seeded, client):
    from .test_admin_export import export_permission

    user = UserFactory()
    user.user_permissions.add(
        export_permission(CompanyProfile), Permission.objects.get(codename="view_companyprofile")
    )
    client.force_login(user)
    response = client.post(
        "/admin/partners/companyprofile/export/", {"format": "0", "resource": "0"}
    )
    content = b"".join(response.streaming_content)

    result = import_profiles(source=content, filename="export.xlsx", dry_run=True)

    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert result.unchanged == CompanyProfile.objects.count() > 0


def test_the_command_repairs_match_keys_written_around_the_app(cities):
    company = CompanyFactory(name="Schmidt GmbH", city=cities["leipzig"])
    Organisation.objects.filter(pk=company.pk).update(name_de="Schulze GmbH")  # no save()
    with pytest.raises(CommandError, match="out of date"):
        call_command("refresh_organisation_names", "--check", stdout=io.StringIO())

    call_command("refresh_organisation_names", stdout=io.StringIO())

    assert Organisation.objects.get().name_key == "schulze gmbh"
    call_command("refresh_organisation_names", "--check", stdout=io.StringIO())


def test_a_city_is_found_by_its_english_and_chinese_names(cities):
    cities["leipzig"].name_zh_hans = "莱比锡"
    cities["leipzig"].save()
    cities["nanjing"].name_en = "Nanking"
    cities["nanjing"].name_zh_hans = "南京市"
    cities["nanjing"].save()
    headers = ["Firma", "Ort", "Zielstädte"]

    result = run(xlsx([["Stadt GmbH", "莱比锡", "Nanking; 南京市"]], headers))

    assert result.errors == []
    profile = CompanyProfile.objects.get()
    assert profile.organisation.city == cities["leipzig"]
    assert list(profile.target_cities.all()) == [cities["nanjing"]]


def test_the_export_of_a_chinese_admin_imports_again_unchanged(cities, client):
    from .test_admin_export import export_permission

    leipzig = cities["leipzig"]
    leipzig.name_zh_hans = "莱比锡"
    leipzig.save()
    company = CompanyFactory(name="Drache GmbH", city=leipzig, register_number="")
    company.name_zh_hans = "龙公司"
    company.save()
    profile = CompanyProfileFactory(organisation=company)
    profile.target_cities.add(cities["jining"])
    cities["jining"].name_zh_hans = "济宁市"
    cities["jining"].save()
    user = UserFactory()
    user.user_permissions.add(
        export_permission(CompanyProfile), Permission.objects.get(codename="view_companyprofile")
    )
    client.force_login(user)

    response = client.post(
        "/admin/partners/companyprofile/export/",
        {"format": "0", "resource": "0"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    content = b"".join(response.streaming_content)

    result = import_profiles(source=content, filename="export.xlsx", dry_run=True)
    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert result.unchanged == 1


CONTACT_HEADERS = ["Firma", "Ort", "Ansprechpartner", "E-Mail Ansprechpartner", "Position"]


def test_another_contact_name_is_another_person_not_the_former_contact_renamed(cities):
    run(
        xlsx(
            [["Kontakt GmbH", "Leipzig", "Anna Alt", "anna@k.example", "Leiterin"]], CONTACT_HEADERS
        )
    )
    anna = Person.objects.get()
    meeting = MeetingFactory(title="Runde")
    meeting.attendees.add(anna)

    sheet = xlsx([["Kontakt GmbH", "Leipzig", "Bert Neu", "bert@k.example", ""]], CONTACT_HEADERS)
    preview = run(sheet, dry_run=True).preview
    result = run(sheet)

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    assert preview[0].changes == ["Ansprechpartner", "E-Mail Ansprechpartner"]
    anna.refresh_from_db()
    assert (anna.full_name, anna.email, anna.position) == ("Anna Alt", "anna@k.example", "Leiterin")
    assert [p.full_name for p in meeting.attendees.all()] == ["Anna Alt"]
    profile = CompanyProfile.objects.get()
    assert (profile.contact.full_name, profile.contact.email) == ("Bert Neu", "bert@k.example")
    assert profile.contact.organisation == profile.organisation


def test_naming_a_former_contact_again_makes_that_person_the_contact_again(cities):
    sheet = xlsx([["Kontakt GmbH", "Leipzig", "Anna Alt", "", ""]], CONTACT_HEADERS)
    run(sheet)
    run(xlsx([["Kontakt GmbH", "Leipzig", "Bert Neu", "", ""]], CONTACT_HEADERS))

    preview = run(sheet, dry_run=True).preview
    result = run(sheet)

    assert (result.updated, preview[0].changes) == (1, ["Ansprechpartner"])
    assert CompanyProfile.objects.get().contact.full_name == "Anna Alt"
    assert Person.objects.count() == 2


@pytest.mark.parametrize("second", ["HRB 4242", "HRB4242"])
def test_a_register_number_given_to_two_companies_is_an_error_on_the_second_row(cities, second):
    # The first row finds its company by name and gives it the number; the second would
    # create another company with it. The preview used to accept both, and the confirm
    # failed on the unique register number (told to "run it again"), or, written without
    # its space, made two companies of one register number.
    CompanyFactory(name="Ohne Nummer GmbH", city=cities["leipzig"], register_number="")
    data = xlsx(
        [["Ohne Nummer GmbH", "HRB 4242", "Leipzig"], ["Ganz Andere GmbH", second, "Leipzig"]]
    )

    assert [str(e) for e in run(data, dry_run=True).errors] == [
        'row 3, column "Handelsregisternummer": the same register number as row 2'
    ]
    result = run(data, skip_invalid=True)

    assert (result.created, result.updated, result.invalid_rows) == (0, 1, 1)
    assert not Organisation.objects.filter(name="Ganz Andere GmbH").exists()
