"""A trade officer logs in and records a meeting with two attendees on the 2019 trip."""

import datetime

import pytest
from playwright.sync_api import expect

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f

PASSWORD = "correct horse battery staple"


@pytest.fixture
def trip_2019(transactional_db):
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing", local_name="南京")
    jining = f.CityFactory(name="Jining", local_name="济宁", region="Shandong")
    delegation = f.DelegationFactory(
        title="Delegation to Nanjing and Jining 2019",
        origin_city=leipzig,
        start_date=datetime.date(2019, 6, 25),
        end_date=datetime.date(2019, 6, 30),
    )
    for order, city in enumerate([nanjing, jining], start=1):
        f.DelegationStopFactory(delegation=delegation, city=city, order=order)
    bureau = f.OrganisationFactory(name="Jining Investment Promotion Bureau", city=jining)
    f.PersonFactory(full_name="Shi Guangliang", organisation=bureau)
    f.PersonFactory(full_name="Zhang Wei", organisation=bureau)
    return delegation


def _pick(page, field, text):
    """Choose ``text`` in the admin's autocomplete (select2) widget for ``field``."""
    page.locator(f"#id_{field}").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text)
    option.first.click()


@pytest.mark.browser
def test_a_trade_officer_records_a_meeting_with_two_attendees(
    live_server, page, trip_2019, artifacts_dir
):
    officer = f.UserFactory(username="officer", groups=[TRADE_OFFICERS])
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#my-desk")).to_be_visible()

    page.goto(f"{live_server.url}/admin/partners/meeting/add/")
    _pick(page, "delegation", "2019")
    page.fill("#id_date", "2019-06-27")
    _pick(page, "city", "Jining")
    # Public text is translated (modeltranslation): the form asks for the German title.
    page.fill("#id_title_de", "Talks with the investment promotion bureau")
    _pick(page, "attendees", "Shi Guangliang")
    _pick(page, "attendees", "Zhang Wei")
    page.screenshot(path=artifacts_dir / "backoffice-meeting-form.png", full_page=True)
    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_be_visible()
    page.screenshot(path=artifacts_dir / "backoffice-meeting-saved.png", full_page=True)
    meeting = m.Meeting.objects.get(title_de="Talks with the investment promotion bureau")
    assert meeting.delegation == trip_2019
    assert meeting.city.name == "Jining"
    assert sorted(p.full_name for p in meeting.attendees.all()) == ["Shi Guangliang", "Zhang Wei"]
    assert meeting.logged_by == officer
