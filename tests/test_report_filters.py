"""The report's filters (home city, direction, organisation) against hand-computed counts:
every figure is filtered by the same rules (README "How we count")."""

import datetime

import pytest

from partners import models as m
from partners.reports import figures, queries

from . import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
OUT, IN = m.Delegation.Direction.OUTBOUND, m.Delegation.Direction.INBOUND
CONFIRMED = m.Delegation.Status.CONFIRMED


def _counts(criteria):
    summary = figures.summary(criteria)
    return {row.city.name: row.counts for row in summary.rows}, summary.total


def _visit(origin, stops=(), lead=None, **kwargs):
    visit = f.DelegationFactory(
        direction=IN,
        status=CONFIRMED,
        start_date=D(2020, 9, 1),
        end_date=None,
        origin_city=origin,
        lead_organisation=lead,
        **kwargs,
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


def test_with_one_home_city_every_inbound_visit_is_its_visit():
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    shanghai = f.CityFactory(name="Schanghai")  # no partner city
    visit = _visit(shanghai)  # no stops, no lead organisation
    f.MeetingFactory(delegation=visit, date=None, city=nanjing)

    rows, total = _counts(queries.Criteria.for_year(2020, home_city=leipzig))
    assert rows["Nanjing"]["meetings"] == total["meetings"] == 1
