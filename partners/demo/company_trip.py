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
from dataclasses import dataclass

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

NANJING_GOV, JINING_GOV = "stadtregierung-nanjing", "regionalregierung-jining"
PARK, CHAMBER = "beispiel-industriepark-nanjing", "beispiel-handelskammer-jining"
# Fictional counterparts beside the seed's two governments, so that a company can meet
# more than one office per city. slug: (German, English, Chinese name, kind, city slug)
COUNTERPARTS = {
    PARK: ("Beispiel-Industriepark Nanjing", "Example Industrial Park Nanjing", "南京示例工业园",
           Organisation.Kind.AGENCY, "nanjing"),
    CHAMBER: ("Beispiel-Handelskammer Jining", "Example Chamber of Commerce Jining",
              "济宁示例商会", Organisation.Kind.CHAMBER, "jining"),
}  # fmt: skip


@dataclass
class Entry:
    company: str  # the demo company's slug
    status: str
    contact: tuple[str, str, str]  # name, position, e-mail
    travellers: list[tuple[str, str]]  # name, position; the contact travels too
    requests: list[tuple[str, int, bool]]  # counterpart slug, priority, mutual
    wishes: str = ""
    language: str = "de"


Status = TripRegistration.Status
ENTRIES = [
    Entry(
        "beispiel-praezisionsteile",
        Status.ACCEPTED,
        ("Katrin Vogel", "Geschäftsführerin", "k.vogel@praezisionsteile.example"),
        [("Jens Albrecht", "Vertriebsleiter")],
        [(NANJING_GOV, 1, True), (PARK, 2, False), (JINING_GOV, 2, False)],
        "Gern ein Besuch in einem Zulieferbetrieb in Nanjing.",
    ),
    Entry(
        "beispiel-logistik",
        Status.ACCEPTED,
        ("Thomas Reinhardt", "Leiter Internationales", "t.reinhardt@logistik.example"),
        [],
        [(NANJING_GOV, 1, False), (CHAMBER, 1, True)],
    ),
    Entry(
        "beispiel-software",
        Status.ACCEPTED,
        ("Sarah Lindner", "CTO", "sarah.lindner@software.example"),
        [("Wang Lei", "Business Development China")],
        [(NANJING_GOV, 2, False), (PARK, 1, False)],
        language="en",
    ),
    Entry(
        "beispiel-medizintechnik",
        Status.ACCEPTED,
        ("Martin Hoffmann", "Geschäftsführer", "m.hoffmann@medizintechnik.example"),
        [],
        [(NANJING_GOV, 1, False), (JINING_GOV, 1, False)],
    ),
    Entry(
        "beispiel-umwelttechnik",
        Status.ACCEPTED,
        ("Claudia Brandt", "Projektleiterin", "c.brandt@umwelttechnik.example"),
        [],
        [(NANJING_GOV, 3, False), (JINING_GOV, 2, False), (CHAMBER, 3, False)],
    ),
    Entry(
        "beispiel-fahrzeugkomponenten",
        Status.ACCEPTED,
        ("Uwe Krause", "Leiter Einkauf", "u.krause@fahrzeugkomponenten.example"),
        [("Nadine Scholz", "Qualitätsmanagement")],
        [(NANJING_GOV, 2, False), (PARK, 2, False), (JINING_GOV, 3, False)],
    ),
    # Confirmed their e-mail, waiting for the office's decision (the trip is full).
    Entry(
        "beispiel-biotechnologie",
        Status.CONFIRMED,
        ("Julia Neumann", "Head of Partnerships", "j.neumann@biotechnologie.example"),
        [],
        [(PARK, 1, False)],
        language="en",
    ),
    Entry(
        "beispiel-energiesysteme",
        Status.WAITLISTED,
        ("Frank Schubert", "Geschäftsführer", "f.schubert@energiesysteme.example"),
        [],
        [(JINING_GOV, 2, False)],
    ),
]


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
    for entry in ENTRIES:
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
    for slug, (german, english, chinese, kind, city) in COUNTERPARTS.items():
        Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": german,
                "name_de": german,
                "name_en": english,
                "name_zh_hans": chinese,
                "kind": kind,
                "city": City.objects.get(slug=city),
                "description": "Fiktive Organisation (Demodaten).",
            },
        )
    return Organisation.objects.in_bulk([NANJING_GOV, JINING_GOV, *COUNTERPARTS], field_name="slug")


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


def _registration(trip: Delegation, entry: Entry, counterparts: dict) -> None:
    company = Organisation.objects.select_related("profile").get(slug=entry.company)
    contact = _person(company, *entry.contact)
    registration, created = TripRegistration.objects.get_or_create(
        delegation=trip,
        organisation=company,
        defaults={
            "profile": company.profile,
            "contact": contact,
            "language": entry.language,
            "status": entry.status,
            "wishes": entry.wishes,
            "confirmed_at": timezone.now(),
        },
    )
    if not created:
        return  # the demo's own history from here on (decisions, withdrawals) is kept
    travellers = [_person(company, name, position) for name, position in entry.travellers]
    registration.representatives.add(contact, *travellers)
    for slug, priority, mutual in entry.requests:
        MeetingRequest.objects.create(
            delegation=trip,
            registration=registration,
            counterpart=counterparts[slug],
            priority=priority,
            mutual=mutual,
        )
