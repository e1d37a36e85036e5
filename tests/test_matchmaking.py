"""Ranked counterpart suggestions for trip participants (issue 17, point 2)."""

import pytest
from django.utils import translation

from partners import models as m
from partners.roles import TRADE_OFFICERS
from partners.scheduling.matchmaking import suggestions

from . import factories as f
from .backoffice import client_for, user_with_role


@pytest.fixture(autouse=True)
def _english():
    """These expectations are the English wording; the site's default language is German."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    home = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing")
    trip = f.DelegationFactory(origin_city=home, status="planned")
    f.DelegationStopFactory(delegation=trip, city=nanjing)
    profile = f.CompanyProfileFactory(organisation__city=home)
    profile.interests.add(m.Interest.objects.get(code="distribution"))
    registration = f.TripRegistrationFactory(
        delegation=trip, organisation=profile.organisation, profile=profile
    )
    kinds = m.Organisation.Kind
    orgs = {
        "keen": f.OrganisationFactory(name="Keen Trading", city=nanjing, kind=kinds.GOVERNMENT),
        "distributor": f.OrganisationFactory(
            name="Jiangsu Distributors", city=nanjing, kind=kinds.COMPANY
        ),
        "refused": f.OrganisationFactory(name="No Thanks Ltd", city=nanjing, kind=kinds.GOVERNMENT),
        "quiet": f.OrganisationFactory(name="Quiet Office", city=nanjing, kind=kinds.GOVERNMENT),
        "home": f.OrganisationFactory(name="Leipzig Office", city=home, kind=kinds.COMPANY),
    }
    f.ProfileHandoverFactory(profile=profile, recipient=orgs["keen"], response="interested")
    f.ProfileHandoverFactory(profile=profile, recipient=orgs["refused"], response="declined")
    return registration, orgs


def test_suggestions_rank_by_what_the_office_knows_and_say_why(world):
    registration, orgs = world
    ranked = suggestions(registration)
    names = [s.counterpart.name for s in ranked]
    assert names == ["Keen Trading", "Jiangsu Distributors"]
    keen, distributor = ranked
    assert "already has your profile and was interested" in keen.reasons
    assert distributor.reasons == ["fits your interest: Distribution"]


def test_requested_counterparts_come_first_and_mutual_ones_are_marked(world):
    registration, orgs = world
    f.MeetingRequestFactory(registration=registration, counterpart=orgs["quiet"], mutual=True)
    first = suggestions(registration)[0]
    assert (first.counterpart, first.requested, first.mutual) == (orgs["quiet"], True, True)


def test_the_registration_page_shows_the_suggestions(world):
    registration, _orgs = world
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(f"/admin/partners/tripregistration/{registration.pk}/change/")
    assert page.status_code == 200
    assert "Keen Trading" in page.text and "fits your interest: Distribution" in page.text
    assert "Leipzig Office" not in page.text.split("Suggested counterparts", 1)[1]


def test_reasons_name_memoranda_and_interests_in_the_page_s_language(world):
    registration, orgs = world
    memorandum = f.MemorandumFactory(title="Absichtserklärung Nanjing", status="signed")
    m.Memorandum.objects.filter(pk=memorandum.pk).update(title_en="Letter of intent Nanjing")
    f.MemorandumPartyFactory(memorandum=memorandum, organisation=orgs["quiet"])

    def reasons(language):
        with translation.override(language):
            return {s.counterpart.name: s.reasons for s in suggestions(registration)}

    assert reasons("en")["Quiet Office"] == ["signed “Letter of intent Nanjing” with us"]
    assert reasons("de")["Jiangsu Distributors"] == ["passt zu Ihrem Interesse: Vertrieb"]
