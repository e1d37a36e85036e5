"""Page heads: a canonical link, OpenGraph and Twitter cards, a meta description that is
never empty, a favicon served from static, and x-default as in the sitemap."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation

from partners import models as m
from tests import factories as f
from tests.test_public_publication import public_urls
from tests.world2019 import build_world_2019

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)


def head(client, url) -> Head:
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = Head()
    parsed.feed(response.content.decode())
    return parsed


def html_pages(world):
    return [u for u in public_urls(world) if "/feeds/" not in u and not u.endswith(".xml")]


@pytest.fixture
def world():
    w = build_world_2019()
    # A city without any description: its page still has one.
    f.CityFactory(name="Dresden", slug="dresden", description="")
    return w


def test_every_page_has_canonical_og_twitter_a_description_and_a_favicon(client, world):
    for url in html_pages(world) + ["/de/cities/dresden/", "/de/calendar/"]:
        if url.endswith(".txt"):
            continue
        page = head(client, url)
        assert page.meta["description"].strip(), url
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [f"http://testserver{url.split('?')[0]}"], url
        assert page.meta["og:url"] == canonical[0]
        assert page.meta["og:title"] and page.meta["og:description"], url
        assert page.meta["twitter:card"] in ("summary", "summary_large_image")
        [icon] = [link for link in page.links if link.get("rel") == "icon"]
        assert finders.find(icon["href"].removeprefix("/static/"))


@pytest.mark.parametrize(
    ("language", "locale"), [("de", "de_DE"), ("en", "en_GB"), ("zh-hans", "zh_CN")]
)
def test_og_locale_names_language_and_territory(client, world, language, locale):
    assert head(client, f"/{language}/").meta["og:locale"] == locale


def test_a_trip_shares_its_public_photo_and_never_an_internal_one(client, world):
    with translation.override("en"):
        url = world.trip.get_absolute_url()
    page = head(client, url)
    photo = m.Photo.objects.published().filter(delegation=world.trip).first()
    if photo is None:
        photo = f.PhotoFactory(delegation=world.trip, caption="Signing in Jining")
        page = head(client, url)
    assert page.meta["og:image"] == f"http://testserver{photo.get_file_url()}"
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["og:image:alt"] == page.meta["twitter:image:alt"] == photo.caption
    m.Photo.objects.filter(delegation=world.trip).update(visibility="internal")
    page = head(client, url)
    assert "og:image" not in page.meta
    assert page.meta["twitter:card"] == "summary"


def test_x_default_is_the_same_in_the_page_and_the_sitemap(client, world):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    in_sitemap = {}
    for location in index.iter(f"{SITEMAP}loc"):
        section = ET.fromstring(client.get(location.text.removeprefix("http://testserver")).content)
        for entry in section.iter(f"{SITEMAP}url"):
            for link in entry.iter(f"{XHTML}link"):
                if link.get("hreflang") == "x-default":
                    in_sitemap[entry.findtext(f"{SITEMAP}loc")] = link.get("href")
    assert in_sitemap
    for url, x_default in in_sitemap.items():
        page = head(client, url.removeprefix("http://testserver"))
        [in_page] = [link["href"] for link in page.links if link.get("hreflang") == "x-default"]
        assert in_page == x_default, url
        # And it is a page, not a 404 (Django's own x-default drops the language prefix).
        assert client.get(x_default.removeprefix("http://testserver")).status_code == 200


def test_a_long_summary_is_cut_for_search_results_in_chinese_too(client, world):
    # "truncatewords" counts spaces, and Chinese has none: the whole summary was the
    # description. German is cut after a word.
    chinese, german = "南京代表团访问莱比锡，参观了企业并签署了合作意向书。" * 20, "Wort " * 100
    trip = f.DelegationFactory(
        title="Lange Reise", slug="lange-reise", summary_de=german, summary_zh_hans=chinese
    )
    for language, text in (("zh-hans", chinese), ("de", german)):
        page = head(client, f"/{language}/delegations/{trip.slug}/")
        for key in ("description", "og:description"):
            shown = page.meta[key]
            assert 80 < len(shown) <= 160 and shown.endswith("…"), (language, key, shown)
            assert text.startswith(shown.removesuffix("…").rstrip()), (language, key)
