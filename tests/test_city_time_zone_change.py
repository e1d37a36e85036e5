"""A city's time zone corrected on its admin page keeps the local times entered there:
its stops' meeting slots and its meetings, typed as 09:00 on its clock, still read 09:00
on the zone set, as when a stop moves to another city (tests/test_slot_local_time.py)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from partners.dates import utc_offset
from partners.roles import ADMINISTRATORS, TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

UTC = datetime.UTC


@pytest.fixture
def officer(db):
    return client_for(user_with_role(TRADE_OFFICERS))


def _post_zone(client, city, time_zone, **changes):
    url = f"/admin/partners/city/{city.pk}/change/"
    data = change_form_data(client, url) | {"time_zone": time_zone, **changes}
    return client.post(url, data)


def _stop_in(city, **dates):
    trip = f.DelegationFactory(
        title="Reise nach Nanjing",
        status="planned",
        start_date=datetime.date(2027, 1, 1),
        end_date=None,
        date_precision="year",
    )
    return f.DelegationStopFactory(delegation=trip, city=city, **dates)


def _slot(stop, starts, minutes=45):
    return f.MeetingSlotFactory(
        delegation=stop.delegation,
        stop=stop,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
    )


def _meeting(city, starts, minutes=45, **fields):
    return f.MeetingFactory(
        city=city,
        date=starts.astimezone(city.tzinfo).date(),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
        **fields,
    )


def _local(record, zone):
    """``record``'s times as ``zone``'s clocks read them."""
    return (record.starts_at.astimezone(zone), record.ends_at.astimezone(zone))


def _told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "was, becomes",
    [
        ("", "Asia/Shanghai"),  # entered without a zone: the office's, Berlin
        ("Asia/Shanghai", ""),
        ("Asia/Tokyo", "Asia/Shanghai"),
    ],
)
@pytest.mark.parametrize("role", [TRADE_OFFICERS, ADMINISTRATORS])
def test_a_corrected_zone_keeps_the_local_times_of_slots_and_meetings(db, role, was, becomes):
    client = client_for(user_with_role(role))
    city = f.CityFactory(name="Nanjing", time_zone=was)
    stop = _stop_in(city)
    # 09:00–09:45 on 10 May 2027 and 14:00–15:00 on 11 May on the city's clock as entered.
    nine = datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo)
    slot = _slot(stop, nine)
    meeting = _meeting(city, datetime.datetime(2027, 5, 11, 14, tzinfo=city.tzinfo), 60)
    elsewhere = _meeting(f.CityFactory(name="Jining"), nine)  # another city's: untouched
    undated = f.MeetingFactory(city=city)  # known by its date alone: nothing to keep
    entered = {record: _local(record, city.tzinfo) for record in (slot, meeting)}
    slot_history, meeting_history = slot.history.count(), meeting.history.count()

    response = _post_zone(client, city, becomes)

    assert response.status_code == 302, form_errors(response)
    city.refresh_from_db()
    assert city.time_zone == becomes
    for record in (slot, meeting):
        record.refresh_from_db()
        now = _local(record, city.tzinfo)
        wall_clock = [value.replace(tzinfo=None) for value in now]
        assert wall_clock == [value.replace(tzinfo=None) for value in entered[record]]
        assert now[0].utcoffset() != entered[record][0].utcoffset()
    assert meeting.date == datetime.date(2027, 5, 11)
    assert (
        f"Local times kept on the clock of {city.tzinfo}: meeting slots: 1; meetings: 1."
        in _told(response)
    )
    # Each saved with its history, by whom.
    user = response.wsgi_request.user
    for record, before in ((slot, slot_history), (meeting, meeting_history)):
        assert record.history.count() == before + 1
        assert record.history.first().history_user_id == user.pk
    before = elsewhere.starts_at
    elsewhere.refresh_from_db()
    assert elsewhere.starts_at == before
    assert (elsewhere.history.count(), undated.history.count()) == (1, 1)
    # The lists show them at the times entered, on the new clock.
    slots = client.get("/admin/partners/meetingslot/").text
    assert f"10/05/2027 09:00–09:45 ({utc_offset(_local(slot, city.tzinfo)[0])})" in slots
    meetings = client.get("/admin/partners/meeting/").text
    assert f"14:00–15:00 ({utc_offset(_local(meeting, city.tzinfo)[0])})" in meetings


def test_a_zone_whose_clocks_read_the_same_moves_nothing_and_says_nothing(officer):
    """Krakau entered on the office's clock (Berlin), corrected to Warsaw's: the same
    times, so no message, no history row without changes, no version that would refuse
    a colleague's save of the meeting as "changed meanwhile"."""
    city = f.CityFactory(name="Krakau", country="PL", time_zone="")
    nine = datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo)
    slot = _slot(_stop_in(city), nine)
    meeting = _meeting(city, nine)
    before = {record: (record.version, record.history.count()) for record in (slot, meeting)}

    response = _post_zone(officer, city, "Europe/Warsaw")

    assert response.status_code == 302, form_errors(response)
    assert not any("Local times kept" in message for message in _told(response))
    for record, (version, history) in before.items():
        record.refresh_from_db()
        assert (record.version, record.history.count()) == (version, history)


def test_the_history_of_a_slot_and_a_meeting_shows_the_same_local_times(officer):
    """Each time on the clock its city had then: 09:00 (UTC+2) before, 09:00 (UTC+8)
    after, not 15:00 (UTC+8) before."""
    city = f.CityFactory(name="Nanjing", time_zone="")
    nine = datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo)
    slot = _slot(_stop_in(city), nine)
    meeting = _meeting(city, nine)
    assert _post_zone(officer, city, "Asia/Shanghai").status_code == 302
    for url in (
        f"/admin/partners/meetingslot/{slot.pk}/history/",
        f"/admin/partners/meeting/{meeting.pk}/history/",
    ):
        page = officer.get(url).text
        assert "10 May 2027 09:00 (UTC+2)" in page and "10 May 2027 09:00 (UTC+8)" in page
        assert "10 May 2027 15:00" not in page
    # Each version of the slot named as it was then: created at 09:00 on Berlin's clock.
    page = officer.get(f"/admin/partners/meetingslot/{slot.pk}/history/").text
    assert "Nanjing 2027-05-10 09:00 (UTC+2)" in page
    assert "2027-05-10 15:00" not in page


def test_an_older_version_of_a_slot_reads_and_is_restored_at_its_local_time(db):
    """Its version page, reached from the history, reads 09:00 as entered (not 15:00 on
    the corrected zone), and restoring it keeps 09:00 on the city's clock now."""
    administrator = client_for(user_with_role(ADMINISTRATORS))
    city = f.CityFactory(name="Nanjing", time_zone="")
    slot = _slot(_stop_in(city), datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo))
    created = slot.history.get()
    assert _post_zone(administrator, city, "Asia/Shanghai").status_code == 302
    url = f"/admin/partners/meetingslot/{slot.pk}/history/{created.history_id}/"

    data = change_form_data(administrator, url)
    assert (data["starts_at_0"], data["starts_at_1"]) == ("2027-05-10", "09:00:00")
    response = administrator.post(url, data)

    assert response.status_code == 302, form_errors(response)
    slot.refresh_from_db()
    city.refresh_from_db()
    assert slot.starts_at == datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo)


def test_a_meeting_page_opened_before_the_zone_was_corrected_is_refused_on_its_clocks(officer):
    """The refusal names the times as the form and the history read them: 09:00 on
    Berlin's clock, then 09:00 on Shanghai's; not 09:00 → 03:00 on the office's clock."""
    city = f.CityFactory(name="Nanjing", time_zone="")
    meeting = _meeting(city, datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo), delegation=None)
    url = f"/admin/partners/meeting/{meeting.pk}/change/"
    opened = change_form_data(officer, url)
    assert _post_zone(officer, city, "Asia/Shanghai").status_code == 302

    response = officer.post(url, opened | {"outcome": "Gut gelaufen"})

    assert response.status_code == 200
    errors = form_errors(response)
    assert "“10 May 2027 09:00 (UTC+2)” → “10 May 2027 09:00 (UTC+8)”" in errors
    assert "03:00" not in errors


def test_a_zone_whose_clocks_skip_a_time_is_refused_naming_it_and_nothing_is_saved(officer):
    """02:30 on 28 March 2027 does not exist in Berlin."""
    city = f.CityFactory(name="Nanjing", time_zone="Asia/Shanghai")
    stop = _stop_in(city)
    half_past_two = datetime.datetime(2027, 3, 28, 2, 30, tzinfo=city.tzinfo)
    skipped = _slot(stop, half_past_two, 30)
    kept = _slot(stop, datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo))
    meeting = _meeting(city, half_past_two, 30, title="Werksbesuch")
    stored = {record: record.starts_at for record in (skipped, kept, meeting)}
    histories = {record: record.history.count() for record in stored}

    response = _post_zone(officer, city, "Europe/Berlin")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {
        "time_zone": [
            "The clocks of Europe/Berlin skip these local times (they go forward then): "
            "meeting slot of “Reise nach Nanjing”, 28 March 2027 02:30–03:00 (UTC+8); "
            "meeting “Werksbesuch”, 28 March 2027 02:30–03:00 (UTC+8). Move them first."
        ]
    }
    _assert_unchanged(city, "Asia/Shanghai", stored, histories)
    # Saved without its checks (a script), the city refuses too.
    city.time_zone = "Europe/Berlin"
    with pytest.raises(ValidationError):
        city.save()
    _assert_unchanged(city, "Asia/Shanghai", stored, histories)


def _assert_unchanged(city, time_zone, stored, histories):
    city.refresh_from_db()
    assert city.time_zone == time_zone
    for record, starts_at in stored.items():
        record.refresh_from_db()
        assert record.starts_at == starts_at
        assert record.history.count() == histories[record]


def test_a_zone_that_moves_a_slot_out_of_its_stops_dates_is_refused(officer):
    """The slot's dates are checked on the new clock, as for a stop moved: one already
    outside its stop's (written without the checks) is named, and nothing moves."""
    city = f.CityFactory(name="Nanjing", time_zone="")
    stop = _stop_in(city, arrival=datetime.date(2027, 5, 10), departure=datetime.date(2027, 5, 12))
    outside = _slot(stop, datetime.datetime(2027, 5, 13, 9, tzinfo=city.tzinfo))
    stored = {outside: outside.starts_at}

    response = _post_zone(officer, city, "Asia/Shanghai")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "time_zone": [
            "On the clock of Asia/Shanghai these meeting slots would lie outside their "
            "stop's dates: meeting slot of “Reise nach Nanjing”, 13 May 2027 09:00–09:45 "
            "(UTC+8). Move them first."
        ]
    }
    _assert_unchanged(city, "", stored, {outside: 1})


def _records_in(city):
    """A slot and a meeting at 09:00 on ``city``'s clock, with their times as stored and
    their history rows."""
    nine = datetime.datetime(2027, 5, 10, 9, tzinfo=city.tzinfo)
    stored = {
        record: record.starts_at for record in (_slot(_stop_in(city), nine), _meeting(city, nine))
    }
    return stored, {record: record.history.count() for record in stored}


def test_a_revert_to_the_zone_before_keeps_the_local_times_too(officer):
    """An administrator reverts the city to its version before the correction: 09:00
    stays 09:00 on the office's clock again, and the administrator is told."""
    city = f.CityFactory(time_zone="")
    stored, histories = _records_in(city)
    assert _post_zone(officer, city, "Asia/Shanghai").status_code == 302
    administrator = client_for(user_with_role(ADMINISTRATORS))
    url = f"/admin/partners/city/{city.pk}/history/{city.history.earliest().history_id}/"

    response = administrator.post(url, change_form_data(administrator, url))

    assert response.status_code == 302, form_errors(response)
    city.refresh_from_db()
    assert city.time_zone == ""
    for record, starts_at in stored.items():
        record.refresh_from_db()
        assert (record.starts_at, record.history.count()) == (starts_at, histories[record] + 2)
    assert (
        "Local times kept on the clock of Europe/Berlin: meeting slots: 1; meetings: 1."
        in _told(response)
    )


def test_a_city_without_slots_or_meetings_changes_its_zone_quietly(officer):
    """Nothing to say of it; a city beside it with a slot and a meeting is told."""
    empty = f.CityFactory(time_zone="")
    response = _post_zone(officer, empty, "Asia/Shanghai")
    assert response.status_code == 302, form_errors(response)
    empty.refresh_from_db()
    assert empty.time_zone == "Asia/Shanghai"
    assert not any("Local times kept" in message for message in _told(response))
    city = f.CityFactory(time_zone="")
    _records_in(city)
    response = _post_zone(officer, city, "Asia/Shanghai")
    assert (
        "Local times kept on the clock of Asia/Shanghai: meeting slots: 1; meetings: 1."
        in _told(response)
    )


@pytest.mark.parametrize(
    "time_zone, same_clock", [("Asia/Shanghai", "Asia/Shanghai"), ("", "Europe/Berlin")]
)
def test_a_city_saved_on_the_same_clock_writes_nothing_else(officer, time_zone, same_clock):
    """Its zone unchanged, or empty made the office's own (Europe/Berlin): its slots and
    meetings are not saved again. Then a zone on another clock saves each once."""
    city = f.CityFactory(time_zone=time_zone)
    stored, histories = _records_in(city)

    response = _post_zone(officer, city, same_clock, population="2000000")

    assert response.status_code == 302, form_errors(response)
    _assert_unchanged(city, same_clock, stored, histories)
    assert city.population == 2_000_000
    assert not any("Local times kept" in message for message in _told(response))
    assert _post_zone(officer, city, "Asia/Tokyo").status_code == 302
    for record, before in histories.items():
        record.refresh_from_db()
        assert record.history.count() == before + 1
        assert record.starts_at != stored[record]
