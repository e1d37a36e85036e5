"""Atom and iCalendar feeds of published delegations, /sitemap.xml and /robots.txt."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest

from partners import models as m
from tests import factories as f
from tests.world2019 import build_world_2019

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def world():
    return build_world_2019()


def test_atom_feed_lists_published_delegation_reports(client, world):
    response = client.get("/en/feeds/delegations.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.findtext(f"{ATOM}title") for e in entries) == sorted(
        [world.trip.title, world.visit_2018.title]
    )
    trip = next(e for e in entries if e.findtext(f"{ATOM}title") == world.trip.title)
    assert (
        trip.find(f"{ATOM}link").get("href") == "http://testserver/en/delegations/ost-china-2019/"
    )
    assert "25–30 June 2019" in trip.findtext(f"{ATOM}summary")


def test_ics_feed_is_a_valid_calendar_with_one_all_day_event_per_delegation(client, world):
    f.DelegationFactory(title="Undated plan", start_date=None, end_date=None, status="planned")
    response = client.get("/de/feeds/delegations.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {world.trip.title, world.visit_2018.title}
    trip = events[world.trip.title]
    assert trip.decoded("DTSTART") == datetime.date(2019, 6, 25)
    assert trip["DTSTART"].params["VALUE"] == "DATE"
    # DTEND is exclusive: the last day of the trip is 30 June.
    assert trip.decoded("DTEND") == datetime.date(2019, 7, 1)
    assert isinstance(trip.decoded("DTSTAMP"), datetime.datetime)
    assert len({str(e["UID"]) for e in events.values()}) == 2
    assert str(trip["URL"]) == "http://testserver/de/delegations/ost-china-2019/"


def test_sitemap_lists_every_public_page_in_both_languages_with_alternates(client, world):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    locations = {u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")}
    for path in [
        "/",
        "/delegations/",
        "/memoranda/",
        "/companies/",
        "/cities/nanjing/",
        "/cities/leipzig/",
        "/delegations/ost-china-2019/",
        "/memoranda/mou-nanjing-2019/",
        f"/companies/{world.published_profiles[0].slug}/",
    ]:
        for language in ("de", "en"):
            assert f"http://testserver/{language}{path}" in locations
    hidden = m.CompanyProfile.objects.exclude(visibility="public").first()
    assert not any(hidden.slug in location for location in locations)
    first = root.find(f"{SITEMAP}url")
    languages = {link.get("hreflang") for link in first.findall(f"{XHTML}link")}
    assert languages == {"de", "en", "x-default"}


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
