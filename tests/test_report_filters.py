"""The report's filters (home city, direction, organisation) against hand-computed counts:
every figure is filtered by the same rules (README "How we count")."""

import csv
import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from partners import models as m
from partners.reports import figures, opportunities, queries, tables

from . import factories as f
from .backoffice import TableReader

pytestmark = pytest.mark.django_db

D = datetime.date
OUT, IN = m.Delegation.Direction.OUTBOUND, m.Delegation.Direction.INBOUND
CONFIRMED = m.Delegation.Status.CONFIRMED
SEPTEMBER = D(2020, 9, 1)


def _counts(criteria):
    summary = figures.summary(criteria)
    return {row.city.name: row.counts for row in summary.rows}, summary.total


def _visit(origin, stops=(), lead=None, start=SEPTEMBER):
    visit = f.DelegationFactory(
        direction=IN,
        status=CONFIRMED,
        start_date=start,
        end_date=None,
        origin_city=origin,
        lead_organisation=lead,
    )
    for order, city in enumerate(stops, start=1):
        f.DelegationStopFactory(delegation=visit, city=city, order=order)
    return visit


@pytest.fixture
def two_home_cities():
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    dresden = f.HomeCityFactory(name="Dresden", slug="dresden")
    jining = f.CityFactory(name="Jining")
    breslau = f.CityFactory(name="Breslau", country="PL")
    f.PartnershipFactory(home_city=leipzig, partner_city=jining)
    f.PartnershipFactory(home_city=dresden, partner_city=breslau)
    return leipzig, dresden, jining, breslau


def test_an_inbound_visit_without_stops_counts_for_its_home_city(two_home_cities):
    leipzig, dresden, jining, _ = two_home_cities
    host = f.OrganisationFactory(city=leipzig)
    visitors = f.OrganisationFactory(city=jining)
    hosted = _visit(jining, lead=host)  # no stop: Leipzig by its lead organisation
    f.MeetingFactory(delegation=hosted, date=None, city=leipzig)  # dated by the visit
    led_by_visitors = _visit(jining, lead=visitors)  # Leipzig: Jining's one home city
    f.ProfileHandoverFactory(delegation=led_by_visitors, handed_over_on=None, recipient=visitors)
    _visit(jining, stops=[dresden], lead=host)  # a stop in Dresden: Dresden's

    rows, total = _counts(queries.Criteria.for_year(2020, home_city=leipzig))
    assert list(rows) == ["Jining"]
    jining_counts = rows["Jining"]
    assert jining_counts["delegations_in"] == 2
    assert jining_counts["delegations_in_confirmed"] == 2
    assert jining_counts["meetings"] == 1
    assert jining_counts["handovers"] == 1
    assert (total["delegations_in"], total["meetings"], total["handovers"]) == (2, 1, 1)

    # Dresden's report has no Jining row; its visit counts there only for Jining's row.
    rows, total = _counts(queries.Criteria.for_year(2020, home_city=dresden))
    assert list(rows) == ["Breslau"]
    assert total["delegations_in"] == total["meetings"] == 0

    rows, total = _counts(queries.Criteria.for_year(2020))
    assert rows["Jining"]["delegations_in"] == 3
    assert total["meetings"] == 1


def test_a_home_city_s_records_in_another_s_partner_city_are_its_unplaced(two_home_cities):
    """Dresden's trip to Jining (Leipzig's partner, not Dresden's) is in no row of
    Dresden's report, and counted in the line of what no row holds; in Leipzig's report it
    is neither; with a partner city chosen, that line is about nothing asked and empty."""
    leipzig, dresden, jining, breslau = two_home_cities
    dresden_office = f.OrganisationFactory(city=dresden)
    trip = f.DelegationFactory(
        direction=OUT, start_date=SEPTEMBER, end_date=None, origin_city=dresden,
        lead_organisation=dresden_office,
    )  # fmt: skip
    f.DelegationStopFactory(delegation=trip, city=jining, order=1)
    f.MeetingFactory(delegation=trip, date=None, city=jining)
    # A trip to both: Breslau's row holds it, so it is not counted again for Jining.
    both = f.DelegationFactory(
        direction=OUT, start_date=SEPTEMBER, end_date=None, origin_city=dresden,
        lead_organisation=dresden_office,
    )  # fmt: skip
    f.DelegationStopFactory(delegation=both, city=breslau, order=1)
    f.DelegationStopFactory(delegation=both, city=jining, order=2)
    _opportunity(jining, SEPTEMBER, delegation=trip)
    # Of no trip, in Jining: Leipzig's (its partner city's home city), never Dresden's.
    f.MeetingFactory(delegation=None, date=SEPTEMBER, city=jining)
    f.FollowUpFactory(partner_city=jining, due_on=SEPTEMBER)
    _opportunity(jining, SEPTEMBER)

    dresden_report = queries.Criteria.for_year(2020, home_city=dresden)
    summary = figures.summary(dresden_report)
    assert summary.total["delegations_out"] == 1
    assert summary.counted.unplaced["delegations_out"] == 1
    assert summary.counted.unplaced["meetings"] == 1
    assert summary.counted.unplaced["follow_ups_open"] == 0
    assert summary.counted.unplaced_records["delegations"] == 1
    assert opportunities.of(dresden_report).unplaced.started == 1
    # Said so: in none of Dresden's partner cities, not "in no partner city" (Jining is one).
    report = tables.Report(dresden_report, list(dresden_report.cities()))
    with translation.override("en"):
        line = tables.summary_table(report).footer[1][0]
    assert line == "Not in any partner city of Dresden (not in the total)"

    leipzig_report = queries.Criteria.for_year(2020, home_city=leipzig)
    summary = figures.summary(leipzig_report)
    assert summary.total["delegations_out"] == summary.counted.unplaced["delegations_out"] == 0
    assert summary.total["meetings"] == summary.total["follow_ups_open"] == 1
    assert summary.counted.unplaced["meetings"] == 0
    assert opportunities.of(leipzig_report).unplaced.started == 0
    assert opportunities.of(leipzig_report).total.started == 1

    only_breslau = queries.Criteria.for_year(
        2020, partner_cities=m.City.objects.filter(pk=breslau.pk)
    )
    summary = figures.summary(only_breslau)
    assert summary.total["delegations_out"] == 1
    assert summary.counted.unplaced["delegations_out"] == summary.counted.unplaced["meetings"] == 0
    assert opportunities.of(only_breslau).unplaced.started == 0


def test_with_one_home_city_every_inbound_visit_is_its_visit():
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    shanghai = f.CityFactory(name="Schanghai")  # no partner city
    visit = _visit(shanghai)  # no stops, no lead organisation
    f.MeetingFactory(delegation=visit, date=None, city=nanjing)

    rows, total = _counts(queries.Criteria.for_year(2020, home_city=leipzig))
    assert rows["Nanjing"]["meetings"] == total["meetings"] == 1


# Direction and home city apply to memoranda, follow-ups and opportunities too ----------


def _opportunity(city, started, **links):
    opportunity = f.OpportunityFactory(partner_city=city, **links)
    opportunity.stage_changes.all().delete()
    m.OpportunityStageChange.objects.create(
        opportunity=opportunity, entered_on=started, stage=m.Opportunity.Stage.IDEA
    )
    return opportunity


@pytest.fixture
def trips():
    """Nanjing is a partner of Leipzig and of Dresden. Leipzig's trip there, Nanjing's
    visit to Leipzig, Dresden's trip there, and records of each and of none, in 2020."""
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    dresden = f.HomeCityFactory(name="Dresden", slug="dresden")
    nanjing = f.CityFactory(name="Nanjing", slug="nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    with_dresden = f.PartnershipFactory(home_city=dresden, partner_city=nanjing)
    irl = f.OrganisationFactory(city=leipzig)
    guests = f.OrganisationFactory(city=nanjing)
    out = f.DelegationFactory(
        start_date=D(2020, 3, 10), end_date=None, origin_city=leipzig, lead_organisation=irl
    )
    f.DelegationStopFactory(delegation=out, city=nanjing)
    visit = _visit(nanjing, stops=[leipzig], lead=guests, start=D(2020, 6, 1))
    from_dresden = f.DelegationFactory(
        start_date=D(2020, 5, 5), end_date=None, origin_city=dresden, lead_organisation=None
    )
    f.DelegationStopFactory(delegation=from_dresden, city=nanjing)

    on_trip = f.MeetingFactory(delegation=out, date=None, city=nanjing)
    on_dresden_trip = f.MeetingFactory(delegation=from_dresden, date=D(2020, 5, 6), city=nanjing)
    f.MemorandumFactory(delegation=out, signed_on=None, signed_in=nanjing)
    during_visit = f.MemorandumFactory(delegation=visit, signed_on=D(2020, 6, 2), signed_in=leipzig)
    f.MemorandumFactory(signed_on=D(2020, 2, 1), signed_in=nanjing)  # no trip
    f.MemorandumFactory(delegation=from_dresden, signed_on=None, signed_in=nanjing)
    f.MemorandumFactory(  # no trip, Dresden's partnership
        signed_on=D(2020, 8, 1), signed_in=dresden, partnership=with_dresden
    )
    done = m.FollowUp.Status.DONE
    f.FollowUpFactory(delegation=out, due_on=D(2020, 4, 1))  # open
    f.FollowUpFactory(meeting=on_trip, due_on=D(2020, 4, 2), status=done)
    f.FollowUpFactory(delegation=visit, due_on=D(2020, 6, 10), status=done)
    f.FollowUpFactory(partner_city=nanjing, due_on=D(2020, 7, 1))  # no trip, open
    f.FollowUpFactory(meeting=on_dresden_trip, due_on=D(2020, 5, 10), status=done)

    _opportunity(nanjing, D(2020, 3, 12), delegation=out)
    _opportunity(nanjing, D(2020, 5, 6), meeting=on_dresden_trip)
    _opportunity(nanjing, D(2020, 6, 3), memorandum=during_visit, foreign_organisation=guests)
    _opportunity(nanjing, D(2020, 7, 1), local_organisation=irl)  # no trip
    return {"leipzig": leipzig, "dresden": dresden, "irl": irl, "guests": guests}


def _nanjing(**criteria):
    c = queries.Criteria.for_year(2020, **criteria)
    counts = _counts(c)[0]["Nanjing"]
    memoranda, meetings = counts["memoranda_signed"], counts["meetings"]
    follow_ups = counts["follow_ups_open"], counts["follow_ups_done"]
    return memoranda, meetings, follow_ups, opportunities.of(c).total.started


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        # memoranda signed, meetings, follow-ups (open, done), opportunities started
        ({}, (5, 2, (2, 3), 4)),
        ({"direction": IN}, (1, 0, (0, 1), 1)),
        ({"direction": OUT}, (2, 2, (1, 2), 2)),
        ({"home_city": "leipzig"}, (3, 1, (2, 2), 3)),
        # No-trip records of Nanjing count for both its home cities, unless of a partnership.
        ({"home_city": "dresden"}, (3, 1, (1, 1), 2)),
    ],
)
def test_direction_and_home_city_select_every_kind_of_record_alike(trips, criteria, expected):
    if "home_city" in criteria:
        criteria["home_city"] = trips[criteria["home_city"]]
    assert _nanjing(**criteria) == expected


def test_the_organisation_filter_selects_the_opportunities_it_took_part_in(trips):
    assert _nanjing(organisation=trips["irl"])[3] == 2  # led the trip; local organisation
    assert _nanjing(organisation=trips["guests"])[3] == 1  # the foreign organisation


def test_the_opportunity_sheet_follows_the_direction(trips, client):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)
    response = client.get(
        "/reports/",
        {"year": 2020, "direction": IN, "format": "csv", "sheet": "opportunities"},
        headers={"accept-language": "en"},
    )
    rows = list(csv.reader(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()))
    started = rows[0].index("Started")
    total, unplaced = rows[-2:]  # the line of those in no partner city last
    assert total[0] == "Total"
    assert total[started] == "1"
    assert unplaced[0] == "Not in any partner city (not in the total)"


def _summary_total(client, **query) -> dict:
    """The page's total row, by column header."""
    reader = TableReader("summary")
    reader.feed(client.get("/reports/", query, headers={"accept-language": "en"}).text)
    return dict(zip(reader.header[1:], map(int, reader.rows[-1][1:]), strict=True))


def test_records_of_a_trip_reached_through_a_meeting_or_an_opportunity_follow_it(client):
    """A follow-up logged on an opportunity of a trip, or on a meeting of it, and a
    handover logged at such a meeting follow that trip for the direction and the
    organisation that led it, as the meeting and the opportunity themselves do."""
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    irl = f.OrganisationFactory(city=leipzig)
    out = f.DelegationFactory(
        start_date=D(2020, 3, 10), end_date=None, origin_city=leipzig, lead_organisation=irl
    )
    f.DelegationStopFactory(delegation=out, city=nanjing)
    meeting = f.MeetingFactory(delegation=out, date=D(2020, 3, 11), city=nanjing)
    f.ProfileHandoverFactory(delegation=None, meeting=meeting, handed_over_on=None)
    f.FollowUpFactory(meeting=meeting, due_on=D(2020, 4, 1))
    of_trip = _opportunity(nanjing, D(2020, 3, 12), delegation=out)
    f.FollowUpFactory(opportunity=of_trip, due_on=D(2020, 4, 2))  # its only link
    of_meeting = _opportunity(nanjing, D(2020, 3, 12), meeting=meeting)
    f.FollowUpFactory(opportunity=of_meeting, due_on=D(2020, 4, 3), status=m.FollowUp.Status.DONE)
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)

    def total(**query):
        row = _summary_total(client, year=2020, **query)
        return (
            row["Profile handovers: handovers"],
            row["Follow-ups: open"],
            row["Follow-ups: done"],
        )

    assert total() == (1, 2, 1)
    assert total(direction=OUT) == (1, 2, 1)
    assert total(direction=IN) == (0, 0, 0)
    assert total(organisation=irl.pk) == (1, 2, 1)
    assert total(organisation=f.OrganisationFactory().pk) == (0, 0, 0)


def test_a_handover_logged_at_a_meeting_of_a_visit_counts_for_the_visit(client):
    """Logged at a meeting of Nanjing's visit to Leipzig, without naming the visit again
    and without a day of its own: it counts for Nanjing on the visit's first day, as the
    meeting does, and the sheet lists it with the visit's dates. It counted nowhere."""
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    visit = _visit(nanjing, stops=[leipzig], start=D(2020, 6, 1))
    meeting = f.MeetingFactory(delegation=visit, date=None, city=leipzig)
    host = f.OrganisationFactory(city=leipzig)
    f.ProfileHandoverFactory(delegation=None, meeting=meeting, handed_over_on=None, recipient=host)
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)

    for query in ({}, {"direction": IN}):
        total = _summary_total(client, year=2020, **query)
        assert (total["Meetings"], total["Profile handovers: handovers"]) == (1, 1)
    assert _summary_total(client, year=2020, direction=OUT)["Profile handovers: handovers"] == 0
    response = client.get(
        "/reports/",
        {"year": 2020, "format": "csv", "sheet": "handovers"},
        headers={"accept-language": "en"},
    )
    rows = list(csv.reader(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()))
    assert len(rows) == 2
    listed = dict(zip(rows[0], rows[1], strict=True))
    assert listed["Handed over on"].startswith("during the delegation")
    assert listed["Partner city"] == "Nanjing"


def test_two_partner_cities_of_one_name_are_told_apart_by_their_country(client):
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    cities = {}
    for country in ("GB", "US"):
        city = f.CityFactory(name="Birmingham", country=country, slug=f"birmingham-{country}")
        f.PartnershipFactory(home_city=leipzig, partner_city=city)
        cities[country] = city
    nanjing = f.CityFactory(name="Nanjing", country="CN")  # a name of its own: as it is
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    for country, trips in (("GB", 1), ("US", 2)):
        for _ in range(trips):
            f.DelegationStopFactory(
                delegation=f.DelegationFactory(
                    start_date=SEPTEMBER, end_date=None, status=CONFIRMED
                ),
                city=cities[country],
            )
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)
    english = {"accept-language": "en"}

    page = client.get("/reports/", {"year": 2020}, headers=english).text
    reader = TableReader("summary")
    reader.feed(page)
    rows = {row[0]: row for row in reader.rows[:-1]}
    assert set(rows) == {"Birmingham, GB", "Birmingham, US", "Nanjing"}
    trips = reader.header.index("Delegations outbound: not cancelled")
    assert (rows["Birmingham, GB"][trips], rows["Birmingham, US"][trips]) == ("1", "2")
    # The filter's options and the chart's series: one each, not one bar over the other.
    # (German names marked so: the factory gives no English one.)
    assert '<option value="birmingham-US" lang="de">Birmingham, US</option>' in page
    assert "<title>Birmingham, GB 2020: 1</title>" in page
    assert "<title>Birmingham, US 2020: 2</title>" in page
    chinese = client.get("/reports/", {"year": 2020}, headers={"accept-language": "zh-hans"})
    assert '<th scope="row"><span lang="de">Birmingham</span>（US）</th>' in chinese.text

    listing = client.get(
        "/reports/",
        {"year": 2020, "format": "csv", "sheet": "delegations", "partner_city": "birmingham-US"},
        headers=english,
    )
    text = b"".join(listing.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(text.splitlines()))
    assert [line[-1] for line in lines[1:3]] == ["Birmingham, US", "Birmingham, US"]
