"""German shown for a missing translation is marked as German where no <span> can go:
a feed title (xml:lang; a summary is HTML: lang on its text) and a photo's alternative
text (lang on the image)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from partners import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _entries(client, language):
    feed = ET.fromstring(client.get(f"/{language}/feeds/delegations.atom").content)
    return feed, {e.findtext(f"{ATOM}title"): e for e in feed.iter(f"{ATOM}entry")}


def test_a_feed_title_without_a_translation_is_marked_german_not_its_entry(client):
    f.DelegationFactory(title_de="Besuch in Jining", title_en=None, visibility=m.Visibility.PUBLIC)
    f.DelegationFactory(
        title_de="Reise nach Nanjing", title_en="Trip to Nanjing", visibility=m.Visibility.PUBLIC
    )
    feed, entries = _entries(client, "en")
    assert feed.get(XML_LANG) == "en"
    # The entry stays in the feed's language; only its German title says it is German.
    assert {name: e.get(XML_LANG) for name, e in entries.items()} == {
        "Besuch in Jining": None,
        "Trip to Nanjing": None,
    }
    titles = {name: e.find(f"{ATOM}title").get(XML_LANG) for name, e in entries.items()}
    assert titles == {"Besuch in Jining": "de", "Trip to Nanjing": None}
    _feed, german = _entries(client, "de")
    assert {e.find(f"{ATOM}title").get(XML_LANG) for e in german.values()} == {None}


def test_a_feed_summary_without_a_translation_marks_only_its_german_text(client):
    f.DelegationFactory(
        title_de="Besuch in Jining",
        title_en="Visit to Jining",
        summary_de="Gespräche über Logistik.",
        summary_en=None,
        start_date=datetime.date(2019, 6, 25),
        end_date=datetime.date(2019, 6, 30),
        visibility=m.Visibility.PUBLIC,
    )
    _feed, entries = _entries(client, "en")
    entry = entries["Visit to Jining"]
    assert entry.get(XML_LANG) is None and entry.find(f"{ATOM}title").get(XML_LANG) is None
    # The summary's dates are in English; its text, German for want of a translation.
    summary = entry.findtext(f"{ATOM}summary")
    assert "<p>25–30 June 2019</p>" in summary
    assert '<div lang="de"><p>Gespräche über Logistik.</p></div>' in summary
    _feed, german = _entries(client, "de")
    assert 'lang="de"' not in german["Besuch in Jining"].findtext(f"{ATOM}summary")


def test_a_photo_caption_shown_in_german_marks_its_alternative_text(client):
    trip = f.DelegationFactory(visibility=m.Visibility.PUBLIC)
    f.PhotoFactory(delegation=trip, caption_de="Unterzeichnung in Jining", caption_en=None)
    f.PhotoFactory(delegation=trip, caption_de="Hafen", caption_en="The port")
    page = client.get(f"/en/delegations/{trip.slug}/").content.decode()
    images = dict(re.findall(r'<img [^>]*alt="([^"]*)"([^>]*)>', page))
    assert 'lang="de"' in images["Unterzeichnung in Jining"]
    assert "lang=" not in images["The port"]
