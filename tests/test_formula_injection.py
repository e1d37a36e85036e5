"""No exported text cell can start a formula, on any export path."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from partners import models as m
from partners.spreadsheets import neutralise

from . import factories as f
from .test_admin_export import export_permission

pytestmark = pytest.mark.django_db
DANGEROUS = ["=1+1", "+49 341 123", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_prefixes_every_formula_trigger_with_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Nanjing", "", "a=b", 42, -3, datetime.date(2019, 1, 1), None])
def test_it_leaves_harmless_text_numbers_and_dates_alone(value):
    assert neutralise(value) == value


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
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    index = rows[0].index(column)
    return sorted(row[index] for row in rows[1:] if row[index])


def _all_neutralised(titles):
    # A carriage return inside a cell comes back as "_x000D_" or "\n" depending on the
    # writer; what matters is that every cell starts with the apostrophe.
    return (
        len(titles) == len(DANGEROUS)
        and all(t.startswith("'") for t in titles)
        and ("'=1+1" in titles and "'@SUM(A1)" in titles)
    )


def test_the_report_workbook_neutralises_formulae(manager, dangerous_meetings):
    response = manager.get(
        "/reports/", {"year": 2019, "format": "xlsx"}, headers={"accept-language": "en"}
    )

    content = b"".join(response.streaming_content)
    assert _all_neutralised(_titles_from_xlsx(content, "Meetings"))


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

    assert _all_neutralised(_titles_from_xlsx(target.read_bytes(), "Meetings"))


@pytest.mark.parametrize("file_format", ["0", "1"])
def test_the_admin_export_neutralises_formulae(manager, dangerous_meetings, file_format):
    response = manager.post("/admin/partners/meeting/export/", {"format": file_format})
    content = b"".join(response.streaming_content)

    if file_format == "0":
        titles = _titles_from_xlsx(content, column="title")
    else:
        text = content.decode("utf-8-sig")
        titles = sorted(row["title"] for row in csv.DictReader(io.StringIO(text, newline="")))
    assert _all_neutralised(titles)
