"""A meeting slot is typed in the local time of its stop's city (audit trips, finding 2):
09:00 typed for a Nanjing stop is 09:00 in Nanjing, not 09:00 in the office's Berlin.
So is a logged meeting, in its city's."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from partners import models as m
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

UTC = datetime.UTC


@pytest.fixture
def officer(db):
    return client_for(user_with_role(TRADE_OFFICERS))


def _trip_in_2027(**fields):
    """A planned trip known by its year: its stops without dates take slots all 2027."""
    return f.DelegationFactory(
        status="planned",
        start_date=datetime.date(2027, 1, 1),
        end_date=None,
        date_precision="year",
        **fields,
    )


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
    shown = datetime.date.fromisoformat(day).strftime("%d/%m/%Y")  # as English lists show it
    assert f"{shown} {starts}–{ends} (UTC+8)" in listing.text


def test_a_slot_typed_for_nanjing_is_stored_and_shown_in_nanjing_time(officer):
    stop = f.DelegationStopFactory(
        delegation=_trip_in_2027(), city__name="Nanjing", city__time_zone="Asia/Shanghai"
    )
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
    trip = _trip_in_2027()
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
        delegation=_trip_in_2027(),
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


def test_a_slot_at_a_stop_without_dates_lies_within_the_trips_at_their_precision(officer):
    trip = f.DelegationFactory(
        status="planned", start_date=datetime.date(2027, 5, 1), end_date=None
    )
    stop = f.DelegationStopFactory(delegation=trip, city__time_zone="Asia/Shanghai")
    data = _slot_data(stop, "2027-04-30", "09:00", "09:45")
    response = officer.post("/admin/partners/meetingslot/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "starts_at": ["Outside the delegation's dates: 1 May 2027 (local dates)."]
    }
    trip.date_precision = "month"  # "May 2027": the whole month
    trip.save()
    for day in ("2027-05-31", "2027-06-01"):
        response = officer.post(
            "/admin/partners/meetingslot/add/", _slot_data(stop, day, "09:00", "09:45")
        )
    assert response.context["adminform"].form.errors == {
        "starts_at": ["Outside the delegation's dates: May 2027 (local dates)."]
    }
    assert m.MeetingSlot.objects.get().local_starts_at.date() == datetime.date(2027, 5, 31)


def _post_stop(officer, stop, **dates):
    url = f"/admin/partners/delegation/{stop.delegation_id}/change/"
    data = change_form_data(officer, url)
    assert data["stops-0-id"] == str(stop.pk)
    data |= {f"stops-0-{name}": day for name, day in dates.items()}
    return officer.post(url, data)


def _stop_errors(response):
    assert response.status_code == 200
    (stops,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "stops"
    ]
    return stops.forms[0].errors


@pytest.mark.parametrize(
    "dates, errors",
    [
        (
            {"arrival": "2027-05-11"},
            {
                "arrival": [
                    "A meeting slot in Nanjing would lie outside these dates: "
                    "10 May 2027 09:00–09:45 (UTC+8). Move or delete it first."
                ]
            },
        ),
        (
            {"departure": "2027-05-11"},
            {
                "departure": [
                    "A meeting slot in Nanjing would lie outside these dates: "
                    "12 May 2027 23:30–00:00 (UTC+8). Move or delete it first."
                ]
            },
        ),
        (
            {"arrival": "2027-05-13", "departure": "2027-05-14"},
            {
                "arrival": [
                    "2 meeting slots in Nanjing would lie outside these dates: "
                    "10 May 2027 09:00–09:45 (UTC+8); 12 May 2027 23:30–00:00 (UTC+8). "
                    "Move or delete them first."
                ]
            },
        ),
    ],
)
def test_a_stops_dates_cannot_move_away_from_its_slots(officer, nanjing_stop, dates, errors):
    """On the delegation page, as an officer changes a stop: its slots' local times named."""
    # 09:00–09:45 on the 10th and 23:30–00:00 on the 12th in Nanjing.
    for starts, ends in (((10, 1, 0), (10, 1, 45)), ((12, 15, 30), (12, 16, 0))):
        f.MeetingSlotFactory(
            delegation=nanjing_stop.delegation,
            stop=nanjing_stop,
            starts_at=datetime.datetime(2027, 5, *starts, tzinfo=UTC),
            ends_at=datetime.datetime(2027, 5, *ends, tzinfo=UTC),
        )
    response = _post_stop(officer, nanjing_stop, **dates)
    assert _stop_errors(response) == errors
    assert next(iter(errors.values()))[0] in response.text
    nanjing_stop.refresh_from_db()
    assert (nanjing_stop.arrival, nanjing_stop.departure) == (
        datetime.date(2027, 5, 10),
        datetime.date(2027, 5, 12),
    )
    # Within the slots' days, or with the trip's dates (2027) once the stop has none.
    for dates in (
        {"arrival": "2027-05-09", "departure": "2027-05-12"},
        {"arrival": "", "departure": ""},
    ):
        response = _post_stop(officer, nanjing_stop, **dates)
        assert response.status_code == 302, form_errors(response)


def test_a_stop_without_dates_keeps_its_slots_within_the_trips(nanjing_stop):
    f.MeetingSlotFactory(
        delegation=nanjing_stop.delegation,
        stop=nanjing_stop,
        starts_at=datetime.datetime(2027, 5, 10, 1, tzinfo=UTC),
    )
    nanjing_stop.arrival = nanjing_stop.departure = None
    nanjing_stop.delegation.start_date = datetime.date(2028, 1, 1)  # "2028"
    with pytest.raises(ValidationError) as refused:
        nanjing_stop.full_clean()
    # On the city, where the trip's dates apply: the empty arrival had said "these dates".
    [message] = refused.value.message_dict["city"]
    assert list(refused.value.message_dict) == ["city"] and ", 2028: " in message


def _slot(stop, starts, ends):
    return f.MeetingSlotFactory(
        delegation=stop.delegation, stop=stop, starts_at=starts, ends_at=ends
    )


def _logged_in(slot, city):
    """A meeting logged from a request booked in ``slot``, at its times, in ``city``."""
    meeting = f.MeetingFactory(
        delegation=slot.delegation,
        city=city,
        date=slot.local_starts_at.date(),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    f.MeetingRequestFactory(
        registration__delegation=slot.delegation, slot=slot, meeting=meeting, status="held"
    )
    return meeting


def test_a_stop_moved_to_another_city_keeps_its_slots_local_times(officer, nanjing_stop):
    """On the delegation page: 09:00 in Nanjing stays 09:00 in Leipzig, and so does the
    meeting logged in the slot; one logged in another city keeps its city and times."""
    slot = _slot(
        nanjing_stop,
        datetime.datetime(2027, 5, 10, 1, tzinfo=UTC),
        datetime.datetime(2027, 5, 10, 1, 45, tzinfo=UTC),
    )
    followed = _logged_in(slot, nanjing_stop.city)
    elsewhere = _logged_in(slot, f.CityFactory(name="Shanghai"))
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")
    response = _post_stop(officer, nanjing_stop, city=leipzig.pk)
    assert response.status_code == 302, form_errors(response)
    # 09:00–09:45 in Leipzig's summer time (UTC+2).
    at_nine = (
        datetime.datetime(2027, 5, 10, 7, tzinfo=UTC),
        datetime.datetime(2027, 5, 10, 7, 45, tzinfo=UTC),
    )
    slot.refresh_from_db()
    assert (slot.starts_at, slot.ends_at) == at_nine
    followed.refresh_from_db()
    assert (followed.city, followed.date, followed.starts_at, followed.ends_at) == (
        leipzig,
        datetime.date(2027, 5, 10),
        *at_nine,
    )
    elsewhere.refresh_from_db()
    assert (elsewhere.city.name, elsewhere.starts_at) == (
        "Shanghai",
        datetime.datetime(2027, 5, 10, 1, tzinfo=UTC),
    )
    assert "10/05/2027 09:00–09:45 (UTC+2)" in officer.get("/admin/partners/meetingslot/").text


def _nine_in_nanjing(stop):
    return _slot(
        stop,
        datetime.datetime(2027, 5, 10, 1, tzinfo=UTC),
        datetime.datetime(2027, 5, 10, 1, 45, tzinfo=UTC),
    )


def test_a_stop_moved_to_a_city_in_the_same_zone_takes_its_meetings_along(officer, nanjing_stop):
    """Nanjing to Jining: the clocks agree, and the meeting logged in the slot moves to
    Jining all the same."""
    followed = _logged_in(_nine_in_nanjing(nanjing_stop), nanjing_stop.city)
    jining = f.CityFactory(name="Jining", time_zone="Asia/Shanghai")
    response = _post_stop(officer, nanjing_stop, city=jining.pk)
    assert response.status_code == 302, form_errors(response)
    followed.refresh_from_db()
    assert (followed.city, followed.starts_at) == (
        jining,
        datetime.datetime(2027, 5, 10, 1, tzinfo=UTC),
    )


def test_a_stop_moved_to_a_zone_whose_clocks_agree_leaves_its_slots_alone(officer, nanjing_stop):
    """Asia/Chongqing's clocks read as Asia/Shanghai's: the slot is not saved again (no
    empty history row, no new version that would refuse a colleague's save of it), and
    the meeting logged in it still moves to the new city."""
    slot = _nine_in_nanjing(nanjing_stop)
    followed = _logged_in(slot, nanjing_stop.city)
    version, versions = slot.version, slot.history.count()
    chongqing = f.CityFactory(name="Chongqing", time_zone="Asia/Chongqing")
    response = _post_stop(officer, nanjing_stop, city=chongqing.pk)
    assert response.status_code == 302, form_errors(response)
    slot.refresh_from_db()
    assert (slot.version, slot.history.count()) == (version, versions)
    followed.refresh_from_db()
    assert followed.city == chongqing


def test_a_meeting_row_edited_with_its_stops_move_moves_with_it(officer, nanjing_stop):
    """The row's other changes are saved, and the row does not put the meeting back in
    Nanjing at its old times."""
    slot = _nine_in_nanjing(nanjing_stop)
    followed = _logged_in(slot, nanjing_stop.city)
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")
    url = f"/admin/partners/delegation/{nanjing_stop.delegation_id}/change/"
    data = change_form_data(officer, url)
    assert data["meetings-0-id"] == str(followed.pk)
    data |= {"stops-0-city": leipzig.pk, "meetings-0-title_de": "Werksbesuch"}
    response = officer.post(url, data)
    assert response.status_code == 302, form_errors(response)
    slot.refresh_from_db()
    followed.refresh_from_db()
    assert (followed.title_de, followed.city, followed.starts_at, followed.ends_at) == (
        "Werksbesuch",
        leipzig,
        slot.starts_at,
        slot.ends_at,
    )
    assert slot.starts_at == datetime.datetime(2027, 5, 10, 7, tzinfo=UTC)
    # Its history says who moved it, after the row's change.
    latest = followed.history.first()
    assert (latest.city_id, latest.history_user_id) == (leipzig.pk, response.wsgi_request.user.pk)


def test_the_history_of_a_moved_meeting_and_slot_shows_their_local_times(officer, nanjing_stop):
    """Not the UTC stored (2027-05-10 01:00:00+00:00): each time on its city's clock."""
    slot = _nine_in_nanjing(nanjing_stop)
    followed = _logged_in(slot, nanjing_stop.city)
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")
    assert _post_stop(officer, nanjing_stop, city=leipzig.pk).status_code == 302
    page = officer.get(f"/admin/partners/meeting/{followed.pk}/history/").text
    assert "10 May 2027 09:00 (UTC+8)" in page
    assert "10 May 2027 09:00 (UTC+2)" in page
    assert "+00:00" not in page
    # A slot's times on its stop's city as the stop was then: 09:00 before and after.
    page = officer.get(f"/admin/partners/meetingslot/{slot.pk}/history/").text
    assert "10 May 2027 09:00 (UTC+8)" in page and "10 May 2027 09:00 (UTC+2)" in page
    assert "10 May 2027 03:00" not in page
    # Each version named as it was then: in Nanjing at 09:00, not in Leipzig at 03:00.
    assert "Nanjing 2027-05-10 09:00 (UTC+8)" in page
    assert "2027-05-10 03:00" not in page
    assert "+00:00" not in page


def test_a_row_of_a_meeting_moved_meanwhile_names_its_times_with_their_offset(
    officer, nanjing_stop
):
    """Someone moved the stop after the page was opened: the refusal says when the
    meeting was and is, each on its city's clock then with its offset, as the history
    does (09:00 in Nanjing → 09:00 in Leipzig), not in the UTC stored."""
    followed = _logged_in(_nine_in_nanjing(nanjing_stop), nanjing_stop.city)
    url = f"/admin/partners/delegation/{nanjing_stop.delegation_id}/change/"
    opened = change_form_data(officer, url)
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")
    assert _post_stop(officer, nanjing_stop, city=leipzig.pk).status_code == 302
    opened["meetings-0-title_de"] = "Werksbesuch"
    response = officer.post(url, opened)
    assert response.status_code == 200
    errors = form_errors(response)
    assert "10 May 2027 09:00 (UTC+8)" in errors and "10 May 2027 09:00 (UTC+2)" in errors
    assert "+00:00" not in errors and "03:00" not in errors
    followed.refresh_from_db()
    assert followed.title_de != "Werksbesuch"


def test_a_stop_moved_to_another_zone_is_checked_at_its_slots_local_times(officer, nanjing_stop):
    # 00:30 on 10 May in Nanjing; Leipzig's clocks read 18:30 on the 9th then.
    _slot(
        nanjing_stop,
        datetime.datetime(2027, 5, 9, 16, 30, tzinfo=UTC),
        datetime.datetime(2027, 5, 9, 17, tzinfo=UTC),
    )
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")
    response = _post_stop(officer, nanjing_stop, city=leipzig.pk)
    assert response.status_code == 302, form_errors(response)
    slot = m.MeetingSlot.objects.get()
    assert slot.local_starts_at.date() == datetime.date(2027, 5, 10)
    # Its dates are checked at the times moved: 00:30 on the 10th, not the 9th.
    response = _post_stop(officer, nanjing_stop, arrival="2027-05-11")
    assert _stop_errors(response) == {
        "arrival": [
            "A meeting slot in Leipzig would lie outside these dates: "
            "10 May 2027 00:30–01:00 (UTC+2). Move or delete it first."
        ]
    }


def test_a_stop_without_dates_moved_to_another_zone_keeps_its_slots_in_the_trips(
    officer, nanjing_stop
):
    # 00:30 on 1 January 2027 in Nanjing: 17:30 on 31 December 2026 in Leipzig, had the
    # slot kept its moment, and outside the trip's 2027.
    _slot(
        nanjing_stop,
        datetime.datetime(2026, 12, 31, 16, 30, tzinfo=UTC),
        datetime.datetime(2026, 12, 31, 17, tzinfo=UTC),
    )
    m.DelegationStop.objects.filter(pk=nanjing_stop.pk).update(arrival=None, departure=None)
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")
    response = _post_stop(officer, nanjing_stop, arrival="", departure="", city=leipzig.pk)
    assert response.status_code == 302, form_errors(response)
    assert m.MeetingSlot.objects.get().starts_at == datetime.datetime(
        2026, 12, 31, 23, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("logged", [False, True])
def test_a_stop_cannot_move_to_a_city_whose_clocks_skip_a_slots_time(officer, nanjing_stop, logged):
    """02:30 on 28 March 2027 does not exist in Leipzig: refused, nothing saved; a meeting
    logged in the slot at its times is not named a second time."""
    nanjing_stop.arrival = datetime.date(2027, 3, 28)
    nanjing_stop.save()
    slot = _slot(
        nanjing_stop,
        datetime.datetime(2027, 3, 27, 18, 30, tzinfo=UTC),
        datetime.datetime(2027, 3, 27, 19, tzinfo=UTC),
    )
    if logged:
        _logged_in(slot, nanjing_stop.city)
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")
    response = _post_stop(officer, nanjing_stop, city=leipzig.pk)
    assert _stop_errors(response) == {
        "city": [
            "The clocks in Leipzig skip these local times of its meeting slots or meetings "
            "(they go forward then): 28 March 2027 02:30–03:00 (UTC+8). Move them first."
        ]
    }
    nanjing_stop.refresh_from_db()
    assert nanjing_stop.city.name == "Nanjing"
    assert m.MeetingSlot.objects.get().starts_at == slot.starts_at
    # Saved without its checks, the stop refuses too, and keeps its city and slot.
    nanjing_stop.city = leipzig
    with pytest.raises(ValidationError):
        nanjing_stop.save()
    nanjing_stop.refresh_from_db()
    assert nanjing_stop.city.name == "Nanjing"


def test_a_stops_dates_lie_within_the_trips(officer):
    trip = f.DelegationFactory(
        status="planned", start_date=datetime.date(2027, 3, 22), end_date=datetime.date(2027, 3, 27)
    )
    stop = f.DelegationStopFactory(delegation=trip)
    response = _post_stop(officer, stop, arrival="2027-03-21", departure="2027-03-30")
    outside = ["Outside the delegation's dates: 22–27 March 2027."]
    assert _stop_errors(response) == {"arrival": outside, "departure": outside}
    response = _post_stop(officer, stop, arrival="2027-03-22", departure="2027-03-27")
    assert response.status_code == 302, form_errors(response)


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
    assert "26/06/2019 09:00–10:00 (UTC+2)" in officer.get("/admin/partners/meeting/").text


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


def test_the_officer_is_told_what_moved_with_the_stop(officer, nanjing_stop):
    _logged_in(_nine_in_nanjing(nanjing_stop), nanjing_stop.city)
    _nine_in_nanjing(nanjing_stop)  # a second slot, nothing logged in it
    leipzig = f.CityFactory(name="Leipzig", time_zone="Europe/Berlin")

    response = _post_stop(officer, nanjing_stop, city=leipzig.pk)

    assert response.status_code == 302, form_errors(response)
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "The stop moved to Leipzig with its meeting slots at the same local times. "
        "Meeting slots: 2; meetings moved with them: 1." in told
    )


def test_a_stop_changed_otherwise_says_nothing_of_moves(officer, nanjing_stop):
    _nine_in_nanjing(nanjing_stop)

    response = _post_stop(officer, nanjing_stop, arrival="2027-05-09")

    assert response.status_code == 302, form_errors(response)
    told = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "moved to" not in told


def _stops_offered(response) -> list[str]:
    choices = response.context["adminform"].form.fields["stop"].choices
    return [label for value, label in choices if value]


def test_a_slot_is_added_from_its_trip_and_offered_that_trips_stops_only(db):
    """Not every stop of every delegation ever logged (3,950 options at demo scale 10)."""
    trip = _trip_in_2027(title="Company trip")
    nanjing = f.DelegationStopFactory(delegation=trip, city__name="Nanjing", order=1)
    jining = f.DelegationStopFactory(delegation=trip, city__name="Jining", order=2)
    upcoming = f.DelegationStopFactory(delegation=_trip_in_2027(title="Upcoming"))
    past = f.DelegationStopFactory(delegation=f.DelegationFactory(title="Past"))
    officer = client_for(user_with_role(TRADE_OFFICERS))

    trip_page = officer.get(f"/admin/partners/delegation/{trip.pk}/change/").text
    add = f"/admin/partners/meetingslot/add/?delegation={trip.pk}"
    assert f'href="{add}"' in trip_page
    assert _stops_offered(officer.get(add)) == [
        f"Company trip – {nanjing}",
        f"Company trip – {jining}",
    ]
    # Before a trip is chosen: the stops of trips to come, not of the past ones.
    offered = _stops_offered(officer.get("/admin/partners/meetingslot/add/"))
    assert f"Upcoming – {upcoming}" in offered and f"Company trip – {jining}" in offered
    assert not [stop for stop in offered if stop.startswith("Past")]
    assert "Those of the trips to come" in officer.get("/admin/partners/meetingslot/add/").text
    assert "Those of the trips to come" not in officer.get(add).text
    assert officer.get("/admin/partners/meetingslot/add/?delegation=x").status_code == 400
    for bad in ("0", str(past.delegation_id + 1000)):  # no such trip: the trips to come
        response = officer.get(f"/admin/partners/meetingslot/add/?delegation={bad}")
        assert response.status_code == 200 and _stops_offered(response) == offered

    # A past trip's slot is added from its page; another trip's stop is refused as such.
    data = _slot_data(past, "2019-06-26", "09:00", "09:45")
    assert officer.post("/admin/partners/meetingslot/add/", data).status_code == 302
    response = officer.post(
        "/admin/partners/meetingslot/add/",
        {**_slot_data(upcoming, "2027-05-10", "09:00", "10:00"), "delegation": trip.pk},
    )
    assert "The stop belongs to another delegation." in form_errors(response)
    assert m.MeetingSlot.objects.get().stop == past


def test_a_manager_is_not_linked_to_adding_a_slot(db):
    trip = _trip_in_2027()
    manager = client_for(user_with_role(MANAGERS))
    page = manager.get(f"/admin/partners/delegation/{trip.pk}/change/").text
    assert "Add a meeting slot" not in page and "meetingslot/add" not in page


def test_a_slot_too_close_to_one_in_another_city_is_saved_with_a_warning(officer):
    trip = _trip_in_2027()
    nanjing, jining = (
        f.DelegationStopFactory(delegation=trip, city__name=name, city__time_zone="Asia/Shanghai")
        for name in ("Nanjing", "Jining")
    )
    first = _slot_data(nanjing, "2027-05-10", "09:00", "09:45")
    assert officer.post("/admin/partners/meetingslot/add/", first).status_code == 302

    def warnings(stop, starts, ends):
        data = _slot_data(stop, "2027-05-10", starts, ends)
        response = officer.post("/admin/partners/meetingslot/add/", data, follow=True)
        assert response.status_code == 200, form_errors(response)
        said = [str(message) for message in get_messages(response.wsgi_request)]
        return [message for message in said if message.startswith("Less than")]

    assert warnings(jining, "10:30", "11:15") == [
        "Less than 120 minutes lie between this slot and Nanjing 2027-05-10 09:00 (UTC+8) in "
        "another city: nobody will be booked in both."
    ]
    assert warnings(jining, "11:45", "12:30") == []  # two hours after the first ends
    assert warnings(nanjing, "07:00", "07:45") == []  # the same city
    assert m.MeetingSlot.objects.count() == 4  # each saved


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_date_outside_the_plausible_years_is_an_error_on_its_field(officer, day):
    stop = f.DelegationStopFactory(city__name="Nanjing", city__time_zone="Asia/Shanghai")
    response = officer.post(
        "/admin/partners/meetingslot/add/", _slot_data(stop, day, "09:00", "09:45")
    )
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2100." in form_errors(response)
    trip = officer.post(
        "/admin/partners/delegation/add/",
        {"title_de": "Reise", "start_date": day, "date_precision": "day", "status": "planned"},
    )
    assert trip.status_code == 200
    assert "Enter a date between the years 1900 and 2100." in form_errors(trip)
    assert not m.MeetingSlot.objects.exists()
