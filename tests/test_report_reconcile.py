"""Every place a report figure appears says the same number, and the numbers add up.

The world (tests/reconcile_world.py) has an inbound visit with meetings, handovers and a
three-party memorandum, a trip over New Year, cancelled and undated trips; its counts were
made by hand. Checked: the summary, the page's table, year-by-year table and charts, the
XLSX in English and German, the CSV, export_report and the manager's desk.
"""

import copy
import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from partners import models as m
from partners.desk import HEADLINE
from partners.reports import figures, queries
from partners.roles import MANAGERS

from . import reconcile_world as world
from .backoffice import TableReader, client_for, user_with_role
from .reconcile_world import COUNTS_A, COUNTS_B, LISTED_B, A, B

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}
GERMAN = {"accept-language": "de"}
CITIES = ["Jining", "Nanjing"]


@pytest.fixture(scope="module")
def shared_world(module_db):
    return world.build()


@pytest.fixture
def built(shared_world):
    return copy.deepcopy(shared_world)  # a test's changes to the instances stay its own


@pytest.fixture
def manager():
    return client_for(user_with_role(MANAGERS, is_staff=True))


def _expected_rows(counts=COUNTS_B):
    return {city: [counts[name][0][city] for name in figures.MEASURES] for city in CITIES}


def _expected_total(counts=COUNTS_B):
    return [counts[name][1] for name in figures.MEASURES]


def _table(page: str, table_id: str) -> tuple[list[str], list[list[str]]]:
    reader = TableReader(table_id)
    reader.feed(page)
    return reader.header, reader.rows


def test_the_summary_matches_the_hand_computed_counts(built):
    summary = figures.summary(queries.Criteria.for_year(B))

    assert {row.city.name: [row.counts[n] for n in figures.MEASURES] for row in summary.rows} == (
        _expected_rows()
    )
    assert [summary.total[n] for n in figures.MEASURES] == _expected_total()


def test_the_year_before_counts_the_trip_over_new_year_for_both_cities_once(built):
    summary = figures.summary(queries.Criteria.for_year(A))

    for name, (per_city, total) in COUNTS_A.items():
        assert {row.city.name: row.counts[name] for row in summary.rows} == per_city, name
        assert summary.total[name] == total, name


def test_totals_are_the_sum_of_the_rows_except_where_a_record_concerns_two_cities(built):
    for year in (A, B):
        summary = figures.summary(queries.Criteria.for_year(year))
        for name in figures.MEASURES:
            column = sum(row.counts[name] for row in summary.rows)
            if name in figures.SHARED:
                assert summary.total[name] <= column
            else:
                assert summary.total[name] == column, (year, name)
    a = figures.summary(queries.Criteria.for_year(A))
    assert sum(row.counts["delegations_out"] for row in a.rows) == 2
    assert a.total["delegations_out"] == 1  # the one trip, which stopped in both


def test_the_home_city_is_never_a_partner_city(built):
    summary = figures.summary(queries.Criteria.for_year(B))

    assert [row.city.name for row in summary.rows] == CITIES  # not Leipzig (Hannover's partner)


def test_the_timeline_row_of_a_year_is_that_year_s_summary(built):
    timeline = figures.summary_and_timeline(queries.Criteria.for_year(B))[1]

    assert timeline.years == [A, B]
    for year in (A, B):
        assert timeline.totals[year] == figures.summary(queries.Criteria.for_year(year)).total


def test_the_page_shows_the_same_numbers_in_its_tables_and_charts(built, manager):
    page = manager.get("/reports/", {"year": B}, headers=ENGLISH).content.decode()

    header, rows = _table(page, "summary")
    with translation.override("en"):
        assert header[1:] == [str(figure.label) for figure in figures.FIGURES]
    cells = {row[0]: [int(v) for v in row[1:]] for row in rows}
    assert cells.pop("Total (each record once)") == _expected_total()
    assert cells == {
        "Jining (济宁)": _expected_rows()["Jining"],
        "Nanjing (南京)": _expected_rows()["Nanjing"],
    }
    _, years = _table(page, "timeline")
    assert [int(v) for v in years[-1][1:]] == _expected_total()
    assert years[-1][0] == str(B)
    # Charts: delegations (out + in, not cancelled) per city, memoranda in force at year end.
    assert f"<title>Nanjing {B}: 1</title>" in page and f"<title>Jining {B}: 2</title>" in page
    assert f"<title>Nanjing {A}: 1</title>" in page and f"<title>Jining {A}: 1</title>" in page
    assert f"<title>{B}: 2</title>" in page and f"<title>{A}: 1</title>" in page  # memoranda
    assert 'id="how-we-count"' in page and "<details" in page
    how = page[page.index('id="how-we-count"') :]
    assert "The home-city filter: an outbound trip belongs to its origin city" in how
    assert "a record of no trip is left out by a direction filter" in how


def _workbook(client, headers, **query):
    response = client.get("/reports/", {"year": B, "format": "xlsx", **query}, headers=headers)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return response, workbook


def _check_summary_sheet(sheet):
    rows = list(sheet.iter_rows(values_only=True))
    width = 2 + len(figures.MEASURES)
    for index, city in enumerate(CITIES, start=1):
        assert rows[index][:width] == (city, "CN", *_expected_rows()[city])
    assert rows[3][2:width] == tuple(_expected_total())
    # The autofilter covers the header and the cities, not the total below them.
    last_column = openpyxl.utils.get_column_letter(width)
    assert sheet.auto_filter.ref == f"A1:{last_column}3"


def _partner_cities_of(sheet) -> dict:
    header, *rows = list(sheet.iter_rows(values_only=True))
    found = {}
    for row in rows:
        found[row[-1]] = found.get(row[-1], 0) + 1
    return found


def test_the_english_workbook_lists_what_the_summary_counts(built, manager):
    response, workbook = _workbook(manager, ENGLISH)

    assert response["Content-Disposition"] == f'attachment; filename="report-{B}.xlsx"'
    assert workbook.sheetnames == [
        "Summary",
        "Delegations",
        "Meetings",
        "Memoranda",
        "Handovers",
        "Follow-ups",
        "Opportunities",
    ]
    _check_summary_sheet(workbook["Summary"])
    names = dict(zip(figures.MEASURES, workbook["Summary"][1][2:], strict=False))
    assert names["meetings"].value == "Meetings"
    assert names["delegations_out_confirmed"].value == "Delegations outbound: confirmed"
    assert names["memoranda_signed"].value == "Memoranda: signed"
    listed = {
        key: workbook[name].max_row - 1
        for key, name in zip(LISTED_B, workbook.sheetnames[1 : 1 + len(LISTED_B)], strict=True)
    }
    assert listed == LISTED_B
    assert _partner_cities_of(workbook["Meetings"]) == {"Jining": 3, "Nanjing": 3}
    assert _partner_cities_of(workbook["Handovers"]) == {"Nanjing": 2}
    assert _partner_cities_of(workbook["Memoranda"]) == {"Jining": 1, "Nanjing": 1}
    assert _partner_cities_of(workbook["Follow-ups"]) == {"Jining": 2, "Nanjing": 2}


def test_the_german_workbook_is_german_and_names_its_filter(built, manager):
    response, workbook = _workbook(manager, GERMAN, partner_city="nanjing")

    assert response["Content-Disposition"] == f'attachment; filename="bericht-{B}-nanjing.xlsx"'
    assert workbook.sheetnames == [
        "Übersicht",
        "Delegationen",
        "Treffen",
        "Vereinbarungen",
        "Übergaben",
        "Folgeaufgaben",
        "Chancen",
    ]
    rows = list(workbook["Übersicht"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Partnerstadt", "Land")
    assert rows[0][2:7] == tuple(
        f"Delegationen ausgehend: {status}"
        for status in ("nicht abgesagt", "geplant", "bestätigt", "abgeschlossen", "abgesagt")
    )
    assert rows[1][2 : 2 + len(figures.MEASURES)] == tuple(_expected_rows()["Nanjing"])
    notes = {row[0]: row[1] for row in rows[4:] if row[0]}
    assert notes["Berichtsdatum"].date() == queries.Criteria.for_year(B).today
    assert workbook["Treffen"]["A1"].value == "Datum"


def _csv(client, headers, **query):
    response = client.get(
        "/reports/", {"year": B, "format": "csv", "sheet": "summary", **query}, headers=headers
    )
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return response, raw.decode("utf-8-sig")


def test_the_german_csv_is_separated_by_semicolons_and_says_the_same(built, manager):
    response, text = _csv(manager, GERMAN)

    assert response["Content-Disposition"] == f'attachment; filename="bericht-{B}-uebersicht.csv"'
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Partnerstadt"
    assert [int(v) for v in rows[1][2:]] == _expected_rows()["Jining"]
    assert [int(v) for v in rows[3][2:]] == _expected_total()


@pytest.mark.parametrize(
    ("headers", "delimiter", "expected"),
    [(ENGLISH, "", ","), (GERMAN, "comma", ","), (ENGLISH, "semicolon", ";")],
)
def test_the_csv_separator_follows_the_language_unless_chosen(
    built, manager, headers, delimiter, expected
):
    _, text = _csv(manager, headers, **({"delimiter": delimiter} if delimiter else {}))

    rows = list(csv.reader(io.StringIO(text), delimiter=expected))
    assert [int(v) for v in rows[2][2:]] == _expected_rows()["Nanjing"]


def test_export_report_writes_the_same_numbers(built, tmp_path):
    target = tmp_path / "report.xlsx"

    call_command("export_report", str(target), "--year", str(B), stdout=io.StringIO())

    _check_summary_sheet(openpyxl.load_workbook(target).worksheets[0])


def test_the_desk_compares_this_year_with_last_year(built, manager):
    page = manager.get("/admin/", headers=ENGLISH).content.decode()

    header, rows = _table(page, "desk-headline")
    assert header[1:] == [str(B + 1), str(B)]
    expected = [COUNTS_B[name][1] for name in HEADLINE]
    assert [int(row[2]) for row in rows] == expected
    assert f'href="/reports/?year={B}"' in page


def test_the_timeline_reaches_ten_years_back_or_to_the_period_s_start(built):
    leipzig, jining = built["leipzig"], built["jining"]
    old_trip = world._trip(world.OUT, world.D(B - 15, 3, 1), None, leipzig, [jining])
    world._trip(world.OUT, world.D(B - 9, 3, 1), None, leipzig, [jining])

    ten_years = figures.summary_and_timeline(queries.Criteria.for_year(B))[1]
    assert ten_years.years == list(range(B - 9, B + 1))
    assert ten_years.totals[B] == figures.summary(queries.Criteria.for_year(B)).total

    since_then = queries.Criteria(start=old_trip.start_date, end=world.D(B, 12, 31))
    long_timeline = figures.summary_and_timeline(since_then)[1]
    assert long_timeline.years == list(range(B - 15, B + 1))
    assert long_timeline.totals[B - 15]["delegations_out"] == 1


def test_chinese_downloads_are_named_in_chinese_not_left_nameless(built, manager):
    chinese = {"accept-language": "zh-hans"}

    response, _ = _workbook(manager, chinese)
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A-{B}.xlsx"  # 报告-B.xlsx
    )
    response, _ = _csv(manager, chinese)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''") and f"-{B}-" in disposition
    assert "filename*=utf-8''-" not in disposition and "--" not in disposition


def test_a_chinese_workbook_names_related_records_in_chinese_else_in_german(built, manager):
    """Names read across a relation (a meeting's city, a trip's stops, a handover's
    recipient) are in the workbook's language, as the summary's, else in German."""
    chinese = {"nanjing": "南京", "jining": "济宁", "leipzig": "莱比锡"}  # Paris: none
    for slug, name in chinese.items():
        m.City.objects.filter(slug=slug).update(name_zh_hans=name)
    m.Organisation.objects.filter(name="Nanjing government").update(name_zh_hans="南京市政府")

    _, workbook = _workbook(manager, {"accept-language": "zh-hans"})

    header, *meetings = workbook["会谈"].iter_rows(values_only=True)
    assert {row[1] for row in meetings} == {"莱比锡", "济宁", "Paris"}  # the city column
    assert {row[-1] for row in meetings} == {"南京", "济宁"}  # the partner city
    header, *trips = workbook["代表团"].iter_rows(values_only=True)
    origin, stops = header.index("出发城市"), header.index("停留站")
    assert {row[origin] for row in trips} == {"莱比锡", "济宁", "南京"}
    assert "Paris；济宁" in {row[stops] for row in trips}  # a Chinese list separator
    header, *handovers = workbook["转交"].iter_rows(values_only=True)
    assert {(row[2], row[3]) for row in handovers} == {("南京市政府", "南京")}
