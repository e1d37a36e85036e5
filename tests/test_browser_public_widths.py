"""Phones: no public page scrolls sideways at 320 or 390 px, long German compounds and
filter selects included; the calendar page in a browser, on screen and in print."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from partners import models as m
from tests import factories as f
from tests.world2019 import build_world_2019

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOUND = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"


def public_paths():
    """Every kind of public page, in each language."""
    delegation = m.Delegation.objects.published().get(slug="ost-china-2019")
    pages = [
        ("partners:home", {}),
        ("partners:delegations", {}),
        ("partners:memoranda", {}),
        ("partners:companies", {}),
        ("partners:calendar", {}),
        ("partners:city", {"slug": "nanjing"}),
        ("partners:delegation", {"slug": delegation.slug}),
        ("partners:memorandum", {"slug": m.Memorandum.objects.published().first().slug}),
        ("partners:company", {"slug": m.CompanyProfile.objects.published().first().slug}),
        ("partners:delegation", {"slug": "compound"}),
        ("partners:delegation-register", {"slug": "compound"}),
        ("partners:success-stories", {}),
    ]
    paths = []
    for language in ("de", "en", "zh-hans"):
        with translation.override(language):
            paths += [reverse(name, kwargs=kwargs) for name, kwargs in pages]
    return paths


@pytest.fixture
def site(live_server):
    build_world_2019()
    f.DelegationFactory(
        title=f"{COMPOUND} Delegationsreise",
        slug="compound",
        summary=f"{COMPOUND} " * 3,
        purpose=COMPOUND,
        status=m.Delegation.Status.PLANNED,
        start_date=datetime.date.today() + datetime.timedelta(days=60),
        end_date=None,
        registration_open=True,
        registration_closes_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    city = f.CityFactory(name=f"{COMPOUND}stadt")
    profile = f.CompanyProfileFactory(organisation__name=f"{COMPOUND} GmbH")
    profile.target_cities.add(city)
    return live_server.url


@pytest.mark.parametrize("width", [320, 390])
def test_no_public_page_scrolls_sideways(site, page, width, artifacts_dir):
    page.set_viewport_size({"width": width, "height": 800})
    too_wide = []
    for path in public_paths():
        assert page.goto(f"{site}{path}").status == 200, path
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            too_wide.append((path, scroll))
            name = path.strip("/").replace("/", "-") or "root"
            page.screenshot(path=artifacts_dir / f"too-wide-{width}-{name}.png", full_page=True)
    assert too_wide == [], f"wider than {width} px"


def test_the_calendar_page_navigates_by_year_and_prints_without_navigation(
    site, page, artifacts_dir
):
    f.DelegationFactory(
        title="Next trip",
        start_date=datetime.date.today() + datetime.timedelta(days=30),
        end_date=None,
    )
    page.goto(f"{site}/en/calendar/?year=2019")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar 2019")
    expect(page.locator("main")).to_contain_text("June 2019")
    page.get_by_role("link", name="Previous year: 2018").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar 2018")
    expect(page.locator(".calendar-month h3").first).to_have_text("2018")
    page.emulate_media(media="print")
    expect(page.locator(".year-nav")).to_be_hidden()
    page.screenshot(path=artifacts_dir / "calendar-print.png", full_page=True)
