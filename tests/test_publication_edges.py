"""The publication rule at its edges (issue 11, point 8).

A published record may name what it links to, but nothing public may show what only an
internal record knows: filter choices reached through internal partnerships or trips, an
internal organisation's website, photos of internal records, the slugs of internal records
through the admin's "view on site" shortcut, or database ids in calendar UIDs.
"""

import datetime
import re

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners import models as m
from partners.public.filters import MemorandumFilter
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, user_with_role

pytestmark = pytest.mark.django_db
INTERNAL = m.Visibility.INTERNAL


def _options(html, name) -> set[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    return set(re.findall(r'<option value="([^"]*)"', select.group(0))) if select else set()


@pytest.fixture
def memorandum_under_internal_records():
    """A published MoU under an internal partnership, signed during an internal trip."""
    home = f.HomeCityFactory(name="Leipzig")
    partner = f.CityFactory(name="Hefei")  # the city itself is published
    partnership = f.PartnershipFactory(home_city=home, partner_city=partner, visibility=INTERNAL)
    trip = f.DelegationFactory(
        visibility=INTERNAL, start_date=datetime.date(2017, 5, 2), end_date=None
    )
    memorandum = f.MemorandumFactory(
        title="Letter of intent Hefei",
        partnership=partnership,
        delegation=trip,
        signed_on=None,
        signed_in=None,
        status=m.Memorandum.Status.SIGNED,
    )
    f.MemorandumFactory(signed_on=datetime.date(2019, 6, 28))
    return memorandum


def test_the_mou_register_offers_no_city_or_year_known_only_from_internal_records(
    client, memorandum_under_internal_records
):
    html = client.get("/en/memoranda/").content.decode()

    assert "letter-of-intent-hefei" in html  # the memorandum itself is listed
    assert "hefei" not in _options(html, "city")
    assert "2017" not in _options(html, "year")
    assert "2019" in _options(html, "year")


def test_the_mou_register_filters_by_no_internal_partnership_or_trip(
    client, memorandum_under_internal_records
):
    hefei = memorandum_under_internal_records.partnership.partner_city

    published = m.Memorandum.objects.published()
    by_city = MemorandumFilter({}, queryset=published).filter_by_city(published, "city", hefei)
    by_year = MemorandumFilter({}, queryset=published).filter_by_year(published, "year", "2017")

    assert memorandum_under_internal_records not in by_city
    assert memorandum_under_internal_records not in by_year


def _body(response) -> str:
    return b"".join(response).decode()  # pages and streamed downloads alike


def test_a_public_profile_and_the_open_data_show_no_website_of_an_internal_organisation(client):
    company = f.CompanyFactory(website="https://internal.example.org", visibility=INTERNAL)
    profile = f.CompanyProfileFactory(organisation=company)
    assert profile.is_published

    pages = [
        f"/en/companies/{profile.slug}/",
        "/en/companies/?format=csv",
        "/en/companies/?format=json",
    ]

    for url in pages:
        assert "internal.example.org" not in _body(client.get(url)), url
    m.Organisation.objects.filter(pk=company.pk).update(visibility=m.Visibility.PUBLIC)
    for url in pages:
        assert "internal.example.org" in _body(client.get(url)), url


@pytest.mark.parametrize("parent", ["delegation", "memorandum", "meeting"])
def test_a_published_photo_of_an_internal_record_is_not_served_to_the_public(client, parent):
    record = {
        "delegation": f.DelegationFactory,
        "memorandum": f.MemorandumFactory,
        "meeting": f.MeetingFactory,
    }[parent](visibility=INTERNAL)
    photo = f.PhotoFactory(**{"delegation": None, parent: record})
    url = reverse("files:photo", args=[photo.pk])

    assert client.get(url).status_code == 404
    assert photo not in m.Photo.objects.published()
    # Staff still see it, and the public once the record is published.
    assert client_for(user_with_role(TRADE_OFFICERS)).get(url).status_code == 200
    type(record).objects.filter(pk=record.pk).update(visibility=m.Visibility.PUBLIC)
    assert client.get(url).status_code == 200


def test_a_photo_of_a_published_meeting_on_an_internal_trip_is_not_served_to_the_public(client):
    trip = f.DelegationFactory(visibility=INTERNAL)
    photo = f.PhotoFactory(delegation=None, meeting=f.MeetingFactory(delegation=trip))
    url = reverse("files:photo", args=[photo.pk])

    assert client.get(url).status_code == 404
    m.Delegation.objects.filter(pk=trip.pk).update(visibility=m.Visibility.PUBLIC)
    assert client.get(url).status_code == 200


def _shortcut(record):
    content_type = ContentType.objects.get_for_model(record)
    return f"/admin/r/{content_type.pk}/{record.pk}/"


def test_view_on_site_does_not_reveal_the_slug_of_an_internal_record():
    internal = f.DelegationFactory(title="Secret trip to Hefei", visibility=INTERNAL)

    # Staff who may not see delegations learn nothing, not even that it exists.
    response = client_for(user_with_role(None)).get(_shortcut(internal))
    assert response.status_code == 404
    assert internal.slug not in response.get("Location", "")
    # Those who may see it get no link to a public page that does not exist.
    officer = client_for(user_with_role(TRADE_OFFICERS))
    assert officer.get(_shortcut(internal)).status_code == 404
    page = officer.get(reverse("admin:partners_delegation_change", args=[internal.pk]))
    assert "viewsitelink" not in page.content.decode()


def test_view_on_site_leads_to_a_published_record_only_for_those_who_may_view_it():
    published = f.DelegationFactory(title="Trip to Nanjing")

    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.get(_shortcut(published))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/delegations/{published.slug}/")
    page = officer.get(reverse("admin:partners_delegation_change", args=[published.pk]))
    assert f"/delegations/{published.slug}/" in page.content.decode()

    no_rights = client_for(user_with_role(None))
    assert no_rights.get(_shortcut(published)).status_code == 404
    assert client_for(None).get(_shortcut(published)).status_code == 302  # to the login


def test_calendar_uids_carry_no_database_ids(client):
    titles = ["Trip to Nanjing", "Trip to Jining", "Trip to Hefei"]
    delegations = [f.DelegationFactory(title=title) for title in titles]

    calendar = icalendar.Calendar.from_ical(client.get("/en/feeds/delegations.ics").content)
    uids = {str(event["uid"]) for event in calendar.walk("VEVENT")}

    assert len(uids) == 3
    assert not any(re.search(r"\d", uid.split("@")[0]) for uid in uids), uids
    assert {uid.split("@")[0] for uid in uids} == {f"delegation-{d.slug}" for d in delegations}


def test_a_published_persons_withdrawn_consent_takes_the_name_off_the_public_site(client):
    # The officer records it; waiting for someone who may publish would keep it public.
    person = f.PersonFactory(
        full_name="Lena Vogt",
        lawful_basis=m.Person.LawfulBasis.CONSENT,
        consent_given_on=datetime.date(2020, 1, 1),
    )
    officer = client_for(user_with_role(TRADE_OFFICERS))
    url = reverse("admin:partners_person_change", args=[person.pk])
    data = {**change_form_data(officer, url), "lawful_basis": "legitimate_interest"}
    response = officer.post(url, data, follow=True)
    assert "Lena Vogt is no longer shown on the public site" in response.content.decode()
    person.refresh_from_db()
    assert person.lawful_basis == "legitimate_interest" and not person.is_published


def test_a_register_number_is_one_with_or_without_spaces_as_the_import_reads_it():
    f.CompanyFactory(register_number="HRB 4242")
    for typed in ("HRB4242", "hrb 4242"):
        twin = f.CompanyFactory.build(register_number=typed, city=f.HomeCityFactory())
        with pytest.raises(ValidationError) as refused:
            twin.full_clean()
        assert "register_number" in refused.value.message_dict, typed
    f.CompanyFactory.build(register_number="HRB 42420", city=f.HomeCityFactory()).full_clean()
