"""Companies register for a delegation trip (issue 17, point 1): double opt-in, bots and
floods kept out, nothing public, officers decide within the trip's capacity."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def trip(db):
    home = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing", visibility=m.Visibility.PUBLIC)
    delegation = f.DelegationFactory(
        title="Unternehmerreise 2027",
        status=m.Delegation.Status.PLANNED,
        start_date=datetime.date(2027, 5, 10),
        end_date=datetime.date(2027, 5, 16),
        origin_city=home,
        registration_open=True,
        capacity=1,
    )
    f.DelegationStopFactory(delegation=delegation, city=nanjing)
    f.OrganisationFactory(
        name="Nanjing Investment Bureau", city=nanjing, visibility=m.Visibility.PUBLIC
    )
    f.OrganisationFactory(name="Secret Partner Ltd", city=nanjing, visibility="internal")
    return delegation


def url(trip, suffix=""):
    return f"/en/delegations/{trip.slug}/register/{suffix}"


def valid_data(**changes):
    bureau = m.Organisation.objects.filter(name="Nanjing Investment Bureau").first()
    data = {
        "company": "Muster Maschinenbau GmbH",
        "contact_name": "Erika Muster",
        "contact_position": "CEO",
        "contact_email": "erika@muster.example",
        "representatives": "Max Muster, Sales director\nLi Wei, Engineer",
        "sector": m.Sector.objects.get(code="C").pk,
        "interests": [m.Interest.objects.get(code="distribution").pk],
        "products": "Packaging machines",
        "counterparts": [bureau.pk] if bureau else None,
        "consent_registration": "on",
        "consent_to_share": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_offers_only_published_counterparts_of_the_trips_cities(trip):
    page = Client().get(url(trip))
    assert page.status_code == 200
    assert "Nanjing Investment Bureau" in page.text
    assert "Secret Partner Ltd" not in page.text


def test_the_trip_page_links_to_the_open_registration(trip):
    assert url(trip) in Client().get(f"/en/delegations/{trip.slug}/").text
    trip.registration_open = False
    trip.save()
    assert url(trip) not in Client().get(f"/en/delegations/{trip.slug}/").text


def test_registration_is_closed_after_its_date_and_absent_for_unpublished_trips(trip):
    trip.registration_closes_on = datetime.date(2020, 1, 1)
    trip.save()
    closed = Client().post(url(trip), valid_data())
    assert "not open" in closed.text
    assert not m.TripRegistration.objects.exists()
    trip.visibility = m.Visibility.INTERNAL
    trip.save()
    assert Client().get(url(trip)).status_code == 404


def test_a_registration_creates_internal_records_and_asks_for_confirmation(trip):
    response = Client().post(url(trip), valid_data())
    assert response.status_code == 302 and response["Location"].endswith("/register/sent/")
    registration = m.TripRegistration.objects.get()
    assert registration.status == "applied" and registration.confirmed_at is None
    company = registration.organisation
    assert (company.name, company.kind, company.visibility) == (
        "Muster Maschinenbau GmbH",
        "company",
        "internal",
    )
    assert company.city.name == "Leipzig"
    people = set(registration.representatives.values_list("full_name", "visibility"))
    assert people == {
        ("Erika Muster", "internal"),
        ("Max Muster", "internal"),
        ("Li Wei", "internal"),
    }
    profile = registration.profile
    assert (profile.status, profile.visibility, profile.consent_to_share) == (
        "draft",
        "internal",
        True,
    )
    assert list(profile.interests.values_list("code", flat=True)) == ["distribution"]
    assert list(registration.requests.values_list("counterpart__name", "status")) == [
        ("Nanjing Investment Bureau", "requested")
    ]
    assert registration.language == "en"
    [message] = mail.outbox
    assert message.to == ["erika@muster.example"]
    assert "Unternehmerreise 2027" in message.subject


def test_the_link_confirms_only_when_its_button_is_pressed(trip):
    Client().post(url(trip), valid_data())
    link = re.search(r"https?://\S+/confirm/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    registration = m.TripRegistration.objects.get()
    client = Client()
    assert client.get(path).status_code == 200  # a mail scanner following the link
    registration.refresh_from_db()
    assert registration.status == "applied"
    assert client.post(path).status_code == 200
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.confirmed_at is not None
    forged = client.post(path[:-3] + "xx/")
    assert forged.status_code == 400
    assert "not valid" in forged.text


def test_bad_input_names_the_field_and_keeps_what_was_typed(trip):
    response = Client().post(
        url(trip), valid_data(contact_email="not-an-address", representatives="x")
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert "Line 1: write the name" in response.text
    assert "Muster Maschinenbau GmbH" in response.text  # kept
    assert not m.Organisation.objects.filter(name="Muster Maschinenbau GmbH").exists()
    assert not mail.outbox


def test_a_bot_filling_the_hidden_field_is_told_nothing_and_stores_nothing(trip):
    response = Client().post(url(trip), valid_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert not m.TripRegistration.objects.exists()
    assert not m.Organisation.objects.filter(name="Muster Maschinenbau GmbH").exists()
    assert not mail.outbox


def test_an_address_may_send_only_a_few_forms_an_hour(trip, settings):
    settings.CRM_REGISTRATIONS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(2):
        data = valid_data(company=f"Firma {n}", contact_email=f"a{n}@example.org")
        assert client.post(url(trip), data).status_code == 302
    refused = client.post(url(trip), valid_data(company="Firma 3"))
    assert refused.status_code == 429
    assert not m.Organisation.objects.filter(name="Firma 3").exists()
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(url(trip), valid_data(company="Firma 4")).status_code == 302


def test_behind_a_proxy_the_limit_counts_each_client_not_the_proxy(trip, settings):
    settings.CRM_REGISTRATIONS_PER_HOUR = 1
    settings.CRM_TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert first.post(url(trip), valid_data(company="Firma A")).status_code == 302
    assert second.post(url(trip), valid_data(company="Firma B")).status_code == 302
    assert first.post(url(trip), valid_data(company="Firma C")).status_code == 429


def test_nothing_from_the_form_reaches_a_public_page(trip):
    Client().post(url(trip), valid_data())
    public = Client()
    for page in [
        "/en/companies/",
        f"/en/delegations/{trip.slug}/",
        "/en/feeds/delegations.atom",
        "/sitemap.xml",
    ]:
        response = public.get(page)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Muster" not in body, page
        assert b"erika@muster" not in body, page


def test_registering_again_updates_the_same_company_and_registration(trip):
    Client().post(url(trip), valid_data())
    Client().post(url(trip), valid_data(wishes="Also the port authority", counterparts=None))
    assert m.TripRegistration.objects.count() == 1
    assert m.Organisation.objects.filter(name="Muster Maschinenbau GmbH").count() == 1
    assert m.TripRegistration.objects.get().wishes == "Also the port authority"


def test_officers_accept_within_capacity_and_each_company_is_told(trip):
    first = f.TripRegistrationFactory(
        delegation=trip, status="confirmed", contact=f.PersonFactory(email="a@x.example")
    )
    second = f.TripRegistrationFactory(
        delegation=trip,
        status="confirmed",
        language="de",
        contact=f.PersonFactory(email="b@x.example"),
    )
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.post(
        "/admin/partners/tripregistration/",
        {"action": "accept", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.status, second.status]) == ["accepted", "confirmed"]
    assert "the trip is full" in response.text
    [told] = mail.outbox
    assert told.to == ["a@x.example" if first.status == "accepted" else "b@x.example"]
    officer.post(
        "/admin/partners/tripregistration/",
        {
            "action": "waitlist",
            "_selected_action": [second.pk if first.status == "accepted" else first.pk],
        },
    )
    waiting = mail.outbox[-1]
    assert "waiting list" in waiting.body or "Warteliste" in waiting.body


def test_the_seeds_planned_company_trip_can_be_opened_for_registration(db):
    from django.core.management import call_command

    call_command("loaddata", "seed", verbosity=0)
    planned = m.Delegation.objects.get(status="planned")
    assert Client().get(url(planned)).status_code == 200
    assert "not open" in Client().get(url(planned)).text
    planned.registration_open = True
    planned.save()
    data = valid_data(counterparts=None)
    assert Client().post(url(planned), data).status_code == 302
    assert planned.registrations.get().organisation.name == "Muster Maschinenbau GmbH"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_consent_sentences_end_as_sentences_without_a_colon(trip, language):
    page = Client().get(url(trip).replace("/en/", f"/{language}/")).text
    for name in ("consent_registration", "consent_to_share"):
        label = re.search(rf'<label for="id_{name}">([^<]*)</label>', page).group(1)
        assert label[-1] in ".。", label
