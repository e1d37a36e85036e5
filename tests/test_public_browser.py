"""The public site in a real browser: from the map to the 2019 report, in both languages."""

import re

import pytest
from playwright.sync_api import expect

from tests.world2019 import build_world_2019

# The flush after a live-server test empties every table; partners' post_migrate handler
# writes the reference data (sectors, interests, roles) back.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, page):
    build_world_2019()
    csp_errors = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_errors.append(message),
    )
    page.on("requestfailed", lambda request: csp_errors.append(request.url))
    yield live_server.url, csp_errors
    assert csp_errors == []


def test_from_the_map_to_the_2019_report_and_the_register(site, page, artifacts_dir):
    base, _ = site
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/en/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leipzig's partner cities")
    page.screenshot(path=artifacts_dir / "public-home.png", full_page=True)

    page.locator("svg.worldmap a", has_text="Nanjing").click()
    expect(page).to_have_url(re.compile(r"/en/cities/nanjing/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nanjing")
    page.screenshot(path=artifacts_dir / "public-nanjing.png", full_page=True)

    page.get_by_role("link", name="Invest Region Leipzig wirbt in Ost-China").click()
    expect(page.locator(".facts")).to_contain_text("25–30 June 2019")
    expect(page.locator(".profile-count")).to_have_text("11 company profiles were handed over.")
    photo = page.get_by_role("img", name="MoU Unterzeichnung in Jining, China")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=artifacts_dir / "public-report-en.png", full_page=True)

    page.get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(re.compile(r"/de/delegations/ost-china-2019/$"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".facts")).to_contain_text("25.–30. Juni 2019")
    page.screenshot(path=artifacts_dir / "public-report-de.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=artifacts_dir / "public-report-print.png", full_page=True)
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Verzeichnis der Vereinbarungen").click()
    page.get_by_label("Jahr").select_option("2019")
    page.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(re.compile(r"year=2019"))
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("2019")
    page.screenshot(path=artifacts_dir / "public-register-2019.png", full_page=True)


def test_the_site_is_usable_with_the_keyboard_on_a_phone(site, page, artifacts_dir):
    base, _ = site
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}/de/delegations/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    # Tab through the filter form to the first delegation link and open it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if (
            page.evaluate("document.activeElement.textContent")
            == "Besuch des Oberbürgermeisters von Jining in Leipzig"
        ):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Besuch des Oberbürgermeisters von Jining in Leipzig"
    )
    expect(page.locator(".facts")).to_contain_text("2018")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390
    page.screenshot(path=artifacts_dir / "public-report-phone.png", full_page=True)


# The size a label is drawn at, in CSS px: its font size in map units times the map's scale.
RENDERED_FONT_SIZES = """svg => [...svg.querySelectorAll('text')]
    .filter(text => text.getBoundingClientRect().width > 0)
    .map(text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""


def test_the_maps_labels_are_readable_on_a_phone(site, page, artifacts_dir):
    base, _ = site
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/de/")

    worldmap = page.locator("svg.worldmap")
    worldmap.screenshot(path=artifacts_dir / "public-map-phone.png")
    sizes = worldmap.evaluate(RENDERED_FONT_SIZES)
    assert sizes and min(sizes) >= 12, sizes
    page.set_viewport_size({"width": 1366, "height": 900})
    assert min(worldmap.evaluate(RENDERED_FONT_SIZES)) >= 12  # the wide layout's labels
