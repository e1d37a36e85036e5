"""A browser in another time zone than the office sees the office's time (TIME_ZONE) in
the back office: in the "saved meanwhile" refusal and in the history (issue 14, point 7)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
# 02:30 UTC on 25 June 2019: 04:30 in Leipzig, 22:30 the day before in New York.
INSTANT = datetime.datetime(2019, 6, 25, 2, 30, tzinfo=datetime.UTC)
OFFICE = "25.06.2019 04:30"


def test_a_browser_in_new_york_sees_leipzig_time(live_server, browser, settings, artifacts_dir):
    settings.TIME_ZONE = "Europe/Berlin"
    delegation = f.DelegationFactory(title="Reise nach Nanjing", purpose="Gespräche")
    user_with_role(TRADE_OFFICERS, username="officer", is_staff=True)
    alice = Client()
    alice.force_login(user_with_role(TRADE_OFFICERS, username="alice"))
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    context = browser.new_context(timezone_id="America/New_York", locale="de-DE")
    page = context.new_page()
    assert page.evaluate("new Date().getTimezoneOffset()") in (240, 300)  # really elsewhere

    page.goto(f"{live_server.url}{url}")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")
    # Meanwhile Alice saves a new title, at 02:30 UTC.
    form = change_form_data(alice, url)
    form["title_de"] = "Reise nach Nanjing und Jining"
    assert alice.post(url, form).status_code == 302
    earlier = INSTANT - datetime.timedelta(hours=1)
    m.Delegation.history.filter(id=delegation.pk, version=1).update(history_date=earlier)
    m.Delegation.history.filter(id=delegation.pk, version=2).update(history_date=INSTANT)
    page.fill("#id_purpose_de", "Zwei Vereinbarungen unterzeichnen")
    page.click("input[name=_save]")

    page.screenshot(path=artifacts_dir / "local-time-refusal.png", full_page=True)
    body = page.inner_text("body")
    assert (
        f"alice, {OFFICE}: Titel [de] „Reise nach Nanjing“ → „Reise nach Nanjing und Jining“"
        in body
    )
    assert "22:30" not in body and "02:30" not in body
    # Django's note on the date fields, in German too (the project's djangojs catalog).
    assert "Hinweis: Zeiten in der Zeitzone Europe/Berlin eingeben." in body
    assert "Note:" not in body
    assert "„–“ → „–“" not in body  # an empty translation saved as "" is no change

    response = page.goto(
        live_server.url + reverse("admin:partners_delegation_history", args=[delegation.pk])
    )
    assert response.status == 200
    page.screenshot(path=artifacts_dir / "local-time-history.png", full_page=True)
    history = page.inner_text("body")
    assert "04:30" in history and "22:30" not in history and "02:30" not in history
    context.close()


@pytest.mark.parametrize(
    ("browser_zone", "note"),
    [
        ("Asia/Shanghai", None),  # in Nanjing's time already: nothing to note
        # 6 or 7 hours by Berlin's summer or winter time.
        ("Europe/Berlin", "Note: Enter times in the Asia/Shanghai timezone. (You are "),
    ],
)
def test_the_time_zone_note_of_a_nanjing_meeting_is_nanjings(
    live_server, browser, browser_zone, note, artifacts_dir
):
    meeting = f.MeetingFactory(city__name="Nanjing", city__time_zone="Asia/Shanghai")
    user_with_role(TRADE_OFFICERS, username="officer", is_staff=True)
    url = reverse("admin:partners_meeting_change", args=[meeting.pk])
    context = browser.new_context(timezone_id=browser_zone, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}{url}")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")
    page.wait_for_selector("#id_starts_at_1 ~ .datetimeshortcuts")  # the script has run

    page.screenshot(path=artifacts_dir / f"meeting-note-{browser_zone[:4]}.png", full_page=True)
    form = page.inner_text("#meeting_form")
    assert "Local time in Nanjing (UTC+8)." in form
    if note:
        assert note in form and "hours behind" in form
    else:
        assert "Note:" not in form and "Hinweis" not in form
    context.close()
