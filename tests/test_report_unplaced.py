"""/reports/ says what it leaves out: the records of the period that belong to no partner
city, on the page (de/en/zh-hans), in the CSV and XLSX and in the PDF's context, with links
to the back-office lists of them."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone, translation

from partners import models as m

from . import factories as f
from .backoffice import logged_in_with

pytestmark = pytest.mark.django_db
OUT, IN = m.Delegation.Direction.OUTBOUND, m.Delegation.Direction.INBOUND
YEAR = timezone.localdate().year  # opportunities start the day they are logged
D = datetime.date


def _trip(leipzig, *stops, direction=OUT, origin=None, start=None):
    start = start or D(YEAR, 3, 1)
    trip = f.DelegationFactory(
        direction=direction,
        origin_city=origin or leipzig,
        lead_organisation=f.OrganisationFactory(city=leipzig),
        start_date=start,
        end_date=start,
    )
    for order, city in enumerate(stops, start=1):
        f.DelegationStopFactory(delegation=trip, city=city, order=order)
    return trip


def _world():
    """In partner city Nanjing: one record of each kind, 45 expected jobs. In no partner
    city: 3 delegations, 1 meeting, 1 handover, 1 memorandum, 2 follow-ups of this year,
    2 open opportunities with 3 expected jobs and 50,000 EUR, 1 won; and last year's
    meeting in Paris, which is in no period asked for."""
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing", local_name="南京")
    paris = f.CityFactory(name="Paris", country="FR")  # no partnership
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    in_nanjing = f.OrganisationFactory(city=nanjing)
    in_paris = f.OrganisationFactory(city=paris)

    # Inside: a trip to Nanjing that also stopped in Paris is Nanjing's, not "elsewhere".
    _trip(leipzig, nanjing, paris)
    meeting = f.MeetingFactory(delegation=None, date=D(YEAR, 3, 2), city=nanjing)
    f.ProfileHandoverFactory(delegation=None, recipient=in_nanjing, handed_over_on=D(YEAR, 3, 2))
    f.MemorandumFactory(signed_in=nanjing, signed_on=D(YEAR, 3, 2))
    f.FollowUpFactory(partner_city=nanjing, due_on=D(YEAR, 3, 2), meeting=meeting)
    f.OpportunityFactory(partner_city=nanjing, expected_jobs=45, expected_investment_eur=10**6)

    # In no partner city.
    _trip(leipzig, paris)  # outbound to Paris only
    _trip(leipzig)  # outbound, no stop logged
    _trip(leipzig, leipzig, direction=IN, origin=paris)  # visitors from Paris
    in_the_city = f.MeetingFactory(delegation=None, date=D(YEAR, 4, 1), city=paris)
    in_the_city.organisations.add(in_paris)
    f.ProfileHandoverFactory(delegation=None, recipient=in_paris, handed_over_on=D(YEAR, 4, 1))
    signed = f.MemorandumFactory(signed_in=paris, signed_on=D(YEAR, 4, 1))
    f.MemorandumPartyFactory(memorandum=signed, organisation=in_paris)
    f.FollowUpFactory(due_on=D(YEAR, 4, 1))  # linked to nothing
    f.FollowUpFactory(due_on=D(YEAR, 4, 2), status=m.FollowUp.Status.DROPPED)
    f.OpportunityFactory(partner_city=None, expected_jobs=2, expected_investment_eur=20_000)
    f.OpportunityFactory(partner_city=paris, expected_jobs=1, expected_investment_eur=30_000)
    f.WonOpportunityFactory(partner_city=None, won_on=timezone.localdate())
    # Last year's: in no period of this year's report.
    f.MeetingFactory(delegation=None, date=D(YEAR - 1, 4, 1), city=paris)


@pytest.fixture
def manager(client):
    return logged_in_with(
        client,
        "view_reports",
        "view_delegation",
        "view_meeting",
        "view_profilehandover",
        "view_memorandum",
        "view_followup",
        "view_opportunity",
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def _paragraph(page: str, id_: str) -> str:
    return page.split(f'id="{id_}">')[1].split("</p>")[0]


@pytest.mark.parametrize(
    "language, note, opportunities",
    [
        (
            "en",
            "Of the period, but of no partner city (in no row, not in the total): "
            "Delegations: 3, Meetings: 1, Handovers: 1, Memoranda: 1, Follow-ups: 2",
            "Not in any partner city (not in the total): open 2, expected jobs 3, "
            "expected investment EUR 50,000, won 1, lost 0.",
        ),
        (
            "de",
            "Im Zeitraum, aber in keiner Partnerstadt (in keiner Zeile, nicht in der Summe): "
            "Delegationen: 3, Treffen: 1, Übergaben: 1, Vereinbarungen: 1, Folgeaufgaben: 2",
            "In keiner Partnerstadt (nicht in der Summe): offen 2, erwartete "
            "Arbeitsplätze 3, erwartete Investition EUR 50.000, gewonnen 1, verloren 0.",
        ),
        (
            "zh-hans",
            "本期内但不属于任何伙伴城市（不在任何一行，也不计入合计）："
            "代表团：3、会谈：1、转交：1、合作备忘录：1、后续事项：2",
            "不属于任何伙伴城市（不计入合计）：进行中 2，预计就业岗位 3，"
            "预计投资额（欧元）50,000，已达成 1，未成功 0。",
        ),
    ],
)
def test_the_page_says_how_many_records_of_the_period_are_in_no_partner_city(
    manager, language, note, opportunities
):
    _world()

    response = manager.get("/reports/", {"year": YEAR}, headers={"accept-language": language})

    page = response.content.decode()
    assert _text(_paragraph(page, "report-unplaced")).startswith(note)
    assert _text(_paragraph(page, "opportunities-unplaced")).startswith(opportunities)


@pytest.mark.parametrize("language, gap", [("en", " "), ("de", " "), ("zh-hans", "")])
def test_the_notes_part_their_sentences_as_the_language_writes(manager, language, gap):
    """No space after "：" or "。" in Chinese, one after ":" and "." in German and English."""
    _world()

    page = manager.get("/reports/", {"year": YEAR}, headers={"accept-language": language}).text

    note = _paragraph(page, "report-unplaced")
    assert re.search(r"[:：]" + gap + "<a ", note), note
    opportunities = _paragraph(page, "opportunities-unplaced")
    assert re.search(r"[.。]" + gap + "<a ", opportunities), opportunities


def test_the_totals_leave_them_out_and_the_note_counts_only_them(manager):
    _world()

    page = manager.get("/reports/", {"year": YEAR}, headers={"accept-language": "en"})
    page = page.content.decode()

    # Nanjing's 45 expected jobs are the total; the 3 of no partner city are in the note.
    total = page.split('id="opportunity-figures"')[1].split("<tfoot>")[1].split("</tfoot>")[0]
    assert "<td>45</td>" in total
    # One delegation, meeting, handover, memorandum and follow-up in Nanjing's row, and as
    # many in the total: none of those in the note.
    summary = page.split('id="summary"')[1]
    nanjing = summary.split("Nanjing")[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", nanjing)[:2] == ["1", "0"]
    assert "Delegations: 3" in _text(_paragraph(page, "report-unplaced"))


def test_the_note_links_to_the_lists_of_those_records(manager):
    _world()
    page = manager.get("/reports/", {"year": YEAR}, headers={"accept-language": "en"})

    note = _paragraph(page.content.decode(), "report-unplaced")
    links = {
        text: href.replace("&amp;", "&")
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', note)
    }
    assert set(links) == {
        "Delegations: 3",
        "Meetings: 1",
        "Handovers: 1",
        "Memoranda: 1",
        "Follow-ups: 2",
    }
    for text, href in links.items():
        listed = manager.get(href, headers={"accept-language": "en"})
        assert listed.status_code == 200, href
        assert f"{text.split(': ')[1]} " in _text(
            listed.content.decode().split('class="paginator"')[1].split("</p>")[0]
        ), href


def test_the_links_are_left_out_where_a_list_cannot_filter_alike(client):
    _world()
    manager = logged_in_with(client, "view_reports", "view_meeting")
    page = manager.get("/reports/", {"year": YEAR}, headers={"accept-language": "en"})
    note = _paragraph(page.content.decode(), "report-unplaced")
    assert note.count("<a ") == 1  # only the meetings: the others' lists are not the user's

    page = manager.get("/reports/", {"year": YEAR, "direction": OUT})
    assert "<a " not in _paragraph(page.content.decode(), "report-unplaced")


def test_nothing_left_out_no_note(manager):
    f.MeetingFactory(delegation=None, date=D(YEAR, 4, 1), city=f.CityFactory())
    page = manager.get("/reports/", {"year": YEAR - 1}).content.decode()

    assert 'id="report-unplaced"' not in page
    assert 'id="opportunities-unplaced"' not in page


def _csv(manager, sheet):
    response = manager.get(
        "/reports/",
        {"year": YEAR, "format": "csv", "sheet": sheet, "delimiter": "comma"},
        headers={"accept-language": "en"},
    )
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


LEFT_OUT = "Not in any partner city (not in the total)"


def test_the_csv_summary_has_a_line_for_them(manager):
    _world()

    rows = _csv(manager, "summary")

    header = rows[0]
    line = next(row for row in rows if row[0] == LEFT_OUT)
    values = dict(zip(header, line, strict=True))
    assert values["Delegations outbound: not cancelled"] == "2"
    assert values["Delegations inbound: not cancelled"] == "1"
    assert values["Meetings"] == "1"
    assert values["Profile handovers: handovers"] == "1"
    assert values["Memoranda: signed"] == "1"
    assert values["Follow-ups: open"] == "1"  # the dropped one is in no figure
    total = next(row for row in rows if row[0] == "Total (each record once)")
    assert dict(zip(header, total, strict=True))["Meetings"] == "1"  # Nanjing's


def test_the_xlsx_has_the_line_on_the_summary_and_the_opportunities(manager):
    _world()

    response = manager.get(
        "/reports/", {"year": YEAR, "format": "xlsx"}, headers={"accept-language": "en"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    summary = [list(row) for row in workbook["Summary"].iter_rows(values_only=True)]
    line = next(row for row in summary if row[0] == LEFT_OUT)
    assert dict(zip(summary[0], line, strict=True))["Meetings"] == 1
    sheet = [list(row) for row in workbook["Opportunities"].iter_rows(values_only=True)]
    values = dict(zip(sheet[0], next(row for row in sheet if row[0] == LEFT_OUT), strict=True))
    assert values["Expected jobs (open)"] == 3
    assert values["Expected investment EUR (open)"] == 50_000
    assert values["Won"] == 1
    total = dict(zip(sheet[0], next(row for row in sheet if row[0] == "Total"), strict=True))
    assert total["Expected jobs (open)"] == 45


def test_the_pdf_prints_the_note_without_links(manager):
    from partners.admin.report_page import _report_context
    from partners.reports import queries

    _world()

    with translation.override("en"):
        context = _report_context(queries.Criteria.for_year(YEAR))

    assert context["unplaced"][0] == ("Delegations: 3", None)
    assert "expected jobs 3" in context["opportunities"]["unplaced"]
    assert context["opportunities"]["unplaced_link"] is None


@pytest.mark.parametrize("outside", [1, 10])
def test_the_page_needs_no_query_more_for_them(manager, django_assert_num_queries, outside):
    # As tests/test_report_page.py counts (19), however many records are of no city.
    leipzig = f.HomeCityFactory()
    nanjing = f.CityFactory()
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    for _ in range(outside):
        _trip(leipzig, start=D(2019, 3, 1))
        f.MeetingFactory(delegation=None, date=D(2019, 4, 1), city=f.CityFactory())
        f.FollowUpFactory(due_on=D(2019, 4, 1))
        f.OpportunityFactory(partner_city=None, expected_jobs=3)

    with django_assert_num_queries(19):
        response = manager.get("/reports/", {"year": 2019})
    assert 'id="report-unplaced"' in response.content.decode()


@pytest.mark.parametrize("sheet", ["summary", "opportunities"])
def test_with_a_partner_city_chosen_the_sheets_claim_nothing_of_no_partner_city(manager, sheet):
    _world()

    response = manager.get(
        "/reports/",
        {"year": YEAR, "partner_city": "nanjing", "format": "csv", "sheet": sheet},
        headers={"accept-language": "en"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    # Nothing outside Nanjing was counted: a line of zeros would say there was none.
    assert rows[1][0] == "Nanjing"
    assert not [row for row in rows if row and row[0] == LEFT_OUT]
