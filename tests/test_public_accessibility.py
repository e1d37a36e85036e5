"""Every public page has landmarks, one h1, headings without gaps, alt texts and labels."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from partners import models as m
from tests import factories as f
from tests.world2019 import build_world_2019

pytestmark = [pytest.mark.django_db, pytest.mark.wording]


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


class Form(HTMLParser):
    """Each form control's attributes, every element id, the summary's links."""

    def __init__(self):
        super().__init__()
        self.controls, self.fieldsets, self.ids, self.summary_links = {}, {}, set(), []
        self.title, self._in_title, self._in_summary = "", False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden",):
            self.controls[attrs["name"]] = attrs
        if tag == "fieldset":
            self.fieldsets[len(self.fieldsets)] = attrs
        if "error-summary" in attrs.get("class", ""):
            self._in_summary = True
        if tag == "a" and self._in_summary:
            self.summary_links.append(attrs["href"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False
        if tag == "div":
            self._in_summary = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture
def open_trip(db):
    from django.core.cache import cache

    cache.clear()  # the form's rate limit
    trip = f.DelegationFactory(
        title_de="Unternehmerreise 2027",
        title_en=None,
        status=m.Delegation.Status.PLANNED,
        start_date=datetime.date(2027, 5, 10),
        end_date=datetime.date(2027, 5, 16),
        registration_open=True,
    )
    f.DelegationStopFactory(delegation=trip)
    return trip


def test_every_field_with_an_error_is_invalid_and_described_by_its_message(client, open_trip):
    response = client.post(
        f"/en/delegations/{open_trip.slug}/register/",
        {"contact_email": "not-an-address", "interests": ["no-such-interest"]},
    )
    form = Form()
    form.feed(response.text)
    invalid = {name for name, attrs in form.controls.items() if attrs.get("aria-invalid")}
    assert {"company", "contact_name", "contact_email", "consent_registration"} <= invalid
    for name in invalid - {"interests"}:
        described = form.controls[name]["aria-describedby"].split()
        assert f"id_{name}_error" in described, name
    # A group of boxes is described as a whole, by the legend's fieldset.
    assert {"aria-describedby": "id_interests_error"}.items() <= form.fieldsets[0].items()
    # Every id a control is described by is on the page (the help text's too).
    for name, attrs in form.controls.items():
        assert set(attrs.get("aria-describedby", "").split()) <= form.ids, name


def test_a_form_with_errors_says_so_in_its_title_and_links_each_error_to_its_field(
    client, open_trip
):
    response = client.post(f"/en/delegations/{open_trip.slug}/register/", {"homepage": ""})
    form = Form()
    form.feed(response.text)
    assert form.title.startswith("Error:")
    assert "#id_company" in form.summary_links
    assert all(link[1:] in form.ids for link in form.summary_links)
    assert response.text.count('role="alert"') == 1  # one summary, not one alert per field
    first = Form()
    first.feed(client.get(f"/en/delegations/{open_trip.slug}/register/").text)
    assert not first.title.startswith("Error:") and not first.summary_links


def test_the_registration_pages_mark_a_trip_title_shown_in_german(client, open_trip):
    page = client.get(f"/en/delegations/{open_trip.slug}/register/").text
    assert '<span lang="de">Unternehmerreise 2027</span>' in page
    open_trip.registration_open = False
    open_trip.save()
    page = client.get(f"/en/delegations/{open_trip.slug}/register/").text
    assert '<h1><span lang="de">Unternehmerreise 2027</span></h1>' in page


def test_a_name_written_in_chinese_is_offered_as_chinese_in_the_filters(client):
    city = f.CityFactory(name_de="苏州", name_en=None, slug="suzhou")
    f.DelegationStopFactory(city=city)
    english = client.get("/en/delegations/").text
    german = client.get("/de/delegations/").text
    chinese = client.get("/zh-hans/delegations/").text
    assert '<option value="suzhou" lang="zh">苏州</option>' in english
    assert '<option value="suzhou" lang="zh">苏州</option>' in german
    assert '<option value="suzhou">苏州</option>' in chinese


class MapLinks(HTMLParser):
    """The text a screen reader names each map link by: all of it but aria-hidden parts."""

    def __init__(self):
        super().__init__()
        self.names, self._hidden, self._in_link = [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "city" in attrs.get("class", "").split():
            self._in_link = True
            self.names.append("")
        if self._hidden or attrs.get("aria-hidden") == "true":
            self._hidden += 1

    def handle_endtag(self, tag):
        if self._hidden:
            self._hidden -= 1
        if tag == "a":
            self._in_link = False

    def handle_data(self, data):
        if self._in_link and not self._hidden and data.strip():
            self.names[-1] = f"{self.names[-1]} {data.strip()}".strip()


def test_a_city_on_the_map_is_named_once(client):
    build_world_2019()
    links = MapLinks()
    links.feed(client.get("/en/").text)
    assert "Nanjing" in links.names
    assert all(len(name.split()) == 1 for name in links.names), links.names


def test_the_filters_reset_link_says_what_it_resets(client):
    page = client.get("/en/delegations/").text
    assert '<a href="?">Reset filters</a>' in page


def test_the_registration_form_marks_its_required_fields_for_the_eye(client, open_trip):
    page = client.get(f"/en/delegations/{open_trip.slug}/register/").text
    assert "Fields marked * are required." in page
    for name in ("company", "contact_name", "contact_email", "consent_registration"):
        assert f'<label for="id_{name}" class="required">' in page, name
    assert '<label for="id_website">' in page  # optional: unmarked
