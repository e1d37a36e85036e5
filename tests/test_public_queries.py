"""Every public page runs the same number of queries for 3 and for 12 related records."""

import datetime

import pytest
from django.urls import reverse

from partners import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


def build(n: int):
    """A home city, a partner city and one delegation, each with ``n`` of every related thing."""
    home = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    hub = f.CityFactory(name="Hub", slug="hub")
    partnership = f.PartnershipFactory(home_city=home, partner_city=hub)
    trip = f.DelegationFactory(title="Big trip", slug="big-trip", origin_city=home)
    memorandum = f.MemorandumFactory(
        title="Big memorandum", slug="big-memorandum", partnership=partnership, signed_in=hub
    )
    profiles = []
    for i in range(n):
        city = f.CityFactory()
        f.PartnershipFactory(home_city=home, partner_city=city)
        f.DelegationStopFactory(delegation=trip, city=city, order=i + 1)
        f.DelegationMemberFactory(delegation=trip)
        trip.supporting_organisations.add(f.OrganisationFactory(city=hub))
        meeting = f.MeetingFactory(delegation=trip, city=city)
        meeting.organisations.add(f.OrganisationFactory(), f.OrganisationFactory())
        f.MemorandumFactory(delegation=trip, signed_in=city, partnership=partnership)
        f.MemorandumPartyFactory(memorandum=memorandum, signatory=f.PersonFactory())
        f.FollowUpFactory(delegation=trip)
        f.FollowUpFactory(memorandum=memorandum)
        f.PhotoFactory(delegation=trip)
        f.PhotoFactory(memorandum=memorandum, delegation=None)
        profile = f.CompanyProfileFactory()
        profile.interests.add(*m.Interest.objects.all()[:2])
        profile.target_cities.add(hub, city)
        f.ProfileHandoverFactory(profile=profile, delegation=trip)
        profiles.append(profile)
        f.DelegationFactory(
            origin_city=hub, start_date=datetime.date(2000 + i, 1, 1), end_date=None
        )
    return profiles[0]


# The contract of each page: this many queries, whatever the number of records, with
# nothing cached (tests/conftest.py): the cost of the first request after a write.
PAGES = [
    ("home", {}, 7),
    ("city", {"slug": "hub"}, 6),
    ("delegations", {}, 7),
    ("delegation", {"slug": "big-trip"}, 11),
    ("memoranda", {}, 8),
    ("memorandum", {"slug": "big-memorandum"}, 4),
    ("companies", {}, 10),
    ("company", None, 3),
    ("feed-atom", {}, 1),
    ("feed-ics", {}, 1),
]
LISTS = ("delegations", "memoranda", "companies")


@pytest.mark.parametrize("n", [3, 12])
def test_query_count_does_not_grow_with_the_records(client, django_assert_num_queries, n):
    profile = build(n)
    for name, kwargs, queries in PAGES:
        url = reverse(
            f"partners:{name}", kwargs={"slug": profile.slug} if kwargs is None else kwargs
        )
        with django_assert_num_queries(queries):
            response = client.get(url, {"per_page": 100} if name in LISTS else {})
        assert response.status_code == 200, name
    with django_assert_num_queries(4):
        assert client.get("/sitemap.xml").status_code == 200
    with django_assert_num_queries(2):
        assert client.get("/sitemap-companies.xml").status_code == 200
