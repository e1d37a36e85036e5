"""Atom and iCalendar feeds of published delegations, /sitemap.xml (an index of sitemap
pages) and /robots.txt."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest

from partners import models as m
from partners.public import feeds
from partners.public.sitemaps import PublishedSitemap
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


def test_atom_summaries_are_text_not_markup(client):
    f.DelegationFactory(summary='Tom & Jerry <img src=x onerror="alert(1)"> <a href="x">')

    feed = ET.fromstring(client.get("/en/feeds/delegations.atom").content)

    # The summary is HTML (type="html"): what a reader renders, after the XML is parsed.
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<img" not in summary.text and "<a " not in summary.text
    assert "Tom &amp; Jerry &lt;img src=x" in summary.text


def test_ics_feed_is_a_valid_calendar_with_one_all_day_event_per_delegation(client, world):
    f.DelegationFactory(title="Undated plan", start_date=None, end_date=None, status="planned")
    response = client.get("/de/feeds/delegations.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    # Known only to the year: the precision is in the title (tests/test_calendar.py).
    assert set(events) == {world.trip.title, f"{world.visit_2018.title} (2018)"}
    trip = events[world.trip.title]
    assert trip.decoded("DTSTART") == datetime.date(2019, 6, 25)
    assert trip["DTSTART"].params["VALUE"] == "DATE"
    # DTEND is exclusive: the last day of the trip is 30 June.
    assert trip.decoded("DTEND") == datetime.date(2019, 7, 1)
    assert isinstance(trip.decoded("DTSTAMP"), datetime.datetime)
    assert len({str(e["UID"]) for e in events.values()}) == 2
    assert str(trip["UID"]) == "delegation-ost-china-2019@testserver"
    assert str(trip["URL"]) == "http://testserver/de/delegations/ost-china-2019/"


@pytest.mark.parametrize(("prop", "field"), [("SUMMARY", "title"), ("DESCRIPTION", "summary")])
def test_an_event_title_and_description_name_their_language(client, db, prop, field):
    f.DelegationFactory(**{f"{field}_de": "Reise nach Nanjing", f"{field}_en": ""})
    f.DelegationFactory(**{f"{field}_de": "Reise nach Jining", f"{field}_en": "Trip to Jining"})
    calendar = icalendar.Calendar.from_ical(client.get("/en/feeds/delegations.ics").content)
    languages = {str(e[prop]): e[prop].params["LANGUAGE"] for e in calendar.walk("VEVENT")}
    assert languages == {"Reise nach Nanjing": "de", "Trip to Jining": "en"}


def test_a_stored_date_the_forms_refuse_does_not_break_the_calendar(client, db):
    # Forms take 1900 to 2100; an older row or a database edit may hold more.
    f.DelegationFactory(
        title="Forever", start_date=datetime.date(1, 1, 1), end_date=datetime.date(9999, 12, 31)
    )
    response = client.get("/en/feeds/delegations.ics")
    assert response.status_code == 200
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTEND") == datetime.date(9999, 12, 31)


def test_a_stored_control_character_the_forms_refuse_does_not_break_the_feeds(client, db):
    # Word's line break (a vertical tab), saved before the forms refused it.
    f.DelegationFactory(title="Reise\x0bnach Nanjing", summary="Erster Tag\x0bzweiter Tag")

    atom = client.get("/de/feeds/delegations.atom")
    ics = client.get("/de/feeds/delegations.ics")

    assert atom.status_code == 200
    assert ET.fromstring(atom.content).findtext(f"{ATOM}entry/{ATOM}title") == "Reise nach Nanjing"
    assert b"\x0b" not in atom.content and b"\x0b" not in ics.content
    [event] = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Reise nach Nanjing"
    assert str(event["DESCRIPTION"]) == "Erster Tag zweiter Tag"


def sitemap_pages(client):
    """The parsed sitemap pages that /sitemap.xml (an index) points to."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = []
    for location in index.findall(f"{SITEMAP}sitemap/{SITEMAP}loc"):
        response = client.get(location.text.removeprefix("http://testserver"))
        assert response.status_code == 200, location.text
        pages.append(ET.fromstring(response.content))
    return pages


def test_ics_feed_carries_only_the_latest_trips(client, monkeypatch, db):
    monkeypatch.setattr(feeds, "CALENDAR_SIZE", 2)
    for year in (2017, 2019, 2018):
        f.DelegationFactory(title=f"Trip {year}", start_date=datetime.date(year, 5, 1))
    calendar = icalendar.Calendar.from_ical(client.get("/en/feeds/delegations.ics").content)
    titles = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert titles == ["Trip 2018", "Trip 2019"]


def test_sitemap_lists_every_public_page_in_both_languages_with_alternates(client, world):
    entries = [url for page in sitemap_pages(client) for url in page.findall(f"{SITEMAP}url")]
    locations = {u.findtext(f"{SITEMAP}loc") for u in entries}
    for path in [
        "/",
        "/delegations/",
        "/memoranda/",
        "/companies/",
        "/calendar/",
        "/success-stories/",
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
    first = entries[0]
    languages = {link.get("hreflang") for link in first.findall(f"{XHTML}link")}
    assert languages == {"de", "en", "zh-hans", "x-default"}


def test_sitemap_splits_a_long_section_into_pages(client, monkeypatch, db):
    # Six URLs a page: two companies in three languages.
    monkeypatch.setattr(PublishedSitemap, "limit", 6)
    profiles = [f.CompanyProfileFactory(visibility="public", consent_to_share=True) for _ in "abc"]
    index = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/sitemap-companies.xml?p=2</loc>" in index
    assert "sitemap-companies.xml?p=3" not in index
    second_page = client.get("/sitemap-companies.xml", {"p": 2}).content.decode()
    assert f"/companies/{profiles[2].slug}/" in second_page
    assert f"/companies/{profiles[0].slug}/" not in second_page


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_favicon_ico_leads_to_the_sites_icon(client, db):
    # What a browser asks for when it shows a PDF or a feed, which name no icon themselves.
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain[0][1] == 301
    assert b"<svg" in b"".join(response.streaming_content)
