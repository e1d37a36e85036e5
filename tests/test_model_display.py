"""How records name themselves (``__str__``) and where public ones live (``get_absolute_url``)."""

import datetime

import pytest
from django.apps import apps
from django.urls import resolve
from django.utils import translation

from partners import models as m
from partners.public import views as public
from tests import factories as f

pytestmark = pytest.mark.wording


@pytest.fixture
def world(db):
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    nanjing = f.CityFactory(name="Nanjing", local_name="南京", slug="nanjing")
    irl = f.OrganisationFactory(name="Invest Region Leipzig GmbH", city=leipzig)
    ecmdc = f.OrganisationFactory(
        name="EU-China Municipal Development Commission", short_name="ECMDC", city=None
    )
    koerner = f.PersonFactory(full_name="Michael Körner", organisation=irl)
    trip = f.DelegationFactory(
        title="Delegationsreise 2019", slug="reise-2019", origin_city=leipzig
    )
    company = f.CompanyFactory(name="Beispiel GmbH", city=leipzig)
    profile = f.CompanyProfileFactory(organisation=company, slug="beispiel")
    memorandum = f.MemorandumFactory(title="MoU Leipzig–Nanjing", slug="mou", signed_in=nanjing)
    stop = f.DelegationStopFactory(delegation=trip, city=nanjing, order=1)
    registration = f.TripRegistrationFactory(delegation=trip, organisation=company)
    return {
        "city": leipzig,
        "partnership": f.PartnershipFactory(home_city=leipzig, partner_city=nanjing),
        "organisation": irl,
        "organisation_with_short_name": ecmdc,
        "person": koerner,
        "delegation": trip,
        "stop": stop,
        "member": f.DelegationMemberFactory(delegation=trip, person=koerner),
        "meeting": f.MeetingFactory(delegation=trip, city=nanjing, title="Präsentation"),
        "sector": m.Sector.objects.get(code="C"),
        "interest": m.Interest.objects.get(code="cooperation"),
        "profile": profile,
        "handover": f.ProfileHandoverFactory(profile=profile, recipient=ecmdc, delegation=trip),
        "memorandum": memorandum,
        "party": f.MemorandumPartyFactory(memorandum=memorandum, organisation=irl),
        "follow_up": f.FollowUpFactory(title="Reise vorbereiten"),
        "photo": f.PhotoFactory(caption="MoU Unterzeichnung in Jining, China", delegation=trip),
        "opportunity": f.OpportunityFactory(title="Vertrieb in Nanjing", partner_city=nanjing),
        "registration": registration,
        "slot": f.MeetingSlotFactory(
            delegation=trip,
            stop=stop,
            starts_at=datetime.datetime(2027, 5, 10, 9, tzinfo=datetime.UTC),
        ),
        "meeting_request": f.MeetingRequestFactory(registration=registration, counterpart=ecmdc),
    }


STRINGS = [
    ("city", "Leipzig", "Leipzig"),
    ("partnership", "Leipzig – Nanjing (twinning)", "Leipzig – Nanjing (Städtepartnerschaft)"),
    ("organisation", "Invest Region Leipzig GmbH", "Invest Region Leipzig GmbH"),
    (
        "organisation_with_short_name",
        "EU-China Municipal Development Commission (ECMDC)",
        "EU-China Municipal Development Commission (ECMDC)",
    ),
    ("person", "Michael Körner", "Michael Körner"),
    ("delegation", "Delegationsreise 2019", "Delegationsreise 2019"),
    ("stop", "1. Nanjing", "1. Nanjing"),
    ("member", "Michael Körner (member)", "Michael Körner (Mitglied)"),
    ("meeting", "Präsentation", "Präsentation"),
    ("sector", "C – Manufacturing", "C – Verarbeitendes Gewerbe"),
    ("interest", "Cooperation", "Kooperation"),
    ("profile", "Beispiel GmbH", "Beispiel GmbH"),
    (
        "handover",
        "Beispiel GmbH to EU-China Municipal Development Commission (ECMDC)",
        "Beispiel GmbH an EU-China Municipal Development Commission (ECMDC)",
    ),
    ("memorandum", "MoU Leipzig–Nanjing", "MoU Leipzig–Nanjing"),
    ("party", "Invest Region Leipzig GmbH", "Invest Region Leipzig GmbH"),
    ("follow_up", "Reise vorbereiten", "Reise vorbereiten"),
    ("photo", "MoU Unterzeichnung in Jining, China", "MoU Unterzeichnung in Jining, China"),
    ("opportunity", "Vertrieb in Nanjing", "Vertrieb in Nanjing"),
    (
        "registration",
        "Beispiel GmbH – Delegationsreise 2019",
        "Beispiel GmbH – Delegationsreise 2019",
    ),
    ("slot", "Nanjing 2027-05-10 17:00 (UTC+8)", "Nanjing 2027-05-10 17:00 (UTC+8)"),
    (
        "meeting_request",
        "Beispiel GmbH ↔ EU-China Municipal Development Commission (ECMDC)",
        "Beispiel GmbH ↔ EU-China Municipal Development Commission (ECMDC)",
    ),
]


def test_every_model_of_the_domain_has_a_string_case(world):
    covered = {type(world[key]) for key, *_ in STRINGS}
    domain = {
        model
        for model in apps.get_app_config("partners").get_models()
        if not model.__name__.startswith("Historical") and hasattr(model, "history")
    }
    assert domain == covered


@pytest.mark.parametrize(("key", "english", "german"), STRINGS, ids=lambda v: v)
def test_a_record_names_itself_in_the_active_language(world, key, english, german):
    record = world[key]
    with translation.override("en"):
        assert str(record) == english
    with translation.override("de"):
        assert str(record) == german


URLS = [
    ("city", "/en/cities/leipzig/", public.city_detail),
    ("delegation", "/en/delegations/reise-2019/", public.delegation_detail),
    ("memorandum", "/en/memoranda/mou/", public.memorandum_detail),
    ("profile", "/en/companies/beispiel/", public.company_detail),
]


@pytest.mark.parametrize(("key", "url", "view"), URLS, ids=lambda v: getattr(v, "__name__", v))
def test_a_public_record_links_to_its_page(world, key, url, view):
    with translation.override("en"):
        assert world[key].get_absolute_url() == url
        assert resolve(url).func is view


def test_the_page_of_a_company_is_the_page_of_its_profile(world):
    company = world["profile"].organisation
    with translation.override("de"):
        assert company.get_absolute_url() == "/de/companies/beispiel/"
    assert world["organisation"].get_absolute_url() is None
