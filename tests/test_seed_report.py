"""The 2019 report of the shipped seed data (issue 5, "Done when").

The seed leaves unknown dates empty: the memoranda have no ``signed_on``, the meetings no
``date`` and the handovers no ``handed_over_on``. Each is dated by its delegation's start,
so the trip of June 2019 lands in 2019 in the page, the workbook and ``export_report``.
"""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import translation

from partners.reports import figures, queries

from . import factories as f
from .backoffice import TableReader

ENGLISH = {"accept-language": "en"}
# What the press release of 11 July 2019 says about each partner city.
EXPECTED = {
    "delegations_out": 1,
    "delegations_out_completed": 1,
    "delegations_in": 0,
    "delegations_out_cancelled": 0,
    "delegations_in_cancelled": 0,
    "memoranda_signed": 1,
}
PROFILES_HANDED_OVER_IN_TOTAL = 11
TOTAL = "Total (each record once)"


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed", "demo_companies", verbosity=0)


@pytest.fixture
def manager(client, seeded):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)
    return client


def _html_summary(page: str) -> dict:
    reader = TableReader("summary")
    reader.feed(page)
    header = reader.header
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in reader.rows}


def _sheet_summary(workbook) -> dict:
    header, *rows = workbook["Summary"].iter_rows(values_only=True)
    return {row[0]: dict(zip(header[2:], row[2:], strict=True)) for row in rows}


def _label(measure: str) -> str:
    # The pages and files read here are English (ENGLISH headers, the command below).
    with translation.override("en"):
        return str(figures.BY_NAME[measure].label)


def _assert_the_2019_trip_is_counted(summary: dict, nanjing: str, jining: str):
    profiles = _label("profiles_handed_over")
    for city in (nanjing, jining):
        counts = {name: int(summary[city][_label(name)]) for name in EXPECTED}
        assert counts == EXPECTED, city
    assert int(summary[TOTAL][profiles]) == PROFILES_HANDED_OVER_IN_TOTAL
    # Each handover went to one city's government: the cities share the eleven.
    assert int(summary[nanjing][profiles]) + int(summary[jining][profiles]) == 11


def test_the_summary_counts_the_trip_for_both_cities_and_eleven_profiles(seeded):
    summary = figures.summary(queries.Criteria.for_year(2019))

    # German names: the test does not depend on a language an earlier test left active.
    counts = {row.city.name_de: row.counts for row in summary.rows}
    for city in ("Nanjing", "Jining"):
        assert {name: counts[city][name] for name in EXPECTED} == EXPECTED
    assert summary.total["profiles_handed_over"] == PROFILES_HANDED_OVER_IN_TOTAL
    assert summary.total["memoranda_signed"] == 2
    assert summary.total["delegations_out"] == 1


def test_the_undated_meetings_and_handovers_fall_in_the_year_of_their_trip(seeded):
    criteria = queries.Criteria.for_year(2019)

    total = figures.summary(criteria).total
    assert total["meetings"] == 3
    assert total["handovers"] == 11
    assert total["memoranda_in_force"] == 2


def test_the_2018_visit_is_counted_in_2018_not_in_2019(seeded):
    counts = {
        row.city.name: row.counts for row in figures.summary(queries.Criteria.for_year(2018)).rows
    }

    assert counts["Jining"]["delegations_in"] == 1
    assert counts["Jining"]["delegations_out"] == 0
    assert counts["Nanjing"]["delegations_in"] == 0


def test_the_report_page_shows_the_2019_counts(manager):
    response = manager.get("/reports/", {"year": 2019}, headers=ENGLISH)

    assert response.status_code == 200
    summary = _html_summary(response.content.decode())
    _assert_the_2019_trip_is_counted(summary, "Nanjing (南京)", "Jining (济宁)")


def test_the_downloaded_workbook_carries_the_2019_counts(manager):
    response = manager.get("/reports/", {"year": 2019, "format": "xlsx"}, headers=ENGLISH)

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = _sheet_summary(workbook)
    _assert_the_2019_trip_is_counted(summary, "Nanjing", "Jining")
    assert len(list(workbook["Handovers"].iter_rows(min_row=2))) == 11


def test_export_report_writes_the_2019_counts(seeded, tmp_path):
    target = tmp_path / "seed-2019.xlsx"

    with translation.override("en"):
        call_command("export_report", str(target), "--year", "2019", stdout=io.StringIO())

    summary = _sheet_summary(openpyxl.load_workbook(target))
    _assert_the_2019_trip_is_counted(summary, "Nanjing", "Jining")
