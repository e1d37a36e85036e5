"""Opportunity figures against a world computed by hand, and where managers read them.

Period 2020; report date 30 June 2021. Each opportunity's stage log is written out:
  A1 Nanjing  idea 1 Feb 2020, contacted, in talks, won 30 Aug 2020 (40 jobs, 5 M EUR)
  A2 Nanjing  idea Nov 2019, negotiating Jun 2020 (expected 20 jobs, 1 M EUR)
  A3 Nanjing  idea Apr 2020, contacted, lost Oct 2020
  A4 Nanjing  idea Feb 2021 (after the period: counts nowhere)
  B1 Jining   idea Jun 2020, won 1 Mar 2021 (expected 5 jobs)
  B2 Jining   idea 2018, won May 2019 (before the period)
  B3 Jining   on hold Jul 2020 (expected 7 jobs)
  C1 no city  idea Mar 2020 (no partner city: counts nowhere, as in the other tables)
  L1 Leipzig  idea Mar 2020 (a home city: counts nowhere)
"""

import datetime
import io
import statistics

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation

from partners import models as m
from partners.reports.opportunities import DEFINITIONS, FUNNEL_STAGES, headers, of
from partners.reports.queries import Criteria

from . import factories as f

pytestmark = pytest.mark.django_db
Stage = m.Opportunity.Stage
D = datetime.date
START, END, TODAY = D(2020, 1, 1), D(2020, 12, 31), D(2021, 6, 30)


def _opportunity(title, city, log, **fields):
    stage = log[-1][1]
    if stage == Stage.WON:
        fields.setdefault("won_on", log[-1][0])
    if stage == Stage.LOST:
        fields.setdefault("lost_reason", "Chose another region")
    opportunity = f.OpportunityFactory(title=title, partner_city=city, stage=stage, **fields)
    opportunity.stage_changes.all().delete()
    m.OpportunityStageChange.objects.bulk_create(
        m.OpportunityStageChange(opportunity=opportunity, entered_on=day, stage=stage)
        for day, stage in log
    )
    return opportunity


@pytest.fixture
def world():
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    jining = f.CityFactory(name="Jining")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    f.PartnershipFactory(home_city=leipzig, partner_city=jining)
    _opportunity("A1", nanjing,
                 [(D(2020, 2, 1), Stage.IDEA), (D(2020, 3, 1), Stage.CONTACTED),
                  (D(2020, 5, 1), Stage.IN_TALKS), (D(2020, 8, 30), Stage.WON)],
                 jobs_created=40, investment_eur=5_000_000, expected_jobs=50,
                 expected_investment_eur=6_000_000)  # fmt: skip
    _opportunity("A2", nanjing,
                 [(D(2019, 11, 1), Stage.IDEA), (D(2020, 6, 1), Stage.NEGOTIATING)],
                 expected_jobs=20, expected_investment_eur=1_000_000)  # fmt: skip
    _opportunity("A3", nanjing,
                 [(D(2020, 4, 1), Stage.IDEA), (D(2020, 5, 1), Stage.CONTACTED),
                  (D(2020, 10, 1), Stage.LOST)])  # fmt: skip
    _opportunity("A4", nanjing, [(D(2021, 2, 1), Stage.IDEA)], expected_jobs=99)
    _opportunity("B1", jining, [(D(2020, 6, 1), Stage.IDEA), (D(2021, 3, 1), Stage.WON)],
                 expected_jobs=5, jobs_created=6)  # fmt: skip
    _opportunity("B2", jining, [(D(2018, 1, 1), Stage.IDEA), (D(2019, 5, 1), Stage.WON)],
                 jobs_created=1000)  # fmt: skip
    _opportunity("B3", jining, [(D(2020, 7, 1), Stage.ON_HOLD)], expected_jobs=7)
    _opportunity("C1", None, [(D(2020, 3, 1), Stage.IDEA)])
    _opportunity("L1", leipzig, [(D(2020, 3, 1), Stage.IDEA)], expected_jobs=10)
    return nanjing, jining


def _open(**counts):
    return {stage: counts.get(stage, 0) for stage in m.Opportunity.OPEN_STAGES}


def _funnel(*counts):
    return dict(zip(FUNNEL_STAGES, counts, strict=True))


def test_figures_per_partner_city(world):
    nanjing, jining = world
    report = of(Criteria(START, END, today=TODAY))
    rows = dict(report.named())
    assert list(rows) == [jining, nanjing]  # by name; no home city, no city-less one

    a = rows[nanjing]
    assert a.open_by_stage == _open(negotiating=1)
    assert (a.won, a.lost) == (1, 1)
    assert (a.expected_jobs, a.expected_investment_eur) == (20, 1_000_000)
    assert (a.jobs_created, a.investment_eur) == (40, 5_000_000)
    assert (a.started, a.conversion_percent) == (2, 50.0)
    assert a.median_days_to_win == (D(2020, 8, 30) - D(2020, 2, 1)).days == 211
    assert a.funnel == _funnel(2, 2, 1, 1, 1)

    b = rows[jining]
    assert b.open_by_stage == _open(idea=1, on_hold=1)
    assert (b.won, b.lost, b.jobs_created) == (0, 0, 0)
    assert b.expected_jobs == 5 + 7
    # B1 started in 2020 and is won by the report date: converted, though won in 2021.
    assert (b.started, b.conversion_percent, b.median_days_to_win) == (2, 50.0, None)
    assert b.funnel == _funnel(2, 1, 1, 1, 1)


def test_a_win_dated_by_nanjings_day_ahead_of_leipzigs_is_in_the_funnel(world):
    nanjing, _ = world
    # Won "tomorrow" in Leipzig: the day had begun in Nanjing (a won_on the form accepts).
    _opportunity("N1", nanjing, [(D(2021, 6, 1), Stage.IDEA), (D(2021, 7, 1), Stage.WON)])
    report = of(Criteria(D(2021, 1, 1), D(2021, 12, 31), today=D(2021, 6, 30)))
    figures = dict(report.named())[nanjing]
    assert (figures.started, figures.started_won) == (2, 1)  # A4 (an idea) and N1
    assert figures.funnel == _funnel(2, 1, 1, 1, 1)  # was (2, 0, 0, 0, 0): "won: 0"


def test_a_win_logged_after_the_fact_is_not_open_again_after_the_day_it_was_won():
    krakow = f.CityFactory(name="Kraków")
    f.PartnershipFactory(partner_city=krakow)
    # An officer logs today an idea, moves it to talks, then records that it was won in 2020.
    opportunity = f.OpportunityFactory(partner_city=krakow, stage=Stage.IDEA, expected_jobs=3)
    opportunity.stage = Stage.IN_TALKS
    opportunity.save()
    opportunity.stage, opportunity.won_on = Stage.WON, D(2020, 9, 1)
    opportunity.save()

    today = timezone.localdate()
    this_year = of(Criteria(D(today.year, 1, 1), D(today.year, 12, 31), today=today))
    assert (this_year.total.open, this_year.total.expected_jobs) == (0, 0)
    assert of(Criteria(START, END, today=today)).total.won == 1


def test_the_total_counts_each_opportunity_once(world):
    total = of(Criteria(START, END, today=TODAY)).total
    # Partner cities only: not C1 (no city) nor L1 (Leipzig, a home city).
    assert total.open_by_stage == _open(idea=1, negotiating=1, on_hold=1)
    assert (total.open, total.won, total.lost) == (3, 1, 1)
    assert total.expected_jobs == 20 + 5 + 7
    assert (total.started, total.conversion_percent) == (4, 50.0)
    assert total.median_days_to_win == statistics.median([211])
    assert total.funnel == _funnel(4, 3, 2, 2, 2)


def test_a_partner_city_filter_leaves_the_others_out(world):
    nanjing, _ = world
    report = of(
        Criteria(START, END, partner_cities=m.City.objects.filter(pk=nanjing.pk), today=TODAY)
    )
    assert [city for city, _ in report.named()] == [nanjing]
    assert report.total.started == 2


def test_the_queries_do_not_grow_with_the_opportunities(world, django_assert_max_num_queries):
    # Open, won, lost and started ones, counted per city, and the cities.
    with django_assert_max_num_queries(5):
        of(Criteria(START, END, today=TODAY))
    for _ in range(40):
        _opportunity("More", world[0], [(D(2020, 2, 1), Stage.IDEA)])
    with django_assert_max_num_queries(5):
        report = of(Criteria(START, END, today=TODAY))
    assert report.total.started == 44


# On the report page and in the downloads ----------------------------------------------


@pytest.fixture
def manager(client):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)
    return client


def test_the_report_page_shows_the_figures_the_funnel_and_the_definitions(world, manager):
    page = manager.get("/reports/", {"year": 2020}, headers={"accept-language": "en"})
    html = page.content.decode()
    section = html[html.index('id="opportunities"') :]
    assert '<th scope="row"><span lang="de">Nanjing</span></th>' in section  # no English name
    assert 'id="chart-funnel"' in section
    assert "Conversion from idea to won" in section[section.index("how-we-count") :]


def test_the_xlsx_and_csv_carry_a_sheet_opportunities(world, manager):
    english = {"accept-language": "en"}
    response = manager.get("/reports/", {"year": 2020, "format": "xlsx"}, headers=english)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Opportunities"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    by_city = {row[0]: row for row in rows[1:] if row[0]}
    # Open by stage (5), open, won, lost, expected jobs, expected EUR, jobs, EUR, started, %, days
    assert by_city["Nanjing"][1:] == [0, 0, 0, 1, 0, 1, 1, 1, 20, 1_000_000, 40, 5_000_000, 2,
                                      50, 211]  # fmt: skip

    csv = manager.get(
        "/reports/", {"year": 2020, "format": "csv", "sheet": "Opportunities"}, headers=english
    )
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert any(line.startswith("Jining,1,0,0,0,1,2,0,0,12,0,0,0,2,50.0,") for line in lines)


def test_the_german_csv_writes_decimals_with_a_decimal_comma(world, manager):
    def jining(language, **query):
        csv = manager.get(
            "/reports/",
            {"year": 2020, "format": "csv", "sheet": "opportunities", **query},
            headers={"accept-language": language},
        )
        lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
        return next(line for line in lines if line.startswith("Jining"))

    # Separated by ";" as German Excel expects, and 50 % as the number it reads: "50,0".
    assert jining("de").startswith("Jining;1;0;0;0;1;2;0;0;12;0;0;0;2;50,0;")
    assert jining("en").startswith("Jining,1,0,0,0,1,2,0,0,12,0,0,0,2,50.0,")
    assert jining("de", delimiter="comma").startswith("Jining,1,0,0,0,1,2,0,0,12,0,0,0,2,50.0,")


def test_an_opportunity_lost_and_revived_the_next_year_stays_lost_in_its_year(manager):
    """The year it was marked lost, the report counts it lost, as the definition says:
    started then, neither open nor won at the year's end, it had vanished from that
    year's figures once revived."""
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    _opportunity("Revived", nanjing,
                 [(D(2020, 2, 1), Stage.IDEA), (D(2020, 10, 1), Stage.LOST),
                  (D(2021, 3, 1), Stage.IN_TALKS)])  # fmt: skip
    _opportunity("Lost twice", nanjing,
                 [(D(2020, 3, 1), Stage.IDEA), (D(2020, 6, 1), Stage.LOST),
                  (D(2020, 7, 1), Stage.CONTACTED), (D(2021, 5, 1), Stage.LOST)])  # fmt: skip

    def nanjing_row(year):
        response = manager.get(
            "/reports/", {"year": year, "format": "xlsx"}, headers={"accept-language": "en"}
        )
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = [[cell.value for cell in row] for row in workbook["Opportunities"].iter_rows()]
        header = rows[0]
        row = next(row for row in rows if row[0] == "Nanjing")
        return {name: row[header.index(name)] for name in ("Open", "Won", "Lost", "Started")}

    assert nanjing_row(2020) == {"Open": 1, "Won": 0, "Lost": 2, "Started": 2}
    assert nanjing_row(2021) == {"Open": 1, "Won": 0, "Lost": 1, "Started": 0}


def test_a_win_lost_the_next_year_stays_won_in_its_year_and_a_win_undone_does_not(manager):
    """The investor pulled out a year after the win: the year of the win still counts it
    won, with its jobs (it had vanished from that year's figures). A win undone the day
    it was clicked, its day won left filled in, is no win but open."""
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    _opportunity("Pulled out", nanjing,
                 [(D(2020, 2, 1), Stage.IDEA), (D(2020, 5, 1), Stage.WON),
                  (D(2021, 3, 1), Stage.LOST)],
                 won_on=D(2020, 5, 1), jobs_created=40, investment_eur=2_000_000)  # fmt: skip
    _opportunity("Undone", nanjing,
                 [(D(2020, 3, 1), Stage.IDEA), (D(2020, 6, 1), Stage.WON),
                  (D(2020, 6, 1), Stage.IN_TALKS)],
                 won_on=D(2020, 6, 1), jobs_created=99, expected_jobs=7)  # fmt: skip
    names = ("Open", "Won", "Lost", "Expected jobs (open)", "Jobs created (won)",
             "Investment EUR (won)", "Median days to win")  # fmt: skip

    def nanjing_row(year):
        response = manager.get(
            "/reports/", {"year": year, "format": "xlsx"}, headers={"accept-language": "en"}
        )
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = [[cell.value for cell in row] for row in workbook["Opportunities"].iter_rows()]
        row = next(row for row in rows if row[0] == "Nanjing")
        return [row[rows[0].index(name)] for name in names]

    assert nanjing_row(2020) == [1, 1, 0, 7, 40, 2_000_000, 90.0]
    assert nanjing_row(2021) == [1, 0, 1, 7, 0, 0, None]


@pytest.mark.parametrize("language", ["de", "zh-hans"])
def test_the_report_calls_an_idea_by_the_name_of_its_stage(language):
    # The funnel's first bar reads the stage's name: the headers and definitions say the same.
    def texts():
        return [headers()[-2], *(f"{title} {text}" for title, text in DEFINITIONS)]

    with translation.override("en"):
        naming_ideas = [n for n, text in enumerate(texts()) if "idea" in text]
    with translation.override(language):
        idea, translated = str(Stage.IDEA.label).lower(), texts()
    assert len(naming_ideas) == 4
    assert all(idea in translated[n].lower() for n in naming_ideas), translated
