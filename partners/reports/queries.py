"""What managers ask each quarter: activity per partner city in a period.

Aggregation only (no HTTP, no file format). The report reads each kind of record once
(``load``: a fixed number of queries), decides which partner city each record belongs to
(``Places``) and keeps it as a small ``Fact``. Every figure is then one ``Figure`` in
``partners.reports.figures``, counted over those facts for any period: the summary, the
timeline, the charts, the sheets, ``export_report`` and the desk all count the same way.

How we count (README "Reports", and the report page's "How we count"):
- Partner cities are the cities in a partnership with a home city; a home city
  (``City.is_home``) is never one.
- A delegation belongs to the partner cities it concerns: outbound, each partner city it
  stopped in; inbound, the city the visitors came from. It falls in the period its start
  date falls in (a trip over New Year counts once, in the year it began).
- A meeting, a profile handover and a memorandum each belong to exactly one partner city:
  with a delegation, the partner city of that delegation (outbound: the stop where it
  happened, i.e. its own place when a partner city, else its counterpart's city when the
  trip stopped there, else the trip's first partner-city stop; inbound: the visitors'
  origin city);
  without one (or when the delegation reached no partner city), the city where it happened
  when that is a partner city, else the partner city of the counterpart organisation
  (the meeting's first organisation, the handover's recipient, the memorandum's first
  party). A memorandum of a partnership belongs to that partnership's partner city.
- A follow-up belongs to its partner city, else to the city of its meeting, memorandum or
  delegation by the rules above.
- Dates: a meeting's own date, else its delegation's start; a handover's own date, else
  its meeting's, else its delegation's start; a memorandum's signing date, else its
  delegation's start; a follow-up's due date, else the day it was logged. A record
  without any date falls in no period.
"""

import bisect
import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import DateField, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from ..models import (
    City,
    Delegation,
    DelegationStop,
    FollowUp,
    Meeting,
    Memorandum,
    MemorandumParty,
    Organisation,
    ProfileHandover,
)

OUT, IN = Delegation.Direction.OUTBOUND, Delegation.Direction.INBOUND
CANCELLED = Delegation.Status.CANCELLED
UNSIGNED = [Memorandum.Status.DRAFT, Memorandum.Status.NEGOTIATION]


def partner_cities() -> QuerySet:
    """Every partner city of a home city, never a home city itself."""
    return City.objects.partners_of_home_cities().exclude(is_home=True)


@dataclass(frozen=True)
class Criteria:
    """What a report covers. ``partner_cities`` None means every partner city."""

    start: datetime.date
    end: datetime.date
    home_city: City | None = None
    partner_cities: QuerySet | None = None
    direction: str = ""
    organisation: Organisation | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @classmethod
    def for_year(cls, year: int, **kwargs) -> "Criteria":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), **kwargs)

    def cities(self) -> QuerySet:
        cities = self.partner_cities
        if cities is None:
            cities = partner_cities()
            if self.home_city:
                cities = cities.filter(partnered_with__home_city=self.home_city)
        # Order by the default-language name: it is always filled (name_en may be blank).
        return cities.exclude(is_home=True).order_by("name_de", "pk")


# The records the criteria select, before the period and the partner city are applied.


def _led_or_supported_by(organisation, prefix: str = "") -> Q:
    return Q(**{f"{prefix}lead_organisation": organisation}) | Q(
        **{f"{prefix}supporting_organisations": organisation}
    )


def delegations(c: Criteria) -> QuerySet:
    matching = Delegation.objects.all()
    if c.direction:
        matching = matching.filter(direction=c.direction)
    if c.home_city:
        matching = matching.filter(
            Q(direction=OUT, origin_city=c.home_city) | Q(direction=IN, stops__city=c.home_city)
        )
    if c.organisation:
        matching = matching.filter(_led_or_supported_by(c.organisation))
    # pk__in keeps one row per delegation however many joins matched.
    return Delegation.objects.filter(pk__in=matching.values("pk"))


def _through_delegation(queryset: QuerySet, c: Criteria) -> QuerySet:
    """Records of trips in the chosen direction and from/to the chosen home city.

    The organisation is left to each kind of record: a meeting with an organisation
    counts for it even when someone else led the trip.
    """
    if not (c.direction or c.home_city):
        return queryset
    trips = Delegation.objects.all()
    if c.direction:
        trips = trips.filter(direction=c.direction)
    if c.home_city:
        trips = trips.filter(
            Q(direction=OUT, origin_city=c.home_city) | Q(direction=IN, stops__city=c.home_city)
        )
    within = Q(delegation__in=trips.values("pk"))
    return queryset.filter(within if c.direction else within | Q(delegation__isnull=True))


def meetings(c: Criteria) -> QuerySet:
    queryset = _through_delegation(Meeting.objects.all(), c)
    if c.organisation:
        involved = Q(organisations=c.organisation) | _led_or_supported_by(
            c.organisation, "delegation__"
        )
        queryset = queryset.filter(pk__in=Meeting.objects.filter(involved).values("pk"))
    return queryset.annotate(
        on=Coalesce("date", "delegation__start_date", output_field=DateField())
    )


def memoranda(c: Criteria) -> QuerySet:
    """Memoranda that were signed (signed, expired or terminated), by their signing day."""
    queryset = Memorandum.objects.exclude(status__in=UNSIGNED)
    if c.home_city:
        queryset = queryset.filter(
            Q(partnership__home_city=c.home_city) | Q(partnership__isnull=True)
        )
    if c.organisation:
        queryset = queryset.filter(parties__organisation=c.organisation)
    queryset = Memorandum.objects.filter(pk__in=queryset.values("pk"))
    return queryset.annotate(
        on=Coalesce("signed_on", "delegation__start_date", output_field=DateField())
    )


def handovers(c: Criteria) -> QuerySet:
    queryset = _through_delegation(ProfileHandover.objects.all(), c)
    if c.organisation:
        involved = (
            Q(recipient=c.organisation)
            | Q(profile__organisation=c.organisation)
            | _led_or_supported_by(c.organisation, "delegation__")
        )
        queryset = queryset.filter(pk__in=ProfileHandover.objects.filter(involved).values("pk"))
    return queryset.annotate(
        on=Coalesce(
            "handed_over_on", "meeting__date", "delegation__start_date", output_field=DateField()
        )
    )


def follow_ups(c: Criteria) -> QuerySet:
    queryset = FollowUp.objects.all()
    if c.organisation:
        queryset = queryset.filter(
            Q(delegation__in=delegations(c).values("pk"))
            | Q(memorandum__parties__organisation=c.organisation)
        )
    return FollowUp.objects.filter(pk__in=queryset.values("pk")).annotate(
        on=Coalesce("due_on", TruncDate("created_at"), output_field=DateField())
    )


# The same record sets within the period (the background export counts its rows so).


def period_delegations(c: Criteria) -> QuerySet:
    return delegations(c).filter(start_date__range=(c.start, c.end))


def period_meetings(c: Criteria) -> QuerySet:
    return meetings(c).filter(on__range=(c.start, c.end))


def period_handovers(c: Criteria) -> QuerySet:
    return handovers(c).filter(on__range=(c.start, c.end))


def period_follow_ups(c: Criteria) -> QuerySet:
    return follow_ups(c).filter(on__range=(c.start, c.end))


# Which partner city a record belongs to.


class Places:
    """The counting rule of the module docstring, over the partner cities and the trips."""

    def __init__(self, partners: set[int], trips: dict[int, tuple[str, int | None]], stops):
        self.partners = partners
        self.trips = trips  # delegation → (direction, origin city)
        stopped: dict[int, list[int]] = {}  # delegation → partner-city stops in order
        for delegation, city in stops:
            if city in partners and city not in stopped.setdefault(delegation, []):
                stopped[delegation].append(city)
        # Each trip's partner cities, worked out once (a trip has hundreds of records).
        self.reached: dict[int, tuple[int, ...]] = {
            delegation: ((origin,) if origin in partners else ())
            if direction == IN
            else tuple(stopped.get(delegation, ()))
            for delegation, (direction, origin) in trips.items()
        }

    def of_delegation(self, delegation: int | None) -> tuple[int, ...]:
        return self.reached.get(delegation, ())

    def one(self, delegation, where=(), counterparts=()) -> tuple[int, ...]:
        """The one partner city of a meeting, handover or memorandum (or none)."""
        reached = self.of_delegation(delegation)
        if reached:
            if self.trips[delegation][0] == IN:
                return reached
            # Outbound: the stop where it happened, as far as the record tells.
            for city in where:
                if city in self.partners:
                    return (city,)
            for city in counterparts:
                if city in reached:
                    return (city,)
            return reached[:1]
        for city in (*where, *counterparts):
            if city in self.partners:
                return (city,)
        return ()


class Fact(NamedTuple):
    """One record as the figures see it: its partner cities, its day and what they test.
    (A named tuple: half a million of them are made for a report at scale.)"""

    pk: int
    on: datetime.date | None
    cities: tuple[int, ...]
    status: str = ""
    direction: str = ""
    profile: int | None = None
    response: str = ""
    due_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    review_on: datetime.date | None = None


class Facts:
    """The facts of each kind, sorted by day so a period is two bisections away."""

    def __init__(self, by_kind: dict[str, list[Fact]], city_names: dict[int, str]):
        self.city_names = city_names
        self._sorted = {}
        self._days = {}
        for kind, facts in by_kind.items():
            dated = sorted((f for f in facts if f.on), key=lambda f: (f.on, f.pk))
            self._sorted[kind] = dated
            self._days[kind] = [f.on for f in dated]

    def all(self, kind: str) -> list[Fact]:
        return self._sorted[kind]

    def between(self, kind: str, start: datetime.date, end: datetime.date) -> list[Fact]:
        days = self._days[kind]
        return self._sorted[kind][bisect.bisect_left(days, start) : bisect.bisect_right(days, end)]

    def first_day(self) -> datetime.date | None:
        return min((days[0] for days in self._days.values() if days), default=None)


def load(c: Criteria, since: datetime.date | None = None) -> Facts:
    """Every record the criteria select up to the period's end, with its partner city.

    Thirteen queries whatever the size of the data; records after the period's end are
    not read (nothing counts them, not even "in force at the end"). ``since``: dated
    records before it are not read either (memoranda always are: they stay in force);
    the timeline needs them all, a summary only its period's.
    """
    partners = set(partner_cities().values_list("pk", flat=True))
    trips = {
        pk: (direction, origin)
        for pk, direction, origin in Delegation.objects.rewrite(False).values_list(
            "pk", "direction", "origin_city"
        )
    }
    stops = DelegationStop.objects.filter(city__in=partner_cities().values("pk"))
    stops = stops.order_by("delegation", "order", "pk").values_list("delegation", "city")
    places = Places(partners, trips, stops)
    end = c.end
    facts = {
        "delegations": [
            Fact(pk, start, places.of_delegation(pk), status, direction)
            for pk, start, status, direction in delegations(c)
            .filter(start_date__lte=end, start_date__gte=since or datetime.date.min)
            .rewrite(False)
            .values_list("pk", "start_date", "status", "direction")
        ],
        "meetings": _meeting_facts(c, places, since),
        "handovers": [
            Fact(
                pk,
                on,
                places.one(trip, [meeting_city], [recipient_city]),
                profile=profile,
                response=response,
            )
            for pk, on, trip, meeting_city, recipient_city, profile, response in handovers(c)
            .filter(on__lte=end, on__gte=since or datetime.date.min)
            .values_list(
                "pk", "on", "delegation", "meeting__city", "recipient__city", "profile", "response"
            )
        ],
        "memoranda": _memorandum_facts(c, places),
        "follow_ups": _follow_up_facts(c, places, since),
    }
    names = dict(City.objects.filter(pk__in=partners).values_list("pk", "name"))
    return Facts(facts, names)


def _firsts(pairs) -> dict[int, list[int]]:
    """(record, city) pairs in their order → record → its cities in that order."""
    found: dict[int, list[int]] = {}
    for record, city in pairs:
        found.setdefault(record, []).append(city)
    return found


def _meeting_facts(c: Criteria, places: Places, since) -> list[Fact]:
    selected = meetings(c).filter(on__lte=c.end, on__gte=since or datetime.date.min)
    partners = partner_cities().values("pk")
    # Counterparts decide only where the meeting's own city is no partner city (rare).
    elsewhere = selected.exclude(city__in=partners).values("pk")
    counterparts = _firsts(
        Meeting.organisations.through.objects.filter(
            meeting__in=elsewhere, organisation__city__in=partners
        )
        .order_by("pk")
        .values_list("meeting", "organisation__city")
    )
    return [
        Fact(pk, on, places.one(trip, [city], counterparts.get(pk, ())))
        for pk, on, trip, city in selected.rewrite(False).values_list(
            "pk", "on", "delegation", "city"
        )
    ]


def _memorandum_facts(c: Criteria, places: Places) -> list[Fact]:
    selected = memoranda(c).filter(on__lte=c.end)
    parties = _firsts(
        MemorandumParty.objects.filter(
            memorandum__in=selected.values("pk"),
            organisation__city__in=partner_cities().values("pk"),
        )
        .order_by("pk")
        .values_list("memorandum", "organisation__city")
    )
    rows = selected.rewrite(False).values_list(
        "pk", "on", "status", "valid_until", "review_on", "partnership__partner_city",
        "delegation", "signed_in",
    )  # fmt: skip
    return [
        Fact(
            pk,
            on,
            _memorandum_city(places, partner, trip, signed_in, parties.get(pk, ())),
            status=status,
            valid_until=valid_until,
            review_on=review_on,
        )
        for pk, on, status, valid_until, review_on, partner, trip, signed_in in rows
    ]


def _memorandum_city(places: Places, partner, trip, signed_in, parties=()) -> tuple[int, ...]:
    if partner in places.partners:
        return (partner,)
    return places.one(trip, [signed_in], parties)


def _follow_up_facts(c: Criteria, places: Places, since) -> list[Fact]:
    selected = follow_ups(c).filter(on__lte=c.end, on__gte=since or datetime.date.min)
    partners = partner_cities().values("pk")
    # The counterparts of their meetings and memoranda, for follow-ups without a city.
    meeting_counterparts = _firsts(
        Meeting.organisations.through.objects.filter(
            meeting__in=selected.exclude(meeting__city__in=partners).values("meeting"),
            organisation__city__in=partners,
        )
        .order_by("pk")
        .values_list("meeting", "organisation__city")
    )
    parties = _firsts(
        MemorandumParty.objects.filter(
            memorandum__in=selected.values("memorandum"), organisation__city__in=partners
        )
        .order_by("pk")
        .values_list("memorandum", "organisation__city")
    )
    rows = selected.values_list(
        "pk", "on", "status", "due_on", "partner_city", "meeting", "meeting__delegation",
        "meeting__city", "memorandum", "memorandum__partnership__partner_city",
        "memorandum__delegation", "memorandum__signed_in", "delegation",
    )  # fmt: skip
    facts = []
    for pk, on, status, due_on, city, meeting, *rest in rows:
        meeting_trip, meeting_city, memorandum, partner, memo_trip, signed_in, trip = rest
        cities = (
            ((city,) if city in places.partners else ())
            or (
                places.one(meeting_trip, [meeting_city], meeting_counterparts.get(meeting, ()))
                if meeting
                else ()
            )
            or (
                _memorandum_city(places, partner, memo_trip, signed_in, parties.get(memorandum, ()))
                if memorandum
                else ()
            )
            or places.of_delegation(trip)[:1]
        )
        facts.append(Fact(pk, on, cities, status=status, due_on=due_on))
    return facts


def selected_cities(c: Criteria, facts: Facts) -> list[City]:
    """The partner cities the report has a row for, by name (one query)."""
    return [city for city in c.cities() if city.pk in facts.city_names]
