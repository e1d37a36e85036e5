"""Pinned meetings that no schedule may keep are refused: on the admin form, on the field
that is wrong, and by ``schedule_meetings`` before it solves, naming the request."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from partners import models as m
from partners.roles import TRADE_OFFICERS
from partners.scheduling.trips import schedule_meetings

from . import factories as f
from .backoffice import change_form_data, client_for, user_with_role

UTC = datetime.UTC
NINE = datetime.datetime(2027, 5, 10, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def trip(db):
    """Two stops, Nanjing and Lyon, each with a one-table slot at 9:00 (their own day) and
    a counterpart; a company travelling to Nanjing only, and one travelling everywhere."""
    delegation = f.DelegationFactory(status="planned", start_date=None, end_date=None)
    stops, slots, counterparts = {}, {}, {}
    for day, name in enumerate(["Nanjing", "Lyon"]):
        city = f.CityFactory(name=name)
        stops[name] = f.DelegationStopFactory(delegation=delegation, city=city)
        starts = NINE + datetime.timedelta(days=day)
        slots[name] = f.MeetingSlotFactory(
            delegation=delegation,
            stop=stops[name],
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=30),
            tables=1,
        )
        counterparts[name] = f.OrganisationFactory(name=f"Partner {name}", city=city)
    only_nanjing = f.TripRegistrationFactory(delegation=delegation, organisation__name="Nur GmbH")
    only_nanjing.stops.add(stops["Nanjing"])
    everywhere = f.TripRegistrationFactory(delegation=delegation, organisation__name="Alle AG")
    delegation.stops_by_city, delegation.slots_by_city = stops, slots
    delegation.counterparts = counterparts
    delegation.only_nanjing, delegation.everywhere = only_nanjing, everywhere
    return delegation


def pin(registration, counterpart, slot, **fields):
    """A pinned request as an officer would save it, without the form's checks."""
    return f.MeetingRequestFactory(
        registration=registration,
        counterpart=counterpart,
        slot=slot,
        table=fields.pop("table", 1),
        pinned=True,
        status="scheduled",
        **fields,
    )


def errors_of(request) -> dict:
    with pytest.raises(ValidationError) as refused:
        request.full_clean()
    return refused.value.message_dict


def test_a_pin_into_a_slot_in_another_city_than_the_counterparts(trip):
    request = pin(trip.everywhere, trip.counterparts["Lyon"], trip.slots_by_city["Nanjing"])
    assert errors_of(request) == {
        "slot": [
            "The counterpart is in Lyon, this slot at the stop in Nanjing: choose a slot in Lyon."
        ]
    }
    request.slot = trip.slots_by_city["Lyon"]
    request.full_clean()  # the control


def test_a_pin_to_a_counterpart_in_a_city_the_company_does_not_visit(trip):
    request = pin(trip.only_nanjing, trip.counterparts["Lyon"], trip.slots_by_city["Lyon"])
    assert errors_of(request) == {
        "counterpart": [
            "Nur GmbH does not travel to Lyon, the counterpart's city (the stops of its "
            "registration)."
        ]
    }


def test_a_pin_to_a_counterpart_in_a_city_the_trip_does_not_visit(trip):
    elsewhere = f.OrganisationFactory(city=f.CityFactory(name="Jining"))
    request = pin(trip.everywhere, elsewhere, trip.slots_by_city["Nanjing"])
    assert errors_of(request) == {
        "counterpart": [
            "The trip has no stop in Jining, the counterpart's city: no slot can hold this meeting."
        ]
    }


def test_a_pin_at_a_second_stop_in_the_city_the_company_skips(trip):
    # The trip comes back to Nanjing; the company travels to the first visit only.
    again = f.DelegationStopFactory(delegation=trip, city=trip.stops_by_city["Nanjing"].city)
    starts = NINE + datetime.timedelta(days=5)
    later = f.MeetingSlotFactory(
        delegation=trip, stop=again, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
    )
    request = pin(trip.only_nanjing, trip.counterparts["Nanjing"], later)
    assert errors_of(request) == {
        "slot": [
            f"Nur GmbH does not travel to this slot's stop, {again} (the stops of its "
            "registration)."
        ]
    }


def test_a_pin_into_a_slot_outside_its_stops_dates(trip):
    nanjing = trip.stops_by_city["Nanjing"]
    # The stop's dates changed behind the form's back (its form refuses it).
    m.DelegationStop.objects.filter(pk=nanjing.pk).update(
        arrival=datetime.date(2027, 5, 11), departure=datetime.date(2027, 5, 12)
    )
    request = pin(trip.everywhere, trip.counterparts["Nanjing"], trip.slots_by_city["Nanjing"])
    request = m.MeetingRequest.objects.get(pk=request.pk)  # with the stop as stored
    [message] = errors_of(request)["slot"]
    assert message.startswith("The slot lies outside its stop's dates. Outside the stop in")


def test_two_pins_at_one_table_or_one_party_at_once(trip):
    slot = trip.slots_by_city["Nanjing"]
    slot.tables = 2
    slot.save()
    first = pin(trip.everywhere, trip.counterparts["Nanjing"], slot)
    newcomer = f.TripRegistrationFactory(delegation=trip, organisation__name="Neu KG")
    same_table = pin(newcomer, f.OrganisationFactory(city=slot.stop.city), slot)
    assert errors_of(same_table) == {"table": [f"Table 1 of this slot is taken by {first}."]}
    same_table.delete()
    # Another table, but the counterpart meets Alle AG then.
    same_counterpart = pin(newcomer, trip.counterparts["Nanjing"], slot, table=2)
    assert errors_of(same_counterpart) == {
        "slot": [f"Partner Nanjing has another fixed meeting at that time: {first}, {slot}."]
    }
    # An overlapping slot: Alle AG is in its 9:00 meeting.
    overlapping = f.MeetingSlotFactory(
        delegation=trip,
        stop=slot.stop,
        starts_at=slot.starts_at + datetime.timedelta(minutes=15),
        ends_at=slot.ends_at + datetime.timedelta(minutes=15),
    )
    same_company = pin(trip.everywhere, f.OrganisationFactory(city=slot.stop.city), overlapping)
    assert errors_of(same_company) == {
        "slot": [f"Alle AG has another fixed meeting at that time: {first}, {slot}."]
    }
    same_company.pinned = False  # unpinned, the scheduler may move it
    same_company.full_clean()


def test_a_pin_in_another_city_too_close_to_travel_to(trip, settings):
    nanjing = trip.slots_by_city["Nanjing"]
    lyon = trip.slots_by_city["Lyon"]
    lyon.starts_at = nanjing.ends_at + datetime.timedelta(minutes=90)
    lyon.ends_at = lyon.starts_at + datetime.timedelta(minutes=30)
    lyon.save()  # now on Nanjing's day, an hour and a half after
    first = pin(trip.everywhere, trip.counterparts["Nanjing"], nanjing)
    second = pin(trip.everywhere, trip.counterparts["Lyon"], lyon)
    assert errors_of(second) == {
        "slot": [
            "Alle AG has another fixed meeting less than 120 minutes away, in another city: "
            f"{first}, {nanjing}."
        ]
    }
    settings.CRM_TRAVEL_MINUTES = 90  # an hour and a half is enough for that
    second.full_clean()


def test_the_admin_form_shows_a_bad_pin_on_its_field(trip):
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.post(
        "/admin/partners/meetingrequest/add/",
        {
            "delegation": trip.pk,
            "registration": trip.only_nanjing.pk,
            "counterpart": trip.counterparts["Lyon"].pk,
            "priority": 1,
            "status": "scheduled",
            "slot": trip.slots_by_city["Lyon"].pk,
            "table": 1,
            "pinned": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "counterpart": [
            "Nur GmbH does not travel to Lyon, the counterpart's city (the stops of its "
            "registration)."
        ]
    }
    assert not m.MeetingRequest.objects.exists()


def test_the_command_names_every_bad_pin_and_changes_nothing(trip):
    nanjing, lyon = trip.slots_by_city["Nanjing"], trip.slots_by_city["Lyon"]
    wrong_city = pin(trip.everywhere, trip.counterparts["Lyon"], nanjing)
    not_travelling = pin(trip.only_nanjing, trip.counterparts["Lyon"], lyon)
    open_request = f.MeetingRequestFactory(
        registration=trip.only_nanjing, counterpart=trip.counterparts["Nanjing"]
    )
    before = list(trip.meeting_requests.values_list("pk", "slot", "table", "status", "version"))

    with pytest.raises(CommandError) as refused:
        call_command("schedule_meetings", trip.slug)

    assert str(refused.value).splitlines() == [
        f"Pinned meeting {wrong_city}, slot: The counterpart is in Lyon, this slot at the "
        "stop in Nanjing: choose a slot in Lyon.",
        f"Pinned meeting {not_travelling}, counterpart: Nur GmbH does not travel to Lyon, "
        "the counterpart's city (the stops of its registration).",
    ]
    after = list(trip.meeting_requests.values_list("pk", "slot", "table", "status", "version"))
    assert after == before
    assert open_request.pk in [row[0] for row in after]


def test_a_pin_into_a_slot_of_another_trip_is_refused_not_a_database_error(trip):
    request = pin(trip.everywhere, trip.counterparts["Nanjing"], trip.slots_by_city["Nanjing"])
    elsewhere = f.MeetingSlotFactory()  # of another trip, saved past the form's check
    m.MeetingRequest.objects.filter(pk=request.pk).update(slot=elsewhere)

    with pytest.raises(ValueError, match="slot: The slot belongs to another delegation"):
        schedule_meetings(delegation=trip, seconds=1)

    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.post(
        "/admin/partners/delegation/",
        {"action": "schedule_trip_meetings", "_selected_action": [trip.pk]},
        follow=True,
    )
    assert response.status_code == 200
    [message] = [str(message) for message in response.context["messages"]]
    assert f"Pinned meeting {request}, slot: The slot belongs to another delegation." in message


def test_good_pins_are_scheduled_where_they_are(trip):
    kept = pin(trip.only_nanjing, trip.counterparts["Nanjing"], trip.slots_by_city["Nanjing"])
    result = schedule_meetings(delegation=trip, seconds=1)
    kept.refresh_from_db()
    assert (kept.slot, kept.table, kept.pinned) == (trip.slots_by_city["Nanjing"], 1, True)
    assert result.scheduled == 1


def test_a_meeting_moved_by_hand_without_a_pin_obeys_the_same_rules(trip):
    """Moved into a slot in Nanjing by hand, unpinned, a meeting with the Lyon partner was
    saved without a word and printed on both agendas in Nanjing until the next run."""
    officer = client_for(user_with_role(TRADE_OFFICERS))
    request = f.MeetingRequestFactory(
        registration=trip.everywhere, counterpart=trip.counterparts["Lyon"], status="accepted"
    )
    url = f"/admin/partners/meetingrequest/{request.pk}/change/"
    data = change_form_data(officer, url)
    data.update(status="scheduled", slot=trip.slots_by_city["Nanjing"].pk, table=1)
    response = officer.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "slot": [
            "The counterpart is in Lyon, this slot at the stop in Nanjing: choose a slot in Lyon."
        ]
    }
    request.refresh_from_db()
    assert request.slot is None
    data["slot"] = trip.slots_by_city["Lyon"].pk
    assert officer.post(url, data).status_code == 302  # the control
