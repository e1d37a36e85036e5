"""export_report PATH [--year Y] [--city SLUG]."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from . import report_world
from .report_world import SUMMARY_2019

pytestmark = pytest.mark.django_db


def _summary_rows(path):
    # The summary is the first sheet; its name is in LANGUAGE_CODE ("Übersicht").
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_it_writes_the_workbook_of_a_year(tmp_path):
    report_world.build()
    target = tmp_path / "report-2019.xlsx"

    call_command("export_report", str(target), "--year", "2019", stdout=io.StringIO())

    rows = _summary_rows(target)
    assert rows[0] == ("Jining", "CN", *SUMMARY_2019["Jining"])
    assert rows[1] == ("Nanjing", "CN", *SUMMARY_2019["Nanjing"])


def test_it_narrows_the_report_to_one_city(tmp_path):
    report_world.build()
    target = tmp_path / "nanjing.xlsx"

    call_command(
        "export_report", str(target), "--year", "2019", "--city", "nanjing", stdout=io.StringIO()
    )

    rows = _summary_rows(target)
    assert rows[0] == ("Nanjing", "CN", *SUMMARY_2019["Nanjing"])
    assert rows[1][2:] == tuple(SUMMARY_2019["Nanjing"])  # the total is Nanjing's alone


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--year", "nineteen"], "--year"),
        (["--year", "3000"], "--year"),
        (["--city", "atlantis"], "--city"),
    ],
)
def test_it_names_the_bad_option(tmp_path, arguments, message):
    target = tmp_path / "report.xlsx"

    with pytest.raises(CommandError, match=message):
        call_command("export_report", str(target), *arguments)
    assert not target.exists()


def test_it_says_when_the_file_cannot_be_written_in_the_commands_language(tmp_path):
    target = tmp_path / "missing" / "report.xlsx"
    with pytest.raises(CommandError, match=f"^Kann {target} nicht schreiben: "):
        call_command("export_report", str(target))  # LANGUAGE_CODE: German
    with translation.override("en"), pytest.raises(CommandError, match="^Cannot write"):
        call_command("export_report", str(target))


def test_it_says_where_it_wrote_the_report(tmp_path):
    target = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command("export_report", str(target), "--year", "2019", stdout=out)
    assert out.getvalue().strip() == f"Bericht 2019-01-01 – 2019-12-31 nach {target} geschrieben"


def test_an_unknown_city_is_answered_with_the_partner_cities_slugs(tmp_path):
    report_world.build()

    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("export_report", str(tmp_path / "r.xlsx"), "--city", "leipzig")

    # Leipzig is the home city, never a partner city; the valid slugs are named.
    assert str(error.value) == (
        "--city 'leipzig' is not a partner city; partner cities: jining, nanjing"
    )


def test_an_unknown_city_is_one_message_in_the_commands_language(tmp_path):
    report_world.build()

    with pytest.raises(CommandError) as error:  # LANGUAGE_CODE: German
        call_command("export_report", str(tmp_path / "r.xlsx"), "--city", "nowhere")

    assert str(error.value) == (
        "--city 'nowhere' ist keine Partnerstadt; Partnerstädte: jining, nanjing"
    )


@pytest.mark.parametrize("name", ["report.csv", "report", "report.xls"])
def test_it_refuses_a_path_that_does_not_name_an_xlsx_file(tmp_path, name):
    target = tmp_path / name

    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("export_report", str(target), "--year", "2019", stdout=io.StringIO())
    assert not target.exists()


def test_it_takes_an_xlsx_path_in_capitals(tmp_path):
    target = tmp_path / "REPORT.XLSX"

    call_command("export_report", str(target), "--year", "2019", stdout=io.StringIO())

    assert openpyxl.load_workbook(target).worksheets
