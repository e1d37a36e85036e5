"""The seed's planned company trip, ready to demonstrate (issue 17); `make run` loads it.

The seed knows only that a larger trip with Leipzig companies to the Nanjing and Jining
region is planned. For the demo it gets dates a few months ahead, its two stops with
meeting slots, an open registration with a closing date and a capacity, registrations of
the demo companies (fixtures/demo_companies.json) with their travellers, and the meetings
they asked for: enough for `schedule_meetings <slug> --dry-run` to have work to do.

Everything added is fictional. Registrations, their people, the requests and the two
counterparts added here are internal (the publication rule); the public sees what the
seed already publishes: the trip, now with its dates and cities. Loading again adds
nothing and changes nothing already there, so an officer's decisions in the demo stay.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..models import (
    City,
    Delegation,
    DelegationStop,
    MeetingRequest,
    MeetingSlot,
    Organisation,
    Person,
    TripRegistration,
)

TRIP_SLUG = "delegationsreise-leipziger-unternehmen-ost-china"
WEEKS_AHEAD = 16  # the trip starts on the first Monday at least this far ahead
CLOSES_DAYS_BEFORE = 28
CAPACITY = 6  # as many companies as are accepted: accepting the next one says "full"

# city slug, days after the start (arrival, departure), meeting day, slot start times in
# the city's time zone
STOPS = [
    ("nanjing", 0, 3, 1, ["09:00", "10:00", "11:00", "14:00"]),
    ("jining", 3, 5, 4, ["09:00", "10:00", "11:00"]),
]
SLOT_MINUTES = 45
TABLES = 2

# Fictional counterparts beside the seed's two governments (so that a company can meet more
# than one office per city), and the demo companies' registrations: company_trip.json.
DATA = json.loads(Path(__file__).with_name("company_trip.json").read_text(encoding="utf-8"))


def trip_start(trip: Delegation, today: datetime.date) -> datetime.date:
    """The first day: as loaded before (`loaddata seed` blanks the trip's dates again, not
    the stops added here), else the first Monday WEEKS_AHEAD from today."""
    first_stop = trip.stops.filter(city__slug=STOPS[0][0]).exclude(arrival=None).first()
    if first_stop:
        return first_stop.arrival - datetime.timedelta(days=STOPS[0][1])
    earliest = today + datetime.timedelta(weeks=WEEKS_AHEAD)
    return trip.start_date or earliest + datetime.timedelta(days=-earliest.weekday() % 7)


@transaction.atomic
def load_company_trip(*, today: datetime.date | None = None) -> Delegation:
    """Give the seed's planned trip what a demo needs; adds only what is missing."""
    trip = Delegation.objects.select_for_update().get(slug=TRIP_SLUG)
    if trip.start_date is None:
        start = trip_start(trip, today or timezone.localdate())
        trip.start_date = start
        trip.end_date = start + datetime.timedelta(days=STOPS[-1][2])
        trip.date_precision = Delegation.DatePrecision.DAY
        trip.registration_open = True
        trip.registration_closes_on = start - datetime.timedelta(days=CLOSES_DAYS_BEFORE)
        trip.capacity = CAPACITY
        trip.save()
    _stops_and_slots(trip)
    counterparts = _counterparts()
    for entry in DATA["registrations"]:
        _registration(trip, entry, counterparts)
    return trip


def _stops_and_slots(trip: Delegation) -> None:
    for order, (city, arrives, departs, meeting_day, times) in enumerate(STOPS, 1):
        stop, _ = DelegationStop.objects.get_or_create(
            delegation=trip,
            city=City.objects.get(slug=city),
            defaults={
                "order": order,
                "arrival": trip.start_date + datetime.timedelta(days=arrives),
                "departure": trip.start_date + datetime.timedelta(days=departs),
            },
        )
        day = trip.start_date + datetime.timedelta(days=meeting_day)
        for time in times:
            starts_at = datetime.datetime.combine(
                day, datetime.time.fromisoformat(time), tzinfo=stop.city.tzinfo
            )
            MeetingSlot.objects.get_or_create(
                delegation=trip,
                stop=stop,
                starts_at=starts_at,
                defaults={
                    "ends_at": starts_at + datetime.timedelta(minutes=SLOT_MINUTES),
                    "tables": TABLES,
                },
            )


def _counterparts() -> dict[str, Organisation]:
    for slug, names in DATA["counterparts"].items():
        Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                **names,
                "name": names["name_de"],
                "city": City.objects.get(slug=names["city"]),
                "description": "Fiktive Organisation (Demodaten).",
            },
        )
    requested = {slug for entry in DATA["registrations"] for slug, *_ in entry["requests"]}
    return Organisation.objects.in_bulk(requested, field_name="slug")


def _person(company: Organisation, name: str, position: str, email: str = "") -> Person:
    person, _ = Person.objects.get_or_create(
        organisation=company,
        full_name=name,
        defaults={
            "position": position,
            "position_de": position,
            "email": email,
            "lawful_basis": Person.LawfulBasis.CONSENT,
            "consent_given_on": timezone.localdate(),
            "notes": "Fiktive Person (Demodaten).",
        },
    )
    return person


def _registration(trip: Delegation, entry: dict, counterparts: dict) -> None:
    company = Organisation.objects.select_related("profile").get(slug=entry["company"])
    contact = _person(company, *entry["contact"])
    registration, created = TripRegistration.objects.get_or_create(
        delegation=trip,
        organisation=company,
        defaults={
            "profile": company.profile,
            "contact": contact,
            "language": entry.get("language", "de"),
            "status": entry["status"],
            "wishes": entry.get("wishes", ""),
            "confirmed_at": timezone.now(),
        },
    )
    if not created:
        return  # the demo's own history from here on (decisions, withdrawals) is kept
    travellers = [_person(company, name, position) for name, position in entry["travellers"]]
    registration.representatives.add(contact, *travellers)
    for slug, priority, mutual in entry["requests"]:
        MeetingRequest.objects.create(
            delegation=trip,
            registration=registration,
            counterpart=counterparts[slug],
            priority=priority,
            mutual=mutual,
        )
