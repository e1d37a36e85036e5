"""Rows that contradict each other are refused on the field that is wrong: the reports
count by these links, and the scheduler reads the status."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from . import factories as f


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def errors_of(record) -> dict:
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    return refused.value.message_dict


def test_a_handovers_meeting_is_one_of_its_delegations(db):
    handover = f.ProfileHandoverFactory(delegation__title="Reise nach Nanjing")
    other = f.MeetingFactory(delegation__title="Reise nach Jining")
    handover.meeting = other
    assert errors_of(handover) == {
        "meeting": [f"This meeting belongs to another delegation: {other.delegation}."]
    }
    handover.meeting = f.MeetingFactory(delegation=handover.delegation)
    handover.full_clean()


def test_a_trip_meeting_known_by_its_day_only_lies_within_the_trips_dates(db):
    trip = f.DelegationFactory(
        start_date=datetime.date(2019, 6, 25), end_date=datetime.date(2019, 6, 30)
    )
    meeting = f.MeetingFactory(delegation=trip, date=datetime.date(2024, 6, 26))
    assert errors_of(meeting) == {"date": ["Outside the delegation's dates: 25–30 June 2019."]}
    meeting.date = datetime.date(2019, 6, 30)
    meeting.full_clean()


def test_a_scheduled_meeting_request_has_a_slot(db):
    request = f.MeetingRequestFactory(status="scheduled", slot=None)
    assert errors_of(request) == {
        "slot": ["A scheduled meeting has a slot: choose one, or set the status to accepted."]
    }
    request.status = "accepted"
    request.full_clean()


def test_a_trip_ending_before_it_starts_is_refused_on_its_end_date_only(db):
    # Its stops and meetings are not measured against days that cannot be: on the
    # delegation page, one typo in the end date marked every row "outside 25–20 June".
    meeting = f.MeetingFactory(date=datetime.date(2019, 6, 26))
    stop = f.DelegationStopFactory(
        delegation=meeting.delegation, arrival=datetime.date(2019, 6, 25)
    )
    trip = meeting.delegation
    trip.end_date = datetime.date(2019, 6, 20)
    assert list(errors_of(trip)) == ["end_date"]
    meeting.full_clean()
    stop.full_clean()
