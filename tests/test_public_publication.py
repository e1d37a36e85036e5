"""The publication rule (DESIGN.md): nothing unpublished reaches a public page, feed or the
sitemap, even when it is linked to published records; direct URLs to it answer 404.

Every unpublished record below carries a marker of its own in every text field, and is
linked to the published 2019 trip wherever the model allows, so a leak cannot hide.
"""

import datetime

import pytest
from django.db import models
from django.urls import reverse
from django.utils import translation

from partners import models as m
from partners.public.sitemaps import SITEMAPS
from tests import factories as f
from tests.world2019 import build_world_2019

pytestmark = pytest.mark.django_db

# Slugs are left readable: the 404 test below asks for them by URL.
SKIP = {"slug", "country", "visibility", "lawful_basis"}


def marked(factory, tag, **kwargs):
    """An unpublished record with ``tag`` in every free-text field."""
    model = factory._meta.model
    for field in model._meta.concrete_fields:
        text = isinstance(field, models.CharField | models.TextField)
        if text and not field.choices and field.name not in SKIP:
            value = f"{tag}{field.name}"
            if isinstance(field, models.EmailField):
                value = f"{tag}@example.org"
            kwargs.setdefault(field.name, value[: field.max_length or None])
    kwargs.setdefault("visibility", m.Visibility.INTERNAL)
    return factory(**kwargs)


@pytest.fixture
def leaky_world():
    w = build_world_2019()
    trip, nanjing = w.trip, w.nanjing
    w.city = marked(f.CityFactory, "zqcity", slug="hidden-city")
    f.DelegationStopFactory(delegation=trip, city=w.city, order=3)
    f.PartnershipFactory(home_city=w.leipzig, partner_city=w.city)
    w.published_profiles[0].target_cities.add(w.city)

    w.organisation = marked(f.OrganisationFactory, "zqorg", city=nanjing)
    trip.supporting_organisations.add(w.organisation)
    trip.meetings.first().organisations.add(w.organisation)
    f.MemorandumPartyFactory(memorandum=w.mou_nanjing, organisation=w.organisation)

    w.person = marked(f.PersonFactory, "zqperson", organisation=w.organisation)
    f.DelegationMemberFactory(delegation=trip, person=w.person, position_at_time="zqpersonpos")
    f.MemorandumPartyFactory(
        memorandum=w.mou_jining, signatory=w.person, signatory_position="zqpersonsig"
    )

    w.delegation = marked(
        f.DelegationFactory,
        "zqdelegation",
        slug="hidden-delegation",
        start_date=datetime.date(2015, 5, 1),
        end_date=None,
        status=m.Delegation.Status.CANCELLED,
        origin_city=nanjing,
    )
    f.DelegationStopFactory(delegation=w.delegation, city=w.leipzig)

    w.meeting = marked(f.MeetingFactory, "zqmeeting", delegation=trip, city=nanjing)
    w.memorandum = marked(
        f.MemorandumFactory,
        "zqmemorandum",
        slug="hidden-memorandum",
        kind=m.Memorandum.Kind.TWINNING_CHARTER,
        signed_on=datetime.date(2014, 1, 1),
        delegation=trip,
        partnership=w.twinning,
        signed_in=nanjing,
    )
    w.profile = marked(
        f.CompanyProfileFactory,
        "zqprofile",
        slug="hidden-profile",
        organisation=f.CompanyFactory(name="zqprofilecompany", visibility="internal"),
        sector=m.Sector.objects.get(code="A"),
    )
    w.profile.interests.add(m.Interest.objects.get(code="research"))
    f.ProfileHandoverFactory(
        profile=w.profile, recipient=w.organisation, delegation=trip, notes="zqhandover"
    )
    w.follow_up = marked(f.FollowUpFactory, "zqfollowup", delegation=trip, memorandum=w.mou_nanjing)
    w.photo = marked(f.PhotoFactory, "zqphoto", delegation=trip, memorandum=w.mou_nanjing)

    # Won but internal: no story; a published story names neither the unpublished
    # organisation, nor the unpublished city, nor its internal notes and lost reason.
    w.opportunity = marked(f.WonOpportunityFactory, "zqopportunity", partner_city=nanjing,
                           foreign_organisation=w.organisation, delegation=trip)  # fmt: skip
    f.WonOpportunityFactory(title="Published story", partner_city=w.city, delegation=trip,
                            foreign_organisation=w.organisation, notes="zqnotes",
                            next_step="zqnextstep", lost_reason="zqlost")  # fmt: skip
    # Each side on its own: the published side must not bring the unpublished one along.
    f.WonOpportunityFactory(title="Second story", partner_city=w.city,
                            local_organisation=w.organisation,
                            foreign_organisation=f.OrganisationFactory())  # fmt: skip

    # Internal fields of published records.
    m.Delegation.objects.filter(pk=trip.pk).update(outcome="zqoutcome")
    m.Meeting.objects.filter(delegation=trip).update(notes="zqnotes", outcome="zqoutcome")
    m.Person.objects.filter(pk=w.koerner.pk).update(
        email="zqemail@example.org", phone="zqphone", notes="zqnotes"
    )
    m.Organisation.objects.filter(pk=w.nanjing_gov.pk).update(
        email="zqemail@example.org", phone="zqphone"
    )
    return w


def public_urls(w):
    pages = [
        ("home", {}),
        ("delegations", {}),
        ("memoranda", {}),
        ("companies", {}),
        ("success-stories", {}),
        ("feed-atom", {}),
        ("feed-ics", {}),
    ]
    pages += [("city", {"slug": c.slug}) for c in m.City.objects.published()]
    pages += [("delegation", {"slug": d.slug}) for d in m.Delegation.objects.published()]
    pages += [("memorandum", {"slug": x.slug}) for x in m.Memorandum.objects.published()]
    pages += [("company", {"slug": p.slug}) for p in m.CompanyProfile.objects.published()]
    urls = ["/sitemap.xml", "/robots.txt"]
    urls += [f"/sitemap-{section}.xml" for section in SITEMAPS]
    for language in ("de", "en"):
        with translation.override(language):
            urls += [reverse(f"partners:{name}", kwargs=kwargs) for name, kwargs in pages]
            urls += [
                reverse("partners:delegations") + "?year=2015&status=cancelled&city=hidden-city",
                reverse("partners:memoranda") + "?year=2014&kind=twinning_charter",
                reverse("partners:companies") + "?sector=A&interest=research",
            ]
    return urls


def test_nothing_unpublished_reaches_any_public_page_feed_or_the_sitemap(client, leaky_world):
    urls = public_urls(leaky_world)
    assert len(urls) > 30
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode().lower()
        assert "zq" not in body, (url, body[body.index("zq") - 200 : body.index("zq") + 100])


def german_page(client, name, **kwargs):
    with translation.override("de"):
        url = reverse(f"partners:{name}", kwargs=kwargs or None)
    return client.get(url).content.decode()


def test_the_published_trip_still_shows_its_public_facts(client, leaky_world):
    html = german_page(client, "delegation", slug="ost-china-2019")
    # The unpublished profile counts in the aggregate (12), never by name.
    assert "12 Unternehmensprofile wurden übergeben." in html
    assert "Michael Körner" in html


def test_filter_choices_ignore_unpublished_records(client, leaky_world):
    html = german_page(client, "delegations")
    assert 'value="2015"' not in html
    assert 'value="cancelled"' not in html
    html = german_page(client, "memoranda")
    assert 'value="2014"' not in html
    assert 'value="twinning_charter"' not in html
    html = german_page(client, "companies")
    assert 'value="A"' not in html
    assert 'value="research"' not in html


def test_home_counts_ignore_unpublished_records(client, leaky_world):
    html = german_page(client, "home")
    assert '<span class="count">2</span> Partnerstädte' in html
    assert '<span class="count">2</span> Delegationen' in html
    assert '<span class="count">2</span> gültige Vereinbarungen' in html
    assert '<span class="count">2</span> Unternehmen im Verzeichnis' in html


def test_direct_urls_to_unpublished_records_answer_404(client, leaky_world):
    w = leaky_world
    for language in ("de", "en"):
        with translation.override(language):
            urls = [
                reverse("partners:city", kwargs={"slug": "hidden-city"}),
                reverse("partners:delegation", kwargs={"slug": "hidden-delegation"}),
                reverse("partners:memorandum", kwargs={"slug": "hidden-memorandum"}),
                reverse("partners:company", kwargs={"slug": "hidden-profile"}),
            ]
        for url in urls + [w.photo.get_file_url()]:
            assert client.get(url).status_code == 404, url
