"""The report and the delegation workbench in a real browser: they fit the screen, and
the report prints on A4 (the summary landscape) with every column and no navigation."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from . import reconcile_world
from .backoffice import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def _log_in(page, live_server, username, url):
    page.goto(f"{live_server.url}{url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")


def _widths(page) -> tuple[int, int]:
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def test_the_report_fits_1280_pixels_and_prints_on_a4(live_server, page, artifacts_dir):
    reconcile_world.build()
    for number in range(12):  # many partner cities with long names: a tall, wide summary
        city = f.CityFactory(name=f"Partnerstadt mit langem Namen {number}")
        f.PartnershipFactory(home_city=f.HomeCityFactory(), partner_city=city)
    user_with_role(MANAGERS, username="manager", is_staff=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    _log_in(page, live_server, "manager", f"/reports/?year={reconcile_world.B}")

    expect(page.locator("#summary tbody tr")).to_have_count(14)
    page.screenshot(path=artifacts_dir / "report-1280.png", full_page=True)
    scroll_width, client_width = _widths(page)
    assert scroll_width <= client_width == 1280
    assert page.locator("#nav-sidebar").is_visible()
    assert page.locator(".breadcrumbs").is_visible()

    page.emulate_media(media="print")
    assert not page.locator("#nav-sidebar").is_visible()
    assert not page.locator("form.report-filter").is_visible()
    assert not page.locator("#header").is_visible()
    assert page.locator("#report-filter-summary").is_visible()
    # Every column on paper: on the width of A4 landscape inside its margins (277 mm),
    # no table is wider than its box.
    page.set_viewport_size({"width": 1047, "height": 740})
    page.screenshot(path=artifacts_dir / "report-print-a4-landscape.png", full_page=True)
    overflow = page.evaluate(
        "[...document.querySelectorAll('.report-scroll')]"
        ".map(box => box.querySelector('table').scrollWidth - box.clientWidth)"
    )
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    first = pdf.pages[0].mediabox
    assert round(float(first.width)) == 842 and round(float(first.height)) == 595  # landscape
    for sheet in pdf.pages:  # A4 (Chromium may keep the first page's orientation)
        assert sorted(round(float(side)) for side in sheet.mediabox[2:]) == [595, 842]
    text = " ".join(pdf.pages[0].extract_text().split())
    # The filter is stated, and the total row has every column (20 figures) on paper.
    assert f"Period: 1 January – 31 December {reconcile_world.B}" in text
    total = " ".join(str(n) for n in [1, 0, 1, 0, 1, 2, 1, 0, 1, 1, 6, 2, 2, 1, 2, 2, 1, 2, 1, 1])
    assert f"Total (each record once) {total}" in text
    assert max(overflow) <= 0, overflow


def test_the_delegation_workbench_fits_1366_pixels(live_server, page, artifacts_dir):
    trip = reconcile_world.build()["visit"]
    user_with_role(TRADE_OFFICERS, username="officer", is_staff=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    _log_in(page, live_server, "officer", f"/admin/partners/delegation/{trip.pk}/change/")

    for group in ("stops", "members", "meetings", "handovers"):
        assert page.locator(f"#{group}-group").is_visible()
    page.screenshot(path=artifacts_dir / "delegation-workbench-1366.png", full_page=True)
    scroll_width, client_width = _widths(page)
    assert scroll_width <= client_width == 1366
