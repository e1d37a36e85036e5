"""A meeting slot is typed in the local time of its stop's city (audit trips, finding 2):
09:00 typed for a Nanjing stop is 09:00 in Nanjing, not 09:00 in the office's Berlin.
So is a logged meeting, in its city's."""

import datetime

import pytest

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

UTC = datetime.UTC


@pytest.fixture
def officer(db):
    return client_for(user_with_role(TRADE_OFFICERS))


def _slot_data(stop, day, starts, ends):
    return {
        "delegation": stop.delegation_id,
        "stop": stop.pk,
        "starts_at_0": day,
        "starts_at_1": starts,
        "ends_at_0": day,
        "ends_at_1": ends,
        "tables": 2,
        "_save": "Save",
    }


def _assert_shown_and_kept_in_nanjing_time(officer, record, model, day, starts, ends):
    """The change form shows ``record``'s times as typed in Nanjing, saving it unchanged
    keeps them, and the list shows them with the offset."""
    url = f"/admin/partners/{model}/{record.pk}/change/"
    starts_at = record.starts_at
    assert "Local time in Nanjing (UTC+8)." in officer.get(url).text
    data = change_form_data(officer, url)
    assert (data["starts_at_0"], data["starts_at_1"], data["ends_at_1"]) == (
        day,
        f"{starts}:00",
        f"{ends}:00",
    )
    # Saved unchanged, it stays where it was.
    assert officer.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.starts_at == starts_at
    listing = officer.get(f"/admin/partners/{model}/")
    assert f"{day} {starts}–{ends} (UTC+8)" in listing.text


def test_a_slot_typed_for_nanjing_is_stored_and_shown_in_nanjing_time(officer):
    stop = f.DelegationStopFactory(city__name="Nanjing", city__time_zone="Asia/Shanghai")
    response = officer.post(
        "/admin/partners/meetingslot/add/", _slot_data(stop, "2027-05-10", "09:00", "09:45")
    )
    assert response.status_code == 302, form_errors(response)
    slot = m.MeetingSlot.objects.get()
    assert (slot.starts_at, slot.ends_at) == (
        datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC),
        datetime.datetime(2027, 5, 10, 1, 45, tzinfo=UTC),
    )
    _assert_shown_and_kept_in_nanjing_time(
        officer, slot, "meetingslot", "2027-05-10", "09:00", "09:45"
    )


def test_a_time_that_the_clocks_skip_is_refused_with_its_zone(officer):
    stop = f.DelegationStopFactory(city__name="Köln", city__time_zone="Europe/Berlin")
    response = officer.post(
        "/admin/partners/meetingslot/add/", _slot_data(stop, "2027-03-28", "02:30", "03:30")
    )
    assert response.status_code == 200
    assert "does not exist in Europe/Berlin" in form_errors(response)
    assert not m.MeetingSlot.objects.exists()


def test_the_same_time_typed_for_berlin_and_for_nanjing_differs_by_their_offset(officer):
    trip = f.DelegationFactory(status="planned")
    berlin = f.DelegationStopFactory(delegation=trip, city__time_zone="Europe/Berlin")
    nanjing = f.DelegationStopFactory(delegation=trip, city__time_zone="Asia/Shanghai")
    for stop in (berlin, nanjing):
        data = _slot_data(stop, "2027-01-15", "09:00", "10:00")
        assert officer.post("/admin/partners/meetingslot/add/", data).status_code == 302
    starts = dict(m.MeetingSlot.objects.values_list("stop", "starts_at"))
    assert starts[berlin.pk] - starts[nanjing.pk] == datetime.timedelta(hours=7)


@pytest.fixture
def nanjing_stop(db):
    return f.DelegationStopFactory(
        city__name="Nanjing",
        city__time_zone="Asia/Shanghai",
        arrival=datetime.date(2027, 5, 10),
        departure=datetime.date(2027, 5, 12),
    )


@pytest.mark.parametrize(
    "day, starts, ends, field",
    [
        ("2027-05-09", "09:00", "09:45", "starts_at"),
        # 05:00 on the 13th in Nanjing is still the 12th in the office (Berlin).
        ("2027-05-13", "05:00", "05:30", "ends_at"),
    ],
)
def test_a_slot_outside_its_stops_local_dates_is_refused_naming_them(
    officer, nanjing_stop, day, starts, ends, field
):
    response = officer.post(
        "/admin/partners/meetingslot/add/", _slot_data(nanjing_stop, day, starts, ends)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert errors[field] == ["Outside the stop in Nanjing: 10–12 May 2027 (local dates)."]
    assert not m.MeetingSlot.objects.exists()


def test_a_slot_may_fill_the_stops_first_and_last_local_day_not_a_minute_more(
    officer, nanjing_stop
):
    # 01:00 on the 10th in Nanjing is the 9th in UTC and in the office.
    first = _slot_data(nanjing_stop, "2027-05-10", "01:00", "01:30")
    last = {**_slot_data(nanjing_stop, "2027-05-12", "23:30", "00:00"), "ends_at_0": "2027-05-13"}
    for data in (first, last):
        response = officer.post("/admin/partners/meetingslot/add/", data)
        assert response.status_code == 302, form_errors(response)
    beyond = {**last, "ends_at_1": "00:01"}
    response = officer.post("/admin/partners/meetingslot/add/", beyond)
    assert "Outside the stop in Nanjing" in form_errors(response)
    assert m.MeetingSlot.objects.count() == 2


def test_a_stop_known_only_by_its_arrival_is_named_so(officer, nanjing_stop):
    nanjing_stop.departure = None
    nanjing_stop.save()
    data = _slot_data(nanjing_stop, "2027-05-09", "09:00", "09:45")
    response = officer.post("/admin/partners/meetingslot/add/", data)
    assert "Outside the stop in Nanjing: from 10 May 2027 (local dates)." in form_errors(response)
    data = _slot_data(nanjing_stop, "2027-06-30", "09:00", "09:45")
    assert officer.post("/admin/partners/meetingslot/add/", data).status_code == 302


def _meeting_times(officer, url, day, starts, ends):
    return {
        **change_form_data(officer, url),
        "starts_at_0": day,
        "starts_at_1": starts,
        "ends_at_0": day,
        "ends_at_1": ends,
    }


def test_a_meeting_is_typed_and_shown_in_its_citys_local_time(officer):
    meeting = f.MeetingFactory(city__name="Nanjing", city__time_zone="Asia/Shanghai")
    url = f"/admin/partners/meeting/{meeting.pk}/change/"
    response = officer.post(url, _meeting_times(officer, url, "2019-06-26", "09:00", "10:00"))
    assert response.status_code == 302, form_errors(response)
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at) == (
        datetime.datetime(2019, 6, 26, 1, 0, tzinfo=UTC),
        datetime.datetime(2019, 6, 26, 2, 0, tzinfo=UTC),
    )
    _assert_shown_and_kept_in_nanjing_time(
        officer, meeting, "meeting", "2019-06-26", "09:00", "10:00"
    )


def test_a_meeting_in_a_city_without_a_time_zone_is_in_the_offices(officer):
    meeting = f.MeetingFactory(city__time_zone="")
    url = f"/admin/partners/meeting/{meeting.pk}/change/"
    response = officer.post(url, _meeting_times(officer, url, "2019-06-26", "09:00", "10:00"))
    assert response.status_code == 302, form_errors(response)
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2019, 6, 26, 7, 0, tzinfo=UTC)
    assert "2019-06-26 09:00–10:00 (UTC+2)" in officer.get("/admin/partners/meeting/").text


def test_a_meeting_time_that_the_clocks_skip_is_refused_and_none_is_fine(officer):
    meeting = f.MeetingFactory(city__time_zone="Europe/Berlin")
    url = f"/admin/partners/meeting/{meeting.pk}/change/"
    response = officer.post(url, _meeting_times(officer, url, "2027-03-28", "02:30", "03:30"))
    assert "does not exist in Europe/Berlin" in form_errors(response)
    response = officer.post(url, _meeting_times(officer, url, "", "", ""))
    assert response.status_code == 302, form_errors(response)
    meeting.refresh_from_db()
    assert meeting.starts_at is None


def test_djangos_time_zone_note_compares_with_the_citys_zone(officer):
    """The admin's script notes "Enter times in the <zone> timezone" from the page's body:
    on a Nanjing meeting or slot that is Nanjing's zone, not the office's."""
    meeting = f.MeetingFactory(city__name="Nanjing", city__time_zone="Asia/Shanghai")
    slot = f.MeetingSlotFactory(stop__city=meeting.city)
    for url in (
        f"/admin/partners/meeting/{meeting.pk}/change/",
        f"/admin/partners/meetingslot/{slot.pk}/change/",
    ):
        page = officer.get(url).text
        assert 'data-admin-utc-offset="28800"' in page
        assert 'data-admin-server-timezone="Asia/Shanghai"' in page
    # Other pages keep the office's zone.
    assert 'data-admin-server-timezone="Europe/Berlin"' in officer.get("/admin/").text
