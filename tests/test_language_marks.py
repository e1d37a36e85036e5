"""German shown for a missing translation is marked as German where no <span> can go:
a feed entry (xml:lang) and a photo's alternative text (lang on the image)."""

import re
import xml.etree.ElementTree as ET

import pytest

from partners import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_a_feed_entry_without_a_translation_is_marked_german(client):
    f.DelegationFactory(title_de="Besuch in Jining", title_en=None, visibility=m.Visibility.PUBLIC)
    f.DelegationFactory(
        title_de="Reise nach Nanjing", title_en="Trip to Nanjing", visibility=m.Visibility.PUBLIC
    )
    feed = ET.fromstring(client.get("/en/feeds/delegations.atom").content)
    languages = {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in feed.iter(f"{ATOM}entry")}
    assert languages == {"Besuch in Jining": "de", "Trip to Nanjing": None}
    german = ET.fromstring(client.get("/de/feeds/delegations.atom").content)
    assert {e.get(XML_LANG) for e in german.iter(f"{ATOM}entry")} == {None}


def test_a_photo_caption_shown_in_german_marks_its_alternative_text(client):
    trip = f.DelegationFactory(visibility=m.Visibility.PUBLIC)
    f.PhotoFactory(delegation=trip, caption_de="Unterzeichnung in Jining", caption_en=None)
    f.PhotoFactory(delegation=trip, caption_de="Hafen", caption_en="The port")
    page = client.get(f"/en/delegations/{trip.slug}/").content.decode()
    images = dict(re.findall(r'<img [^>]*alt="([^"]*)"([^>]*)>', page))
    assert 'lang="de"' in images["Unterzeichnung in Jining"]
    assert "lang=" not in images["The port"]
