"""The report's numbers against a world whose answers were computed by hand."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission

from partners import models as m
from partners.reports import figures, queries

from . import factories as f
from . import report_world
from .report_world import SUMMARY_2019, TOTAL_2019

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return report_world.build()


@pytest.fixture
def manager_client(client):
    user = f.UserFactory(username="manager")
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)
    return client


def _counts(row):
    return [row.counts[name] for name in figures.MEASURES]


def test_the_2019_summary_matches_the_hand_computed_counts(world):
    summary = figures.summary(queries.Criteria.for_year(2019))

    assert {row.city.name: _counts(row) for row in summary.rows} == SUMMARY_2019
    assert [summary.total[name] for name in figures.MEASURES] == TOTAL_2019


def test_every_cell_of_the_summary_sheet_matches_the_hand_computed_values(world, manager_client):
    response = manager_client.get(
        "/reports/", {"year": 2019, "format": "xlsx"}, headers={"accept-language": "en"}
    )

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [
        "Summary",
        "Delegations",
        "Meetings",
        "Memoranda",
        "Handovers",
        "Follow-ups",
        "Opportunities",
    ]
    rows = list(workbook["Summary"].iter_rows(values_only=True))
    assert len(rows[0]) == 2 + len(figures.MEASURES)
    assert all(isinstance(header, str) and header for header in rows[0])
    assert rows[1] == ("Jining", "CN", *SUMMARY_2019["Jining"])
    assert rows[2] == ("Nanjing", "CN", *SUMMARY_2019["Nanjing"])
    assert rows[3][1:] == (None, *TOTAL_2019)
    assert rows[4][0] == "Not in any partner city (not in the total)"
    assert rows[5] == (None,) * len(rows[0])
    notes = {row[0]: row[1] for row in rows[6:]}
    assert notes["Period"] == "2019-01-01 – 2019-12-31"
    assert isinstance(notes["Report date"], datetime.datetime)  # a date cell
    # Sorting by a column keeps the total last: the autofilter stops above it.
    assert workbook["Summary"].auto_filter.ref == "A1:V3"  # 2 + 20 figures, 2 cities
    assert notes["Partner city"] == notes["Home city"] == notes["Organisation"] == "all"


def test_a_trip_over_new_year_counts_in_the_year_it_began(world):
    summary = figures.summary(queries.Criteria.for_year(2020))

    nanjing = next(row.counts for row in summary.rows if row.city.name == "Nanjing")
    assert nanjing["delegations_out"] == 0
    assert nanjing["meetings"] == 2  # the trip's meeting on 2 January and one on New Year


def test_a_memorandum_that_expired_in_the_period_was_in_force_before(world):
    mid_2019 = queries.Criteria(datetime.date(2019, 1, 1), datetime.date(2019, 6, 30))

    rows = figures.summary(mid_2019).rows
    nanjing = next(row.counts for row in rows if row.city.name == "Nanjing")
    assert nanjing["memoranda_in_force"] == 3  # the expired one still held on 30 June


def test_a_terminated_memorandum_was_in_force_until_its_termination(manager_client):
    leipzig, nanjing = f.HomeCityFactory(name="Leipzig"), f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    terminated = {"status": m.Memorandum.Status.TERMINATED, "signed_in": nanjing}
    signed = datetime.date(2020, 3, 1)
    f.MemorandumFactory(signed_on=signed, terminated_on=datetime.date(2023, 5, 15), **terminated)
    # Terminated before the date was kept: it cannot say until when it held.
    f.MemorandumFactory(signed_on=signed, terminated_on=None, **terminated)

    def in_force(start, end):
        return figures.summary(queries.Criteria(start, end)).total["memoranda_in_force"]

    assert in_force(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)) == 1
    assert in_force(datetime.date(2023, 1, 1), datetime.date(2023, 5, 14)) == 1
    assert in_force(datetime.date(2023, 1, 1), datetime.date(2023, 5, 15)) == 0
    assert in_force(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)) == 0
    assert in_force(datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)) == 0  # not yet
    timeline = figures.summary_and_timeline(queries.Criteria.for_year(2024))[1]
    in_force_per_year = {y: timeline.totals[y]["memoranda_in_force"] for y in timeline.years}
    assert in_force_per_year == {2020: 1, 2021: 1, 2022: 1, 2023: 0, 2024: 0}
    # The page the managers read, as the summary counts it.
    response = manager_client.get(
        "/reports/", {"year": 2022, "format": "csv", "sheet": "summary", "delimiter": "comma"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    column = rows[0].index(str(figures.BY_NAME["memoranda_in_force"].label))
    assert rows[1][0] == "Nanjing" and rows[1][column] == "1"
    # The memoranda sheet (what the figures counted) says until when.
    response = manager_client.get(
        "/reports/",
        {"year": 2022, "format": "csv", "sheet": "memoranda", "delimiter": "comma"},
        headers={"accept-language": "en"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(row[rows[0].index("Terminated on")] for row in rows[1:]) == ["2023-05-15"]


def test_the_timeline_counts_each_year_and_memoranda_in_force_at_year_end(world):
    timeline = figures.summary_and_timeline(queries.Criteria.for_year(2019))[1]

    assert timeline.years == [2016, 2017, 2018, 2019]
    assert timeline.totals[2018]["delegations_out"] == 1
    assert timeline.totals[2019]["delegations_out"] == 2
    assert timeline.totals[2019]["profiles_handed_over"] == 12
    names = dict(m.City.objects.values_list("pk", "name"))
    per_city = {names[pk]: s for pk, s in figures.delegations_per_city(timeline).items()}
    assert per_city["Nanjing"][2019] == 3  # two out, one in
    assert per_city["Jining"] == {2016: 0, 2017: 0, 2018: 1, 2019: 1}
    in_force = {year: timeline.totals[year]["memoranda_in_force"] for year in timeline.years}
    assert in_force == {2016: 1, 2017: 2, 2018: 2, 2019: 4}
    # A one-year report and the timeline's row for that year are the same numbers.
    assert timeline.totals[2019] == figures.summary(queries.Criteria.for_year(2019)).total


def test_the_organisation_filter_keeps_what_it_led_or_took_part_in(world):
    lead = world["trip"].lead_organisation
    criteria = queries.Criteria.for_year(2019, organisation=lead)

    summary = figures.summary(criteria)
    assert summary.total["delegations_out"] == 1
    assert summary.total["delegations_in"] == 0
    assert summary.total["meetings"] == 2  # the trip's, not the call on New Year's Eve
    assert summary.total["profiles_handed_over"] == 12  # all handed over on its trip


def test_the_direction_filter_leaves_the_other_direction_out(world):
    criteria = queries.Criteria.for_year(2019, direction=m.Delegation.Direction.INBOUND)

    summary = figures.summary(criteria)
    assert summary.total["delegations_out"] == 0
    assert summary.total["delegations_in"] == 1
    assert summary.total["meetings"] == 0  # every 2019 meeting belongs to no inbound trip


def test_the_2019_trip_of_the_press_release_counts_for_both_cities():
    leipzig = f.HomeCityFactory(name="Leipzig")
    cities = [f.CityFactory(name="Nanjing"), f.CityFactory(name="Jining")]
    trip = f.DelegationFactory(origin_city=leipzig)
    for order, city in enumerate(cities, start=1):
        f.PartnershipFactory(home_city=leipzig, partner_city=city)
        f.DelegationStopFactory(delegation=trip, city=city, order=order)
        f.MemorandumFactory(delegation=trip, signed_in=city, signed_on=None)
    for i in range(11):
        f.ProfileHandoverFactory(
            delegation=trip, recipient=f.OrganisationFactory(city=cities[i % 2])
        )

    summary = figures.summary(queries.Criteria.for_year(2019))

    for row in summary.rows:
        assert (row.counts["delegations_out"], row.counts["memoranda_signed"]) == (1, 1)
    assert summary.total["profiles_handed_over"] == 11


def test_the_home_city_filter_counts_only_trips_from_and_to_it(world):
    other_home = f.HomeCityFactory(name="Hannover")
    f.PartnershipFactory(home_city=other_home, partner_city=world["nanjing"])

    leipzig = figures.summary(queries.Criteria.for_year(2019, home_city=world["leipzig"]))
    hannover = figures.summary(queries.Criteria.for_year(2019, home_city=other_home))

    assert [leipzig.total[name] for name in figures.MEASURES] == TOTAL_2019
    assert [row.city.name for row in hannover.rows] == ["Nanjing"]
    assert hannover.total["delegations_out"] == hannover.total["delegations_in"] == 0
    assert hannover.total["meetings"] == 1  # only the call, which belongs to no trip


def _started(city, day, **fields):
    opportunity = f.OpportunityFactory(partner_city=city, **fields)
    opportunity.stage_changes.all().delete()
    m.OpportunityStageChange.objects.create(
        opportunity=opportunity, entered_on=day, stage=m.Opportunity.Stage.IDEA
    )


def test_only_partner_cities_of_home_cities_are_rows_of_every_table(world, manager_client):
    nanjing, paris, leipzig = world["nanjing"], world["paris"], world["leipzig"]
    # A partnership between two cities neither of which is a home city makes no partner city.
    f.PartnershipFactory(home_city=nanjing, partner_city=paris)
    _started(nanjing, datetime.date(2019, 3, 1), expected_jobs=35)
    _started(leipzig, datetime.date(2019, 3, 1), expected_jobs=10)  # a home city
    _started(paris, datetime.date(2019, 3, 1), expected_jobs=20)  # no partner city

    summary = figures.summary(queries.Criteria.for_year(2019))
    assert [row.city.name for row in summary.rows] == ["Jining", "Nanjing"]
    assert [summary.total[name] for name in figures.MEASURES] == TOTAL_2019

    response = manager_client.get(
        "/reports/",
        {"year": 2019, "format": "csv", "sheet": "opportunities"},
        headers={"accept-language": "en"},
    )
    rows = list(csv.reader(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()))
    header = rows[0]
    by_city = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(by_city)[:2] == ["Nanjing", "Total"]
    total = by_city["Total"]
    assert (total["Open"], total["Started"], total["Expected jobs (open)"]) == ("1", "1", "35")


def _inline(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def test_a_follow_up_logged_on_an_opportunity_counts_for_its_partner_city(client, manager_client):
    leipzig = f.HomeCityFactory(name="Leipzig")
    krakow = f.CityFactory(name="Kraków", slug="krakow", country="PL")
    f.PartnershipFactory(home_city=leipzig, partner_city=krakow)
    officer = f.UserFactory(username="officer")
    officer.groups.add(Group.objects.get(name="Trade officers"))
    officer_client = type(client)()
    officer_client.force_login(officer)
    # An officer logs the opportunity and, on its page, a task that is now overdue.
    response = officer_client.post(
        "/admin/partners/opportunity/add/",
        {
            "title_de": "Vertrieb polnischer Fleischwaren",
            "kind": "distribution",
            "stage": "idea",
            "partner_city": krakow.pk,
            "owner": officer.pk,
            **_inline("stage_changes", []),
            **_inline(
                "follow_ups",
                [{"title_de": "Muster schicken", "kind": "task", "status": "open",
                  "owner": officer.pk, "due_on": "2025-06-30"}],
            ),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]

    response = manager_client.get(
        "/reports/",
        {"year": 2025, "format": "csv", "sheet": "summary", "delimiter": "comma"},
        headers={"accept-language": "en"},
    )
    rows = _csv_rows(response)
    counts = {row["Partner city"]: row for row in rows}
    assert counts["Kraków"]["Follow-ups: open"] == "1"
    assert counts["Kraków"]["Follow-ups: overdue"] == "1"
    response = manager_client.get(
        "/reports/",
        {"year": 2025, "format": "csv", "sheet": "follow-ups", "delimiter": "comma"},
        headers={"accept-language": "en"},
    )
    rows = _csv_rows(response)
    assert [(row["Title"], row["Partner city"]) for row in rows] == [("Muster schicken", "Kraków")]
