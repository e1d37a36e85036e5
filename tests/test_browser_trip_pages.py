"""The trip's own back-office pages in a real browser: after the trip, the schedule, a
slot's history and the import page on a phone, the agenda page as the schedule links it
(the CSP allows no inline style without its nonce)."""

import datetime

import pytest

from partners.roles import ADMINISTRATORS, TRADE_OFFICERS

from . import factories as f
from .backoffice import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def scheduled():
    trip = f.DelegationFactory(status="completed", title="Reise nach Nanjing")
    nanjing = f.CityFactory(name="Nanjing")
    slot = f.MeetingSlotFactory(
        delegation=trip,
        stop__city=nanjing,
        starts_at=datetime.datetime(2027, 5, 10, 8, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 5, 10, 8, 45, tzinfo=datetime.UTC),
    )
    registration = f.TripRegistrationFactory(
        delegation=trip, organisation__name="Beispiel Fahrzeugkomponenten und Präzisionsteile GmbH"
    )
    return f.MeetingRequestFactory(
        registration=registration,
        counterpart=f.OrganisationFactory(name="Städtische Wirtschaftsförderung", city=nanjing),
        slot=slot,
        table=1,
        status="scheduled",
    )


def _officer_page(browser, live_server, width, role=TRADE_OFFICERS, locale="en", timezone_id=None):
    user_with_role(role, username="officer", is_staff=True)
    context = browser.new_context(
        viewport={"width": width, "height": 844}, locale=locale, timezone_id=timezone_id
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


def test_after_the_trip_on_a_phone_scrolls_its_table_not_the_page(
    live_server, browser, scheduled, artifacts_dir
):
    page = _officer_page(browser, live_server, 390)
    page.goto(f"{live_server.url}/admin/partners/delegation/{scheduled.delegation_id}/after-trip/")
    page.screenshot(path=artifacts_dir / "after-trip-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".wide-table").evaluate("e => e.scrollWidth > e.clientWidth")
    # Django styles ol.breadcrumbs only: a div was plain text on white.
    background = page.locator(".breadcrumbs").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"


def test_wide_back_office_tables_on_a_phone_scroll_in_their_box_not_the_page(
    live_server, browser, scheduled, artifacts_dir
):
    """The schedule, a history and the import page's column table, in German."""
    page = _officer_page(browser, live_server, 390, role=ADMINISTRATORS, locale="de")
    for path in (
        f"delegation/{scheduled.delegation_id}/agenda/",
        f"meetingslot/{scheduled.slot_id}/history/",
        "companyprofile/import/",
    ):
        assert page.goto(f"{live_server.url}/admin/partners/{path}").status == 200
        page.screenshot(path=artifacts_dir / f"phone-{path.replace('/', '-')}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.locator(".wide-table").evaluate("e => e.scrollWidth > e.clientWidth"), path
    # The agenda it links, a printed document in the browser.
    page.goto(f"{live_server.url}/admin/partners/delegation/{scheduled.delegation_id}/agenda/")
    page.get_by_role("link", name="Agenda").first.click()
    page.screenshot(path=artifacts_dir / "phone-agenda-of.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_agenda_page_is_styled(live_server, browser, scheduled, artifacts_dir):
    page = _officer_page(browser, live_server, 1366)
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    base = f"{live_server.url}/admin/partners/delegation/{scheduled.delegation_id}/agenda/"
    page.goto(f"{base}participant/{scheduled.registration_id}.html?lang=zh-hans")
    page.screenshot(path=artifacts_dir / "agenda-page.png", full_page=True)
    assert not [text for text in refused if "Content Security Policy" in text]
    assert not [text for text in refused if "404" in text]  # its icon, not /favicon.ico
    assert "DejaVu Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")


def test_a_slot_s_times_are_said_to_be_its_city_s_not_the_browser_s(
    live_server, browser, scheduled, artifacts_dir
):
    """An officer in New York (the office is in Berlin) edits a slot in Nanjing: Django's
    script said "You are 6 hours behind server time" under a time typed for Nanjing."""
    page = _officer_page(browser, live_server, 1280, timezone_id="America/New_York")
    page.goto(f"{live_server.url}/admin/partners/meetingslot/{scheduled.slot_id}/change/")
    page.wait_for_load_state("load")
    page.screenshot(path=artifacts_dir / "slot-local-time.png", full_page=True)
    notes = page.locator(".field-starts_at .timezonewarning").all_inner_texts()
    assert len(notes) == 1 and notes[0].startswith("Local time in Nanjing (UTC")
    assert "server time" not in page.locator("#content").inner_text()


def test_an_agenda_in_chinese_on_a_phone_leaves_the_counterpart_room_to_be_read(
    live_server, browser, scheduled, artifacts_dir
):
    """At 375 px the day, time, city and table kept to one line each and left the
    counterpart a column one character wide: 南/京/高/新/区, a character per line."""
    counterpart = scheduled.counterpart
    counterpart.name_zh_hans = "南京市投资促进委员会"
    counterpart.save()
    page = _officer_page(browser, live_server, 375, locale="zh-CN")
    base = f"{live_server.url}/admin/partners/delegation/{scheduled.delegation_id}/agenda/"
    page.goto(f"{base}participant/{scheduled.registration_id}.html?lang=zh-hans")
    page.screenshot(path=artifacts_dir / "agenda-phone-zh.png", full_page=True)
    cell = page.locator("td", has_text="南京市投资促进委员会")
    font_size = float(cell.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    # Five characters a line at least: the name reads in two lines, not ten.
    assert cell.evaluate("e => e.clientWidth") >= 5 * font_size
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
