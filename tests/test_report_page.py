"""/reports/: who may see it, what the page shows, and the downloads opened as files."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.db.models import Q
from django.template import Context, Template
from django.utils import timezone, translation

from partners import models as m
from partners.reports import charts, places, tables
from partners.templatetags.reports import cells

from . import factories as f
from . import report_world
from .backoffice import logged_in_with

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def manager(client):
    return logged_in_with(client, "view_reports")


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/reports/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_refuses_staff_without_the_report_permission(client):
    response = logged_in_with(client).get("/reports/")

    assert response.status_code == 403
    assert "Ihr Konto darf diese Seite nicht öffnen." in response.content.decode()
    chinese = logged_in_with(client).get("/reports/", headers={"accept-language": "zh-hans"})
    assert "您的账户无权打开此页面。" in chinese.content.decode()


def test_it_shows_the_summary_timeline_and_accessible_charts(manager):
    report_world.build()

    response = manager.get("/reports/", {"year": 2019}, headers=ENGLISH)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<span lang="de">Nanjing</span> (<span lang="zh">南京</span>)' in page
    assert 'id="chart-delegations"' in page and 'id="chart-memoranda"' in page
    assert (
        '<title id="chart-delegations-title">Delegations per year and partner city</title>' in page
    )
    assert '<desc id="chart-memoranda-desc">' in page
    assert "<script" not in page.split('id="content-main"')[1]
    summary = page.split('id="summary"')[1].split("</table>")[0]
    assert "<td>12</td>" in summary  # distinct profiles in the total row


@pytest.mark.parametrize(
    "query, message",
    [
        ({"year": "twenty"}, "Enter a whole number"),
        ({"year": "2020.5"}, "Enter a whole number"),
        ({"year": "2019", "date_from": "2019-01-01"}, "either a year or a date range"),
        ({"date_from": "2019-05-01", "date_to": "2019-04-01"}, "before its start"),
        ({"partner_city": "atlantis"}, "Select a valid choice"),
        ({"direction": "sideways"}, "Select a valid choice"),
        ({"organisation": "nobody"}, "Select a valid choice"),
        ({"organisation": "²"}, "Select a valid choice"),  # a digit, but no number
        ({"organisation": str(2**63)}, "Select a valid choice"),  # beyond the column
        ({"format": "docx"}, "Unknown format “docx”"),
        ({"format": "csv", "sheet": "Secrets"}, "Unknown sheet “Secrets”"),
    ],
)
def test_it_explains_bad_parameters_instead_of_failing(manager, query, message):
    response = manager.get("/reports/", query, headers=ENGLISH)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_refuses_a_filter_given_twice_instead_of_reading_the_last(manager):
    leipzig = f.HomeCityFactory()
    for name in ("Nanjing", "Jining"):
        f.PartnershipFactory(home_city=leipzig, partner_city=f.CityFactory(name=name))

    query = {"partner_city": ["nanjing", "jining"], "format": "csv"}
    response = manager.get("/reports/", query, headers=ENGLISH)

    # Read as "Jining" alone, the sheet would hold one of the two cities asked for.
    assert response.status_code == 400
    assert "“partner_city” is given more than once" in response.content.decode()


def _fill(count_per_city, cities=2):
    leipzig = f.HomeCityFactory()
    lead = f.OrganisationFactory(city=leipzig)
    for _ in range(cities):
        city = f.CityFactory()
        f.PartnershipFactory(home_city=leipzig, partner_city=city)
        recipient = f.OrganisationFactory(city=city)
        for _ in range(count_per_city):
            trip = f.DelegationFactory(origin_city=leipzig, lead_organisation=lead)
            f.DelegationStopFactory(delegation=trip, city=city)
            f.MeetingFactory(delegation=trip, city=city)
            f.MemorandumFactory(signed_in=city)
            f.ProfileHandoverFactory(delegation=trip, recipient=recipient)
            f.FollowUpFactory(partner_city=city)
            f.OpportunityFactory(partner_city=city)


@pytest.mark.parametrize("count_per_city", [3, 12])
def test_the_page_needs_the_same_queries_for_3_and_12_records(
    manager, django_assert_num_queries, count_per_city
):
    _fill(count_per_city)

    # Session, user, 2 for permissions, 1 for the ids of the report's cities and 1 for the
    # cities the page names (its rows', its opportunities', its chart's), 7 to count every
    # figure of the summary, the timeline and the charts (one per kind of record and the
    # totals of delegations and distinct profiles), 2 for the city
    # choices of the filter form and 4 for the opportunities (open, won, lost and started
    # ones, per city; none has started here, so none is put in name order).
    with django_assert_num_queries(19):
        response = manager.get("/reports/", {"year": 2019})
    assert response.status_code == 200


@pytest.mark.parametrize("cities", [2, 9])
def test_the_page_needs_the_same_queries_for_2_and_9_partner_cities(
    manager, django_assert_num_queries, monkeypatch, cities
):
    # Two cities a page: with nine, the chart's five biggest series and the opportunities'
    # cities are not all among the page's rows, and are read with them.
    monkeypatch.setattr("partners.admin.report_page.CITIES_PER_PAGE", 2)
    _fill(1, cities=cities)

    with django_assert_num_queries(19):
        response = manager.get("/reports/", {"year": 2019})
    assert response.status_code == 200


def _row_names(page, table_id):
    table = page.split(f'id="{table_id}"')[1].split("</tbody>")[0]
    cells = [cell.split("</th>")[0] for cell in table.split('<th scope="row">')[1:]]
    return [re.sub(r"<[^>]+>", "", cell) for cell in cells]  # the name, marked or not


def test_the_page_shows_a_page_of_cities_at_a_time_and_the_totals_of_all(manager, monkeypatch):
    monkeypatch.setattr("partners.admin.report_page.CITIES_PER_PAGE", 2)
    year = timezone.localdate().year  # the opportunities start today
    leipzig = f.HomeCityFactory()
    for name in ("Aachen", "Bonn", "Celle"):
        city = f.CityFactory(name=name)
        f.PartnershipFactory(home_city=leipzig, partner_city=city)
        f.MeetingFactory(city=city, date=datetime.date(year, 1, 1))
        f.OpportunityFactory(partner_city=city)

    first = manager.get("/reports/", {"year": year}, headers=ENGLISH).content.decode()
    second = manager.get("/reports/", {"year": year, "page": 2}, headers=ENGLISH)
    second = second.content.decode()

    assert _row_names(first, "summary") == ["Aachen", "Bonn"]
    assert _row_names(second, "summary") == ["Celle"]
    assert _row_names(first, "opportunity-figures") == ["Aachen", "Bonn"]
    assert _row_names(second, "opportunity-figures") == ["Celle"]
    for page in (first, second):
        total = page.split('id="summary"')[1].split("<tfoot>")[1].split("</tfoot>")[0]
        assert total.count("<td>3</td>") == 1  # the three meetings, on every page
        assert "The tables show 2 cities a page; their totals count every city" in page
        # The downloads keep the filter but not the page: they list every city.
        assert f'href="?year={year}&amp;format=xlsx"' in page
    assert f'href="?year={year}&amp;page=2"' in first and "Page 1 of 2" in first
    assert f'href="?year={year}&amp;page=1"' in second and "Page 2 of 2" in second
    # A page number out of range or no number shows a page, never an error.
    for number in ("99", "x"):
        response = manager.get("/reports/", {"year": year, "page": number})
        assert response.status_code == 200
    download = manager.get(
        "/reports/",
        {"year": year, "page": 2, "format": "csv", "sheet": "summary", "delimiter": "comma"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:4]] == ["Aachen", "Bonn", "Celle"]


def test_a_page_without_opportunity_rows_does_not_say_the_period_has_none(manager, monkeypatch):
    monkeypatch.setattr("partners.admin.report_page.CITIES_PER_PAGE", 1)
    year = timezone.localdate().year  # the opportunities start today
    leipzig = f.HomeCityFactory()
    for name in ("Aachen", "Bonn"):
        city = f.CityFactory(name=name)
        f.PartnershipFactory(home_city=leipzig, partner_city=city)
        f.MeetingFactory(city=city, date=datetime.date(year, 1, 1))
    f.OpportunityFactory(partner_city=m.City.objects.get(name="Aachen"))

    second = manager.get("/reports/", {"year": year, "page": 2}, headers=ENGLISH)

    assert _row_names(second.content.decode(), "summary") == ["Bonn"]
    assert "No opportunities in this period." not in second.content.decode()
    m.Opportunity.objects.all().delete()
    first = manager.get("/reports/", {"year": year}, headers=ENGLISH)
    assert "No opportunities in this period." in first.content.decode()


def test_a_city_name_shown_in_german_for_a_missing_translation_is_marked(manager):
    year = timezone.localdate().year
    leipzig = f.HomeCityFactory()
    houston = f.CityFactory(name="Houston", name_zh_hans="")
    f.PartnershipFactory(home_city=leipzig, partner_city=houston)
    f.OpportunityFactory(partner_city=houston)

    page = manager.get("/reports/", {"year": year}, headers={"accept-language": "zh-hans"})

    rows = page.content.decode().count('<th scope="row"><span lang="de">Houston</span></th>')
    assert rows == 2  # the activity table and the opportunities table


def test_postgresql_does_not_jit_compile_the_counting_queries():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_csv_download_opens_in_excel_with_umlauts_and_chinese(manager):
    world = report_world.build()
    f.MeetingFactory(
        title="Besuch bei Großhändler 南京", city=world["nanjing"], date=datetime.date(2019, 2, 1)
    )

    response = manager.get(
        "/reports/", {"year": 2019, "format": "csv", "sheet": "Meetings"}, headers=ENGLISH
    )

    assert response.status_code == 200
    assert response.streaming
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 + 1  # header, the world's three 2019 meetings, this one
    assert rows[1][:2] == ["2019-02-01", "Nanjing"]
    assert "Besuch bei Großhändler 南京" in rows[1]


@pytest.mark.parametrize("name", ["Übersicht", "Summary", "概览", " SUMMARY "])
def test_a_csv_sheet_is_found_by_its_name_in_any_language(manager, name):
    response = manager.get(
        "/reports/", {"year": 2019, "format": "csv", "sheet": name}, headers=ENGLISH
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="report-2019-summary.csv"'


def test_the_workbook_has_typed_cells_bold_frozen_filtered_headers(manager):
    report_world.build()

    response = manager.get("/reports/", {"year": 2019, "format": "xlsx"}, headers=ENGLISH)

    assert response["Content-Disposition"] == 'attachment; filename="report-2019.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width > 8
    delegations = list(workbook["Delegations"].iter_rows(min_row=2, values_only=True))
    assert len(delegations) == 5  # the cancelled ones are listed too, with their status
    first = delegations[0]
    assert first[0].startswith("Delegation") and isinstance(first[3], datetime.datetime)
    assert isinstance(workbook["Summary"]["C2"].value, int)
    handovers = list(workbook["Handovers"].iter_rows(min_row=2, values_only=True))
    assert len(handovers) == 13


def test_a_partner_city_filter_narrows_the_rows(manager):
    report_world.build()

    response = manager.get("/reports/", {"year": 2019, "partner_city": "jining"})

    assert _row_names(response.content.decode(), "summary") == ["Jining (济宁)"]
    assert m.City.objects.filter(slug="jining").exists()


def test_the_delegations_chart_shows_the_five_busiest_cities_and_sums_the_rest(manager):
    leipzig = f.HomeCityFactory(name="Leipzig")
    for number in range(1, 9):  # city 8 had 8 trips, city 1 one trip
        city = f.CityFactory(name=f"City {number}")
        f.PartnershipFactory(home_city=leipzig, partner_city=city)
        for _ in range(number):
            trip = f.DelegationFactory(origin_city=leipzig)
            f.DelegationStopFactory(delegation=trip, city=city)

    response = manager.get("/reports/", {"year": 2019}, headers=ENGLISH)

    chart = response.content.decode().split('id="chart-delegations"')[1].split("</figure>")[0]
    legend = chart.split("<figcaption>")[1]
    assert [f"City {n}" in legend for n in range(1, 9)] == [False] * 3 + [True] * 5
    assert "Other partner cities" in legend
    assert "<title>Other partner cities 2019: 6</title>" in chart  # 1 + 2 + 3 trips
    assert chart.count("<rect x=") == 6  # one year, six bars
    # The summary table still lists every partner city.
    summary = response.content.decode().split('id="summary"')[1].split("</tbody>")[0]
    assert summary.count('<th scope="row">') == 8


def _download_queries(client, **query) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/reports/", {"year": 2019, **query})
        b"".join(response.streaming_content)
    return len(captured)


def test_the_downloads_need_the_same_queries_for_3_and_12_records(manager):
    _fill(3)
    few = [_download_queries(manager, format="xlsx"), _download_queries(manager, format="csv")]
    _fill(9)
    many = [_download_queries(manager, format="xlsx"), _download_queries(manager, format="csv")]

    assert few == many
    # The page's 19 less the filter choices, plus two per listing sheet (which records it
    # lists, then their columns).
    assert max(many) <= 32


def test_without_partner_cities_the_summary_says_so_across_every_column(manager):
    from partners.reports.figures import FIGURES

    page = manager.get("/reports/", {"year": 2019}, headers=ENGLISH).content.decode()

    assert f'<td colspan="{len(FIGURES) + 1}">No partner cities match.</td>' in page


@pytest.mark.parametrize("language", ["de", "en", "zh-hans"])
@pytest.mark.parametrize("grouping", [False, True])
def test_a_row_of_figures_reads_as_the_template_writes_each_grouped(language, grouping, settings):
    values = [0, 7, 1234567, -4, 2.5, 12.0, Decimal("3.10"), True, None, "<b>"]
    loop = Template(
        "{% for v in values %}<td>{% if v is None %}–{% else %}{{ v }}{% endif %}</td>{% endfor %}"
    )
    with translation.override(language):
        settings.USE_THOUSAND_SEPARATOR = True
        grouped = loop.render(Context({"values": values}))
        settings.USE_THOUSAND_SEPARATOR = grouping  # the figures are grouped either way
        assert cells(values) == grouped


@pytest.mark.parametrize(
    "language, grouped", [("de", "1.239"), ("en", "1,239"), ("zh-hans", "1,239")]
)
def test_the_charts_group_their_figures_as_the_tables_do(language, grouped):
    with translation.override(language):
        funnel = charts.funnel("Funnel", "", [("Idea", 1239)])
        bars = charts.grouped_bars("Delegations", "", [2019], {"Nanjing": {2019: 1239}})
    assert [bar.label for bar in funnel.bars] == [f"Idea: {grouped}"]
    assert bars.bars[0].label == f"Nanjing 2019: {grouped}"
    assert bars.y_ticks[-1]["text"] == grouped


def test_the_year_field_takes_whole_years_only(manager):
    page = manager.get("/reports/", headers=ENGLISH).content.decode()
    field = re.search(r'<input[^>]*name="year"[^>]*>', page).group()
    assert 'type="number"' in field
    assert "step" not in field  # a browser offers whole numbers only


def test_the_readme_names_the_german_sheets_as_the_workbook_does():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    named = re.search(r"\(German: ([^)]*)\)", " ".join(readme.split())).group(1)
    with translation.override("de"):
        assert named.split(", ") == [str(name) for name in tables.SHEET_NAMES.values()]


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _csv_rows(response, delimiter=";"):  # German: ";"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_a_follow_up_without_a_due_date_is_listed_by_the_day_it_was_logged(manager):
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=f.HomeCityFactory(), partner_city=nanjing)
    f.FollowUpFactory(partner_city=nanjing, due_on=datetime.date(2019, 9, 30), title="Due")
    undated = f.FollowUpFactory(partner_city=nanjing, due_on=None, title="Undated")
    # Just after midnight in Leipzig (still 3 May in UTC): counted on, and shown as, 4 May.
    logged = timezone.make_aware(datetime.datetime(2019, 5, 4, 0, 30))
    m.FollowUp.objects.filter(pk=undated.pk).update(created_at=logged)
    places.refresh("follow_ups", Q(pk=undated.pk))  # an update sends no signal
    query = {"year": 2019, "format": "csv", "sheet": "follow-ups"}

    rows = _csv_rows(manager.get("/reports/", query))

    assert [row[:4:3] for row in rows[1:]] == [
        ["Undated", "erfasst am 4. Mai 2019"],
        ["Due", "2019-09-30"],
    ]
    rows = _csv_rows(manager.get("/reports/", query, headers=ENGLISH), delimiter=",")
    assert rows[1][3] == "logged 4 May 2019"
    rows = _csv_rows(manager.get("/reports/", query, headers={"accept-language": "zh-hans"}), ",")
    assert rows[1][3] == "录入于2019年5月4日"
    sheet = _workbook(manager.get("/reports/", {"year": 2019, "format": "xlsx"}))["Folgeaufgaben"]
    assert [sheet["D2"].value, sheet["D3"].value] == [
        "erfasst am 4. Mai 2019",
        datetime.datetime(2019, 9, 30),  # a due date stays a date cell
    ]


def _nanjing():
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=f.HomeCityFactory(), partner_city=nanjing)
    return nanjing


def _follow_ups_through_meetings_and_opportunities(nanjing, count):
    for n in range(count):
        meeting = f.MeetingFactory(
            delegation=None, city=nanjing, date=datetime.date(2019, 5, 6), title=f"Gespräch {n}"
        )
        f.FollowUpFactory(meeting=meeting, due_on=datetime.date(2019, 6, 1), title=f"A {n}")
        chance = f.OpportunityFactory(
            partner_city=nanjing, title_de=f"Chance {n}", title_en=f"Opportunity {n}"
        )
        f.FollowUpFactory(opportunity=chance, due_on=datetime.date(2019, 7, 1), title=f"B {n}")


def test_the_follow_ups_sheet_names_the_meeting_or_opportunity_it_counted_by(manager):
    # Neither has a partner city, trip or memorandum of its own: the meeting's city or the
    # opportunity's partner city made it Nanjing's, and the sheet says which.
    _follow_ups_through_meetings_and_opportunities(_nanjing(), 1)
    query = {"year": 2019, "format": "csv", "sheet": "follow-ups"}

    english = _csv_rows(manager.get("/reports/", query, headers=ENGLISH), delimiter=",")
    german = _csv_rows(manager.get("/reports/", query))
    chinese = _csv_rows(
        manager.get("/reports/", query, headers={"accept-language": "zh-hans"}), ","
    )

    columns = ["Title", "Meeting", "Opportunity", "Partner city"]
    at = [english[0].index(column) for column in columns]
    assert [[row[i] for i in at] for row in english[1:]] == [
        ["A 0", "Gespräch 0", "", "Nanjing"],
        ["B 0", "", "Opportunity 0", "Nanjing"],
    ]
    assert {"Treffen", "Chance"} <= set(german[0])
    assert {"会谈", "合作机会"} <= set(chinese[0])
    assert [[row[i] for i in at] for row in german[1:]][1][2] == "Chance 0"
    sheet = _workbook(manager.get("/reports/", {"year": 2019, "format": "xlsx"}))["Folgeaufgaben"]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, headers.index("Treffen") + 1).value == "Gespräch 0"


def test_the_follow_ups_sheet_needs_the_same_queries_for_3_and_30_links(manager):
    query = {"format": "csv", "sheet": "follow-ups"}
    nanjing = _nanjing()
    _follow_ups_through_meetings_and_opportunities(nanjing, 3)
    few = [_download_queries(manager, **query), _download_queries(manager, format="xlsx")]
    _follow_ups_through_meetings_and_opportunities(nanjing, 27)
    many = [_download_queries(manager, **query), _download_queries(manager, format="xlsx")]

    assert few == many


def test_the_listings_show_dates_at_their_precision_and_mark_the_trips_dates(manager):
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    june = f.DelegationFactory(
        title="Juni-Reise",
        origin_city=leipzig,
        start_date=datetime.date(2019, 6, 1),
        end_date=datetime.date(2019, 6, 1),
        date_precision=m.Delegation.DatePrecision.MONTH,
    )
    f.DelegationStopFactory(delegation=june, city=nanjing)
    f.MeetingFactory(delegation=june, city=nanjing, date=None, title="Ohne Datum")
    f.MeetingFactory(delegation=june, city=nanjing, date=datetime.date(2019, 6, 12))
    f.DelegationStopFactory(
        city=nanjing,
        delegation=f.DelegationFactory(
            title="Irgendwann 2019",
            origin_city=leipzig,
            start_date=datetime.date(2019, 1, 1),
            end_date=None,
            date_precision=m.Delegation.DatePrecision.YEAR,
        ),
    )

    workbook = _workbook(manager.get("/reports/", {"year": 2019, "format": "xlsx"}))

    # Date cells (the month's or year's first day) that sort among the days, shown as
    # "Juni 2019" and "2019".
    trips = {
        row[0].value: [(cell.value, cell.number_format) for cell in row[3:5]]
        for row in workbook.worksheets[1].iter_rows(min_row=2)
    }
    june = (datetime.datetime(2019, 6, 1), "[$-407]mmmm yyyy")
    assert trips == {
        "Irgendwann 2019": [(datetime.datetime(2019, 1, 1), "yyyy"), (None, "General")],
        "Juni-Reise": [june, june],
    }
    meetings = [row[:4:3] for row in workbook.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert meetings[0] == ("während der Delegation, Juni 2019", "Ohne Datum")
    assert meetings[1][0] == datetime.datetime(2019, 6, 12)  # a real date cell
    rows = _csv_rows(manager.get("/reports/", {"year": 2019, "format": "csv", "sheet": "meetings"}))
    assert [row[0] for row in rows[1:]] == ["während der Delegation, Juni 2019", "2019-06-12"]
    rows = _csv_rows(
        manager.get("/reports/", {"year": 2019, "format": "csv", "sheet": "delegations"})
    )
    assert [row[3:5] for row in rows[1:]] == [["2019", ""], ["Juni 2019", "Juni 2019"]]
    chinese = {"accept-language": "zh-hans"}
    workbook = _workbook(
        manager.get("/reports/", {"year": 2019, "format": "xlsx"}, headers=chinese)
    )
    assert workbook.worksheets[1]["D3"].number_format == 'yyyy"年"m"月"'  # 2019年6月


def test_a_chinese_workbook_lists_a_trip_s_stops_and_partner_cities_the_chinese_way(manager):
    home = f.HomeCityFactory(name="Leipzig", name_zh_hans="莱比锡")
    nanjing, jining = (
        f.CityFactory(name=name, name_zh_hans=chinese)
        for name, chinese in (("Nanjing", "南京"), ("Jining", "济宁"))
    )
    for city in (nanjing, jining):
        f.PartnershipFactory(home_city=home, partner_city=city)
    trip = f.DelegationFactory(origin_city=home, start_date=datetime.date(2019, 6, 25))
    for order, city in enumerate((nanjing, jining), 1):
        f.DelegationStopFactory(delegation=trip, city=city, order=order)

    response = manager.get(
        "/reports/", {"year": 2019, "format": "xlsx"}, headers={"accept-language": "zh-hans"}
    )

    sheet = _workbook(response).worksheets[1]
    header, row = sheet.iter_rows(max_row=2, values_only=True)
    stops = row[header.index("停留站")]
    # The full-width semicolon of Chinese, not "; ", between the stops and the cities.
    assert (stops, row[-1]) == ("南京；济宁", "南京；济宁")
