"""A manager's year logged by hand, and the report read back as a manager reads it: the
page, the workbook, every CSV sheet, the PDF and ``export_report`` must all show the
numbers README "How we count" gives for it, worked out by hand below.

The year 2024 of the office in Leipzig (the home city), with partner cities Nanjing,
Jining and Houston and a non-partner city, Shanghai:

Delegations
  D1 inbound from Nanjing to Leipzig, completed (March)
  D2 inbound from Jining to Leipzig, confirmed (September)
  D3 inbound from Houston to Leipzig, cancelled (May)
  D4 inbound from Shanghai (no partner city: in no row)
  D5 outbound Leipzig → Nanjing, Shanghai, Jining, Nanjing again, completed (June)
  D6 outbound Leipzig → Houston, planned (November), internal
  D7 outbound Leipzig → Nanjing over New Year (28 Dec 2024 – 5 Jan 2025), completed
  D8 outbound Leipzig → Jining, October 2023 (another year)
Meetings
  M1 Leipzig, during D1 (Nanjing)          M2 Leipzig, no trip, a Jining office (Jining)
  M3 Nanjing, during D5 (Nanjing)          M4 Shanghai, during D5, a Jining company (Jining)
  M5 Jining, during D5 (Jining)            M6 Nanjing, D5's second stop there (Nanjing)
  M7 undated, during D6 in Houston (Houston, by D6's start)
  M8 Leipzig, no trip, no counterpart (in no row)   M9 Nanjing, 2023
Handovers (profiles P1, P2, P3)
  H1 P1 to Nanjing at M3, interested        H2 P2 to Nanjing during D5, no response
  H3 P1 to Jining during D5, declined       H4 P3 to Houston, no trip, no response
  H5 P2 to Nanjing during D1 in Leipzig, meeting arranged
Memoranda
  MoU1 1 party, Leipzig–Nanjing partnership, signed in Nanjing during D5, no end date
  MoU2 2 parties, signed in Jining during D5, valid to 2027, review 1 Feb 2025
  MoU3 3 parties (Leipzig, Nanjing, Jining), signed in Leipzig during D2 (Jining's visit)
  MoU4 signed in Nanjing on 3 Jan 2025 during D7 (which began in 2024): counts in 2025
  MoU5 signed during D7 without a day of its own: counts by D7's start, 2024
  MoU6 draft with two parties (Houston): not signed, counts nowhere
  MoU7 Houston partnership, signed 2022, expired 30 Jun 2024: not in force at the end
  MoU8 Houston partnership, signed 2021, valid to 2026, review 1 Mar 2024, internal
Follow-ups (the report date is after 2024: everything open of 2024 is overdue)
  F1 open, Nanjing, due Jul 2024          F2 done, of MoU2, due Aug 2024
  F3 in progress, of M7, due Dec 2024     F4 dropped, of D5, due Jul 2024 (no figure)
  F5 open, Nanjing, due Feb 2025
Opportunities (stage log dated by hand)
  O1 Nanjing idea 1 Feb → contacted 1 Apr → won 1 Oct 2024 (20 jobs, EUR 1,000,000)
  O2 Nanjing idea 1 May → in talks 1 Aug 2024 (expected 10 jobs, EUR 500,000)
  O3 Jining idea Nov 2023 → negotiating Mar 2024 → lost Sep 2024
  O4 Houston idea 1 Jul → on hold 1 Dec 2024 (expected 5 jobs)
  O5 Shanghai idea Jan 2024 (no partner city: in no row)
  O6 Jining idea 25 Jun 2024 (expected EUR 2,000,000)
"""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from partners import models as m
from partners.reports import figures
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import (
    TableReader,
    change_form_data,
    client_for,
    form_errors,
    logged_in_with,
    user_with_role,
)

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}
D = datetime.date
Status, Direction = m.Delegation.Status, m.Delegation.Direction
Stage, Response = m.Opportunity.Stage, m.ProfileHandover.Response

# The figures in the order of figures.MEASURES, worked out by hand from the docstring:
#   delegations out: not cancelled, planned, confirmed, completed, cancelled
#   delegations in:  not cancelled, planned, confirmed, completed, cancelled
#   meetings; handovers, distinct profiles, with a response;
#   memoranda signed, in force at the end, due for review; follow-ups open, done, overdue
EXPECTED_2024 = {
    # Houston: D6 planned out, D3 cancelled in; M7; H4; MoU8 in force and due; F3.
    "Houston": [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1],
    # Jining: D5 out, D2 in; M2 M4 M5; H3; MoU2 MoU3 (MoU2 due); F2 done.
    "Jining": [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 3, 1, 1, 1, 2, 2, 1, 0, 1, 0],
    # Nanjing: D5 (once, two stops) and D7 out, D1 in; M1 M3 M6; H1 H2 H5 (P1, P2);
    # MoU1 MoU5; F1.
    "Nanjing": [2, 0, 0, 2, 0, 1, 0, 0, 1, 0, 3, 3, 2, 2, 2, 2, 0, 1, 0, 1],
}
# Each record once: D5 in two rows counts once; P1 handed over in two cities counts once.
TOTAL_2024 = [3, 1, 0, 2, 0, 2, 0, 1, 1, 1, 7, 5, 3, 3, 4, 5, 2, 2, 1, 2]
# Where a column's total is the sum of its rows (README: all but the shared figures).
SUMMED = [name not in figures.SHARED for name in figures.MEASURES]
# 2025: MoU4 signed (and MoU1–3, 5, 8 in force; MoU2 due for review on 1 Feb); F5 overdue.
TOTAL_2025 = [0] * 14 + [1, 6, 1, 1, 0, 1]

# Opportunities: open by stage (idea, contacted, in talks, negotiating, on hold), open,
# won, lost, expected jobs, expected EUR, jobs created, EUR invested, started,
# conversion %, median days to win.
OPPORTUNITIES_2024 = {
    "Houston": [0, 0, 0, 0, 1, 1, 0, 0, 5, 0, 0, 0, 1, 0.0, None],
    "Jining": [1, 0, 0, 0, 0, 1, 0, 1, 0, 2_000_000, 0, 0, 1, 0.0, None],
    # O1 won after 243 days (1 Feb to 1 Oct 2024, a leap year).
    "Nanjing": [0, 0, 1, 0, 0, 1, 1, 0, 10, 500_000, 20, 1_000_000, 2, 50.0, 243.0],
}
OPPORTUNITIES_TOTAL = [1, 0, 1, 0, 1, 3, 1, 1, 15, 2_500_000, 20, 1_000_000, 4, 25.0, 243.0]


def _log_stages(opportunity, *stages):
    """The opportunity's stage log as it was entered in 2023–2024 (the model dates a stage
    by the day it is saved)."""
    opportunity.stage_changes.all().delete()
    for stage, day in stages:
        m.OpportunityStageChange.objects.create(
            opportunity=opportunity, stage=stage, entered_on=day
        )


def build_year():
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    nanjing = f.CityFactory(name="Nanjing", slug="nanjing")
    jining = f.CityFactory(name="Jining", slug="jining")
    houston = f.CityFactory(name="Houston", slug="houston", country="US")
    shanghai = f.CityFactory(name="Shanghai", slug="shanghai")  # no partnership
    for city, kind in ((nanjing, "twinning"), (jining, "friendship"), (houston, "twinning")):
        f.PartnershipFactory(home_city=leipzig, partner_city=city, kind=kind)
    ln_partnership = m.Partnership.objects.get(partner_city=nanjing)
    houston_partnership = m.Partnership.objects.get(partner_city=houston)

    agency = f.OrganisationFactory(name="Invest Region Leipzig", city=leipzig)
    office = {
        c: f.OrganisationFactory(name=f"{c.name} Commerce", city=c)
        for c in (nanjing, jining, houston, shanghai)
    }
    jining_company = f.OrganisationFactory(name="Jining Machinery", city=jining)

    def trip(title, direction, status, start, end, origin, stops, **kwargs):
        trip = f.DelegationFactory(
            title=title,
            direction=direction,
            status=status,
            start_date=start,
            end_date=end,
            origin_city=origin,
            lead_organisation=agency if origin == leipzig else office[origin],
            **kwargs,
        )
        for order, city in enumerate(stops, 1):
            f.DelegationStopFactory(delegation=trip, city=city, order=order)
        return trip

    d1 = trip(
        "D1",
        Direction.INBOUND,
        Status.COMPLETED,
        D(2024, 3, 10),
        D(2024, 3, 14),
        nanjing,
        [leipzig],
    )
    d2 = trip(
        "D2", Direction.INBOUND, Status.CONFIRMED, D(2024, 9, 5), D(2024, 9, 7), jining, [leipzig]
    )
    trip(
        "D3", Direction.INBOUND, Status.CANCELLED, D(2024, 5, 1), D(2024, 5, 3), houston, [leipzig]
    )
    trip(
        "D4", Direction.INBOUND, Status.COMPLETED, D(2024, 4, 8), D(2024, 4, 9), shanghai, [leipzig]
    )
    d5 = trip(
        "D5",
        Direction.OUTBOUND,
        Status.COMPLETED,
        D(2024, 6, 20),
        D(2024, 6, 30),
        leipzig,
        [nanjing, shanghai, jining, nanjing],
    )
    d6 = trip(
        "D6",
        Direction.OUTBOUND,
        Status.PLANNED,
        D(2024, 11, 10),
        D(2024, 11, 15),
        leipzig,
        [houston],
        visibility=m.Visibility.INTERNAL,
    )
    d7 = trip(
        "D7",
        Direction.OUTBOUND,
        Status.COMPLETED,
        D(2024, 12, 28),
        D(2025, 1, 5),
        leipzig,
        [nanjing],
    )
    trip(
        "D8",
        Direction.OUTBOUND,
        Status.COMPLETED,
        D(2023, 10, 2),
        D(2023, 10, 6),
        leipzig,
        [jining],
    )

    def meeting(title, day, city, delegation=None, organisations=()):
        meeting = f.MeetingFactory(title=title, date=day, city=city, delegation=delegation)
        meeting.organisations.set(organisations)
        return meeting

    meeting("M1", D(2024, 3, 11), leipzig, d1, [office[nanjing]])
    meeting("M2", D(2024, 2, 15), leipzig, None, [office[jining]])
    m3 = meeting("M3", D(2024, 6, 21), nanjing, d5, [office[nanjing]])
    meeting("M4", D(2024, 6, 23), shanghai, d5, [jining_company])
    meeting("M5", D(2024, 6, 25), jining, d5, [office[jining]])
    meeting("M6", D(2024, 6, 28), nanjing, d5)
    m7 = meeting("M7", None, houston, d6, [office[houston]])
    meeting("M8", D(2024, 5, 5), leipzig)
    meeting("M9", D(2023, 5, 5), nanjing)

    p1, p2, p3 = (f.CompanyProfileFactory() for _ in range(3))
    handover = f.ProfileHandoverFactory
    handover(
        profile=p1,
        recipient=office[nanjing],
        delegation=d5,
        meeting=m3,
        handed_over_on=D(2024, 6, 21),
        response=Response.INTERESTED,
    )
    handover(
        profile=p2,
        recipient=office[nanjing],
        delegation=d5,
        handed_over_on=D(2024, 6, 21),
        response=Response.NONE,
    )
    handover(
        profile=p1,
        recipient=office[jining],
        delegation=d5,
        handed_over_on=D(2024, 6, 25),
        response=Response.DECLINED,
    )
    handover(
        profile=p3,
        recipient=office[houston],
        delegation=None,
        handed_over_on=D(2024, 11, 12),
        response=Response.NONE,
    )
    handover(
        profile=p2,
        recipient=office[nanjing],
        delegation=d1,
        handed_over_on=D(2024, 3, 12),
        response=Response.MEETING_ARRANGED,
    )

    def memorandum(title, parties, **kwargs):
        memorandum = f.MemorandumFactory(title=title, **kwargs)
        for organisation in parties:
            f.MemorandumPartyFactory(memorandum=memorandum, organisation=organisation)
        return memorandum

    Memo = m.Memorandum.Status
    memorandum(
        "MoU1",
        [office[nanjing]],
        partnership=ln_partnership,
        delegation=d5,
        signed_on=D(2024, 6, 21),
        signed_in=nanjing,
    )
    mou2 = memorandum(
        "MoU2",
        [agency, office[jining]],
        delegation=d5,
        signed_on=D(2024, 6, 25),
        signed_in=jining,
        valid_until=D(2027, 6, 25),
        review_on=D(2025, 2, 1),
    )
    memorandum(
        "MoU3",
        [agency, office[nanjing], jining_company],
        delegation=d2,
        signed_on=D(2024, 9, 6),
        signed_in=leipzig,
    )
    memorandum(
        "MoU4", [agency, office[nanjing]], delegation=d7, signed_on=D(2025, 1, 3), signed_in=nanjing
    )
    memorandum("MoU5", [office[nanjing]], delegation=d7, signed_on=None, signed_in=nanjing)
    memorandum(
        "MoU6",
        [agency, office[houston]],
        status=Memo.DRAFT,
        signed_on=None,
        signed_in=None,
        visibility=m.Visibility.INTERNAL,
    )
    memorandum(
        "MoU7",
        [office[houston]],
        partnership=houston_partnership,
        status=Memo.EXPIRED,
        signed_on=D(2022, 5, 1),
        signed_in=leipzig,
        valid_until=D(2024, 6, 30),
    )
    memorandum(
        "MoU8",
        [office[houston]],
        partnership=houston_partnership,
        signed_on=D(2021, 4, 1),
        signed_in=houston,
        valid_until=D(2026, 12, 31),
        review_on=D(2024, 3, 1),
        visibility=m.Visibility.INTERNAL,
    )

    FollowUp = m.FollowUp.Status
    f.FollowUpFactory(title="F1", status=FollowUp.OPEN, partner_city=nanjing, due_on=D(2024, 7, 15))
    f.FollowUpFactory(title="F2", status=FollowUp.DONE, memorandum=mou2, due_on=D(2024, 8, 1))
    f.FollowUpFactory(title="F3", status=FollowUp.IN_PROGRESS, meeting=m7, due_on=D(2024, 12, 1))
    f.FollowUpFactory(title="F4", status=FollowUp.DROPPED, delegation=d5, due_on=D(2024, 7, 1))
    f.FollowUpFactory(title="F5", status=FollowUp.OPEN, partner_city=nanjing, due_on=D(2025, 2, 1))

    o1 = f.OpportunityFactory(
        title="O1",
        partner_city=nanjing,
        stage=Stage.WON,
        won_on=D(2024, 10, 1),
        jobs_created=20,
        investment_eur=1_000_000,
    )
    _log_stages(
        o1,
        (Stage.IDEA, D(2024, 2, 1)),
        (Stage.CONTACTED, D(2024, 4, 1)),
        (Stage.WON, D(2024, 10, 1)),
    )
    o2 = f.OpportunityFactory(
        title="O2",
        partner_city=nanjing,
        stage=Stage.IN_TALKS,
        expected_jobs=10,
        expected_investment_eur=500_000,
    )
    _log_stages(o2, (Stage.IDEA, D(2024, 5, 1)), (Stage.IN_TALKS, D(2024, 8, 1)))
    o3 = f.OpportunityFactory(
        title="O3", partner_city=jining, stage=Stage.LOST, lost_reason="Went to Poland."
    )
    _log_stages(
        o3,
        (Stage.IDEA, D(2023, 11, 1)),
        (Stage.NEGOTIATING, D(2024, 3, 1)),
        (Stage.LOST, D(2024, 9, 1)),
    )
    o4 = f.OpportunityFactory(
        title="O4", partner_city=houston, stage=Stage.ON_HOLD, expected_jobs=5
    )
    _log_stages(o4, (Stage.IDEA, D(2024, 7, 1)), (Stage.ON_HOLD, D(2024, 12, 1)))
    o5 = f.OpportunityFactory(title="O5", partner_city=shanghai)
    _log_stages(o5, (Stage.IDEA, D(2024, 1, 10)))
    o6 = f.OpportunityFactory(
        title="O6", partner_city=jining, memorandum=mou2, expected_investment_eur=2_000_000
    )
    _log_stages(o6, (Stage.IDEA, D(2024, 6, 25)))


@pytest.fixture(scope="module")
def year(module_db):
    build_year()


@pytest.fixture
def manager(client, year):
    return logged_in_with(client, "view_reports")


def _number(text: str):
    """A figure as the English page writes it ("1,000,000", "50.0", "–" or "")."""
    text = text.replace(",", "").strip()
    if text in ("", "–", "—", "-"):
        return None
    return float(text) if "." in text else int(text)


def _page_tables(client, query):
    page = client.get("/reports/", query, headers=ENGLISH)
    assert page.status_code == 200
    tables = {}
    for table_id in ("summary", "timeline", "opportunity-figures"):
        reader = TableReader(table_id)
        reader.feed(page.text)
        tables[table_id] = {row[0]: [_number(cell) for cell in row[1:]] for row in reader.rows}
    return tables


def _cities(table: dict) -> dict:
    return {name: values for name, values in table.items() if not name.startswith("Total")}


def test_the_summary_per_city_and_total_is_the_one_worked_out_by_hand(manager):
    summary = _page_tables(manager, {"year": 2024})["summary"]

    assert _cities(summary) == EXPECTED_2024
    assert summary["Total (each record once)"] == TOTAL_2024


def test_each_total_is_the_sum_of_its_rows_except_trips_and_profiles_shared(manager):
    summary = _page_tables(manager, {"year": 2024})["summary"]
    rows, total = _cities(summary).values(), summary["Total (each record once)"]

    for i, summed in enumerate(SUMMED):
        column = sum(row[i] for row in rows)
        assert column == total[i] if summed else column >= total[i], figures.MEASURES[i]


def test_the_year_by_year_table_counts_each_year_as_its_own_report(manager):
    timeline = _page_tables(manager, {"year": 2025})["timeline"]

    assert timeline["2024"] == TOTAL_2024
    assert timeline["2025"] == TOTAL_2025
    assert _page_tables(manager, {"year": 2025})["summary"]["Total (each record once)"] == (
        TOTAL_2025
    )
    # From the first year with a record (MoU8, 2021) to the period's end.
    assert list(timeline) == ["2021", "2022", "2023", "2024", "2025"]


def test_the_opportunities_per_city_and_total_are_the_ones_worked_out_by_hand(manager):
    table = _page_tables(manager, {"year": 2024})["opportunity-figures"]

    assert _cities(table) == OPPORTUNITIES_2024
    assert table["Total"] == OPPORTUNITIES_TOTAL


def test_one_partner_city_shows_its_row_and_a_total_equal_to_it(manager):
    summary = _page_tables(manager, {"year": 2024, "partner_city": "nanjing"})["summary"]

    assert _cities(summary) == {"Nanjing": EXPECTED_2024["Nanjing"]}
    assert summary["Total (each record once)"] == EXPECTED_2024["Nanjing"]


def test_the_home_city_filter_keeps_every_figure_when_there_is_one_home_city(manager):
    summary = _page_tables(manager, {"year": 2024, "home_city": "leipzig"})["summary"]

    assert _cities(summary) == EXPECTED_2024
    assert summary["Total (each record once)"] == TOTAL_2024


def test_the_inbound_filter_keeps_the_visits_to_leipzig_and_their_records(manager):
    summary = _page_tables(manager, {"year": 2024, "direction": "inbound"})["summary"]

    # Only D1 (M1, H5) and D2 (MoU3) and their records; no outbound trip.
    assert summary["Nanjing"] == [0] * 5 + [1, 0, 0, 1, 0, 1, 1, 1, 1] + [0] * 6
    assert summary["Jining"] == [0] * 5 + [1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1] + [0] * 4
    assert summary["Houston"] == [0] * 9 + [1] + [0] * 10


def _workbook(client, query):
    response = client.get("/reports/", {**query, "format": "xlsx"}, headers=ENGLISH)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _sheet_figures(rows, skip: int) -> dict:
    """Figures by first cell, from a sheet's rows (``skip`` columns after the name)."""
    return {row[0]: list(row[1 + skip :]) for row in rows if row and row[0]}


def test_the_workbook_shows_the_numbers_of_the_page(manager):
    workbook = _workbook(manager, {"year": 2024})

    rows = list(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    summary = _sheet_figures(rows, skip=1)  # the country column
    assert {name: summary[name] for name in EXPECTED_2024} == EXPECTED_2024
    assert summary["Total (each record once)"] == TOTAL_2024
    opportunities = _sheet_figures(
        workbook["Opportunities"].iter_rows(min_row=2, values_only=True), skip=0
    )
    assert {name: opportunities[name] for name in OPPORTUNITIES_2024} == OPPORTUNITIES_2024
    assert opportunities["Total"] == OPPORTUNITIES_TOTAL


def test_the_workbook_lists_each_record_the_summary_counts(manager):
    workbook = _workbook(manager, {"year": 2024})

    def titles(sheet):
        rows = list(workbook[sheet].iter_rows(min_row=2, values_only=True))
        return sorted(row[0] for row in rows if row[0])

    assert titles("Delegations") == ["D1", "D2", "D3", "D5", "D6", "D7"]
    # Signed in 2024, or in force at its end (MoU8, signed 2021; not MoU7, expired).
    assert titles("Memoranda") == ["MoU1", "MoU2", "MoU3", "MoU5", "MoU8"]
    assert titles("Follow-ups") == ["F1", "F2", "F3", "F4"]
    meetings = [row[3] for row in workbook["Meetings"].iter_rows(min_row=2, values_only=True)]
    assert sorted(meetings) == ["M1", "M2", "M3", "M4", "M5", "M6", "M7"]
    assert workbook["Handovers"].max_row - 1 == 5
    # D5 appears once, naming both partner cities it reached, in stop order.
    d5 = next(r for r in workbook["Delegations"].iter_rows(values_only=True) if r[0] == "D5")
    assert d5[-1] == "Nanjing; Jining"


def _csv(client, sheet, query):
    response = client.get("/reports/", {**query, "format": "csv", "sheet": sheet}, headers=ENGLISH)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_sheets_show_the_numbers_of_the_page(manager):
    summary = _sheet_figures(_csv(manager, "summary", {"year": 2024})[1:], skip=1)
    as_numbers = {name: [_number(cell) for cell in row] for name, row in summary.items()}

    assert {name: as_numbers[name] for name in EXPECTED_2024} == EXPECTED_2024
    assert as_numbers["Total (each record once)"] == TOTAL_2024
    opportunities = _sheet_figures(_csv(manager, "opportunities", {"year": 2024})[1:], skip=0)
    as_numbers = {name: [_number(cell) for cell in row] for name, row in opportunities.items()}
    assert {name: as_numbers[name] for name in OPPORTUNITIES_2024} == OPPORTUNITIES_2024
    assert as_numbers["Total"] == OPPORTUNITIES_TOTAL


def _words(values) -> str:
    return " ".join("" if v is None else f"{v:,}" for v in values).replace("  ", " ")


def test_the_pdf_shows_the_numbers_of_the_page(manager):
    response = manager.get("/reports/", {"year": 2024, "format": "pdf"}, headers=ENGLISH)

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for city, values in EXPECTED_2024.items():
        assert f"{city} {_words(values)}" in text
    assert f"Total (each record once) {_words(TOTAL_2024)}" in text
    assert f"2024 {_words(TOTAL_2024)}" in text  # the year-by-year row


def test_export_report_writes_the_numbers_of_the_page(manager, tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    path = tmp_path / "report.xlsx"

    call_command("export_report", str(path), "--year", "2024", stdout=io.StringIO())

    workbook = openpyxl.load_workbook(path)
    summary = _sheet_figures(workbook["Summary"].iter_rows(min_row=2, values_only=True), skip=1)
    assert {name: summary[name] for name in EXPECTED_2024} == EXPECTED_2024
    assert summary["Total (each record once)"] == TOTAL_2024


def test_export_report_for_one_city_writes_its_row(manager, tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    path = tmp_path / "report.xlsx"

    call_command(
        "export_report", str(path), "--year", "2024", "--city", "jining", stdout=io.StringIO()
    )

    workbook = openpyxl.load_workbook(path)
    summary = _sheet_figures(workbook["Summary"].iter_rows(min_row=2, values_only=True), skip=1)
    assert summary["Jining"] == EXPECTED_2024["Jining"]
    assert "Nanjing" not in summary
    assert summary["Total (each record once)"] == EXPECTED_2024["Jining"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"year": "abc"}, "Year"),
        ({"year": "99999"}, "Year"),
        ({"year": "-5"}, "Year"),
        ({"partner_city": "99999"}, "Partner city"),
        ({"home_city": "nanjing"}, "Home city"),  # a partner city, not a home city
        ({"date_from": "2024-12-31", "date_to": "2024-01-01"}, "To"),
        ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, "From"),
        ({"date_from": "2024-02-30"}, "From"),
        ({"date_to": "99999-01-01"}, "To"),
        ({"direction": "up"}, "Direction"),
        ({"organisation": "99999"}, "Organisation"),
    ],
)
@pytest.mark.parametrize("output", ["html", "xlsx", "csv", "pdf"])
def test_a_bad_parameter_is_a_400_naming_it(manager, query, parameter, output):
    response = manager.get("/reports/", {**query, "format": output}, headers=ENGLISH)

    assert response.status_code == 400
    assert parameter in _fields_with_errors(response.text)


def _fields_with_errors(page: str) -> list[str]:
    """The labels of the filter's fields shown with an error above them."""
    rows = re.findall(r'<div class="form-row">(.*?)</div>', page, re.S)
    labels = (
        re.search(r"<label[^>]*>(.*?):?</label>", row, re.S) for row in rows if "errorlist" in row
    )
    return [label.group(1).strip() for label in labels if label]


def test_export_report_names_a_bad_year(manager, tmp_path):
    with pytest.raises(CommandError, match="--year"):
        call_command("export_report", str(tmp_path / "r.xlsx"), "--year", "abc")


def test_a_period_of_two_centuries_is_counted_year_by_year(manager):
    # Some 200 years of the timeline, each with its figures: more columns than one query
    # may have (SQLite 2000, PostgreSQL 1664).
    query = {"date_from": "1900-01-01", "date_to": "2100-12-31"}

    timeline = _page_tables(manager, query)["timeline"]

    assert list(timeline) == [str(year) for year in range(2021, 2101)]
    assert timeline["2024"] == TOTAL_2024 and timeline["2025"] == TOTAL_2025


@pytest.mark.layout
def test_a_period_of_two_centuries_prints(manager):
    query = {"date_from": "1900-01-01", "date_to": "2100-12-31", "format": "pdf"}

    response = manager.get("/reports/", query, headers=ENGLISH)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("output", ["html", "xlsx", "csv", "pdf"])
def test_a_period_starting_after_today_without_an_end_asks_for_its_end(manager, output):
    # Without "To" a period ends today: one from 2100 would end before it starts.
    query = {"date_from": "2100-01-01", "format": output}

    response = manager.get("/reports/", query, headers=ENGLISH)

    assert response.status_code == 400
    assert _fields_with_errors(response.text) == ["To"]
    assert "starts after today" in response.text


@pytest.mark.parametrize("output", ["html", "xlsx", "csv", "pdf"])
def test_an_unknown_parameter_is_named_not_ignored(manager, output):
    # ?city= (export_report's option) would otherwise show every partner city's figures
    # as if they were the one city's.
    query = {"year": "2024", "city": "99999", "format": output}

    response = manager.get("/reports/", query, headers=ENGLISH)

    assert response.status_code == 400
    assert "Unknown parameter “city”" in response.text
    assert "partner_city" in response.text


def test_the_organisation_filter_counts_what_the_agency_took_part_in(manager):
    agency = m.Organisation.objects.get(name="Invest Region Leipzig")

    summary = _page_tables(manager, {"year": 2024, "organisation": agency.pk})["summary"]

    # The trips it led (D5–D7) and their meetings, handovers and follow-ups; the
    # memoranda it signed (MoU2 with two parties, MoU3 with three: each once).
    assert _cities(summary) == {
        "Houston": [1, 1, 0, 0, 0] + [0] * 5 + [1, 0, 0, 0, 0, 0, 0, 1, 0, 1],
        "Jining": [1, 0, 0, 1, 0] + [0] * 5 + [2, 1, 1, 1, 2, 2, 1, 0, 1, 0],
        "Nanjing": [2, 0, 0, 2, 0] + [0] * 5 + [2, 2, 2, 1, 0, 0, 0, 0, 0, 0],
    }
    assert summary["Total (each record once)"] == (
        [3, 1, 0, 2, 0] + [0] * 5 + [5, 3, 2, 2, 2, 2, 1, 1, 1, 1]
    )


def test_a_month_counts_the_june_trip_and_what_was_in_force_at_its_end(manager):
    summary = _page_tables(manager, {"date_from": "2024-06-01", "date_to": "2024-06-30"})["summary"]

    # D5 with M3–M6, H1–H3, MoU1 and MoU2; in force on 30 June also MoU7 (expiring that
    # day) and MoU8, both Houston's.
    assert _cities(summary) == {
        "Houston": [0] * 15 + [2, 0, 0, 0, 0],
        "Jining": [1, 0, 0, 1, 0] + [0] * 5 + [2, 1, 1, 1, 1, 1, 0, 0, 0, 0],
        "Nanjing": [1, 0, 0, 1, 0] + [0] * 5 + [2, 2, 2, 1, 1, 1, 0, 0, 0, 0],
    }
    assert summary["Total (each record once)"] == (
        [1, 0, 0, 1, 0] + [0] * 5 + [4, 3, 2, 2, 2, 4, 0, 0, 0, 0]
    )


def test_the_charts_show_the_years_figures(manager):
    page = manager.get("/reports/", {"year": 2024}, headers=ENGLISH).text

    # Delegations not cancelled, both directions: Nanjing D1, D5, D7; Jining D2, D5; Houston D6.
    for bar in ("Nanjing 2024: 3", "Jining 2024: 2", "Houston 2024: 1"):
        assert f"<title>{bar}</title>" in page
    assert "<title>2024: 5</title>" in page  # memoranda in force at the end of 2024


def _plus(row, **more):
    """``row`` with some figures raised (``more``: figure name → how many)."""
    return [n + more.get(name, 0) for name, n in zip(figures.MEASURES, row, strict=True)]


def test_a_visit_and_its_memorandum_logged_in_the_back_office_count_as_logged(manager):
    # A trade officer logs Houston's visit to Leipzig on one page (its stop in Leipzig and
    # a meeting there), then the memorandum signed during it by three parties.
    officer = client_for(user_with_role(TRADE_OFFICERS))
    leipzig, houston = m.City.objects.get(slug="leipzig"), m.City.objects.get(slug="houston")
    url = "/admin/partners/delegation/add/"
    visit = change_form_data(officer, url) | {
        "title_de": "Besuch aus Houston",
        "direction": Direction.INBOUND,
        "status": Status.COMPLETED,
        "start_date": "2024-10-07",
        "end_date": "2024-10-09",
        "origin_city": houston.pk,
        "lead_organisation": m.Organisation.objects.get(name="Houston Commerce").pk,
        "stops-TOTAL_FORMS": "1",
        "stops-0-city": leipzig.pk,
        "stops-0-order": "1",
        "meetings-TOTAL_FORMS": "1",
        "meetings-0-date": "2024-10-08",
        "meetings-0-city": leipzig.pk,
        "meetings-0-kind": m.Meeting.Kind.SIGNING,
        "meetings-0-title_de": "Unterzeichnung im Rathaus",
    }
    response = officer.post(url, visit)
    assert response.status_code == 302, form_errors(response)
    trip = m.Delegation.objects.get(title="Besuch aus Houston")
    url = "/admin/partners/memorandum/add/"
    parties = ["Invest Region Leipzig", "Houston Commerce", "Jining Machinery"]
    memorandum = change_form_data(officer, url) | {
        "title_de": "Absichtserklärung Houston",
        "status": m.Memorandum.Status.SIGNED,
        "delegation": trip.pk,
        "signed_on": "2024-10-08",
        "signed_in": leipzig.pk,
        "parties-TOTAL_FORMS": "3",
        **{
            f"parties-{i}-organisation": m.Organisation.objects.get(name=name).pk
            for i, name in enumerate(parties)
        },
    }
    response = officer.post(url, memorandum)
    assert response.status_code == 302, form_errors(response)

    summary = _page_tables(manager, {"year": 2024})["summary"]

    more = {"delegations_in": 1, "delegations_in_completed": 1, "meetings": 1}
    more |= {"memoranda_signed": 1, "memoranda_in_force": 1}
    assert summary["Houston"] == _plus(EXPECTED_2024["Houston"], **more)
    assert summary["Jining"] == EXPECTED_2024["Jining"]
    assert summary["Total (each record once)"] == _plus(TOTAL_2024, **more)


def test_what_belongs_to_no_partner_city_is_named_apart_from_the_total(manager):
    page = manager.get("/reports/", {"year": 2024}, headers=ENGLISH).text
    workbook = _workbook(manager, {"year": 2024})

    # Shanghai's visit D4 and the meeting M8 in Leipzig without a counterpart.
    note = page.split('id="report-unplaced"')[1].split("</p>")[0]
    assert note.endswith("Delegations: 1, Meetings: 1")
    summary = _sheet_figures(workbook["Summary"].iter_rows(min_row=2, values_only=True), skip=1)
    assert summary["Not in any partner city (not in the total)"] == (
        [0] * 5 + [1, 0, 0, 1, 0] + [1] + [0] * 9
    )
    # Shanghai's opportunity O5, an idea started in 2024.
    assert "Not in any partner city (not in the total): open 1" in page
