"""Every public page has landmarks, one h1, headings without gaps, alt texts and labels."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from tests.world2019 import build_world_2019

pytestmark = pytest.mark.django_db


class Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.headings, self.images, self.fields, self.labels = [], [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(attrs.get("alt"))
        if tag in ("select", "input", "textarea") and attrs.get("type") != "hidden":
            self.fields.append(attrs.get("id"))
        if tag == "label":
            self.labels.add(attrs.get("for"))


def page_urls(world):
    pages = [
        ("home", {}),
        ("city", {"slug": "nanjing"}),
        ("delegations", {}),
        ("delegation", {"slug": "ost-china-2019"}),
        ("memoranda", {}),
        ("memorandum", {"slug": "mou-nanjing-2019"}),
        ("companies", {}),
        ("company", {"slug": world.published_profiles[0].slug}),
    ]
    with translation.override("en"):
        return [reverse(f"partners:{name}", kwargs=kwargs) for name, kwargs in pages]


def test_every_public_page_is_structured_for_assistive_technology(client):
    world = build_world_2019()
    for url in page_urls(world):
        page = Structure()
        page.feed(client.get(url).content.decode())
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in page.tags, (url, landmark)
        assert page.headings.count(1) == 1, url
        assert page.headings[0] == 1, url
        steps = zip(page.headings, page.headings[1:], strict=False)
        assert all(b <= a + 1 for a, b in steps), (url, page.headings)
        assert all(alt for alt in page.images), url
        assert all(field in page.labels for field in page.fields), (url, page.fields)
