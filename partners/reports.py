"""What managers ask each quarter: activity per partner city in a period.

Aggregation only (no HTTP, no file format). Each kind of record is read once for the
period as (record, city) rows over all the paths it may reach a partner city by, and counted
per city with sets, so a record reaching a city twice counts once. The number of queries does
not grow with the data (correlated subqueries per city rescanned the period 500 times).

Decisions (README "Reports"):
- Internal records count: managers see everything.
- A delegation belongs to the period its start date falls in (a trip over New Year
  counts once, in the year it began). It counts for a partner city when it is outbound
  and stopped there, or inbound and came from there. Cancelled delegations are left out
  of every count and shown in a column of their own.
- A meeting's date is its own, else its delegation's start; a memorandum's signing date
  is ``signed_on``, else its delegation's start; a handover's date is
  ``handed_over_on``, else its meeting's date, else its delegation's start.
- A memorandum concerns a partner city through its partnership, the city it was signed
  in, or a party's city. "In force" at a day: signed by then and ``valid_until`` not
  before it, with status signed (or expired, when ``valid_until`` says it still held).
  "Due for review": in force at the period's end with ``review_on`` from the period's
  start up to 90 days after its end.
- A handover concerns the city of its meeting, else the recipient's city.
- Follow-ups of a period: due in it, or without a due date and logged in it. Open and
  overdue are their state today.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from .models import City, Delegation, FollowUp, Meeting, Memorandum, Organisation, ProfileHandover

REVIEW_HORIZON = datetime.timedelta(days=90)
OUT, IN = Delegation.Direction.OUTBOUND, Delegation.Direction.INBOUND
CANCELLED = Delegation.Status.CANCELLED
SIGNED, EXPIRED = Memorandum.Status.SIGNED, Memorandum.Status.EXPIRED
UNSIGNED = [Memorandum.Status.DRAFT, Memorandum.Status.NEGOTIATION]
OPEN_STATUSES = [FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS]

# The summary's measures, in column order.
MEASURES = [
    "delegations_out",
    "delegations_in",
    "delegations_cancelled",
    "meetings",
    "memoranda_signed",
    "memoranda_in_force",
    "memoranda_due_for_review",
    "profiles_handed_over",
    "handover_responses",
    "follow_ups_open",
    "follow_ups_done",
    "follow_ups_overdue",
]


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

    def key(self) -> tuple:
        """Everything the figures depend on besides the data, as plain values."""
        partner_cities = self.partner_cities
        if partner_cities is not None:
            partner_cities = tuple(sorted(partner_cities.values_list("pk", flat=True)))
        return (
            self.start,
            self.end,
            self.home_city and self.home_city.pk,
            partner_cities,
            self.direction,
            self.organisation and self.organisation.pk,
            self.today,
        )

    def cities(self) -> QuerySet:
        cities = self.partner_cities
        if cities is None:
            cities = City.objects.partners_of_home_cities()
            if self.home_city:
                cities = cities.filter(partnered_with__home_city=self.home_city)
        return cities.order_by("name")


def _at(lookup: str, cities) -> Q:
    """``lookup`` is the city (an OuterRef) or one of the cities (a queryset)."""
    if isinstance(cities, QuerySet):
        return Q(**{f"{lookup}__in": cities.order_by().values("pk")})
    return Q(**{lookup: cities})


# Record sets of the criteria, before the period and the city are applied.


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
    trips = delegations(replace(c, organisation=None)).values("pk")
    if c.direction:
        return queryset.filter(delegation__in=trips)
    if c.home_city:
        return queryset.filter(Q(delegation__in=trips) | Q(delegation__isnull=True))
    return queryset


def _led_or_supported_by(organisation, prefix: str = "") -> Q:
    return Q(**{f"{prefix}lead_organisation": organisation}) | Q(
        **{f"{prefix}supporting_organisations": organisation}
    )


def meetings(c: Criteria) -> QuerySet:
    queryset = _through_delegation(Meeting.objects.all(), c)
    if c.organisation:
        involved = Q(organisations=c.organisation) | _led_or_supported_by(
            c.organisation, "delegation__"
        )
        queryset = queryset.filter(pk__in=Meeting.objects.filter(involved).values("pk"))
    return queryset.alias(on=Coalesce("date", "delegation__start_date"))


def memoranda(c: Criteria) -> QuerySet:
    queryset = Memorandum.objects.all()
    if c.home_city:
        queryset = queryset.filter(
            Q(partnership__home_city=c.home_city) | Q(partnership__isnull=True)
        )
    if c.organisation:
        queryset = queryset.filter(parties__organisation=c.organisation)
    queryset = Memorandum.objects.filter(pk__in=queryset.values("pk"))
    return queryset.alias(signed=Coalesce("signed_on", "delegation__start_date"))


def handovers(c: Criteria) -> QuerySet:
    queryset = _through_delegation(ProfileHandover.objects.all(), c)
    if c.organisation:
        involved = (
            Q(recipient=c.organisation)
            | Q(profile__organisation=c.organisation)
            | _led_or_supported_by(c.organisation, "delegation__")
        )
        queryset = queryset.filter(pk__in=ProfileHandover.objects.filter(involved).values("pk"))
    return queryset.alias(on=Coalesce("handed_over_on", "meeting__date", "delegation__start_date"))


def follow_ups(c: Criteria) -> QuerySet:
    queryset = FollowUp.objects.all()
    if c.organisation:
        queryset = queryset.filter(
            Q(delegation__in=delegations(c).values("pk"))
            | Q(memorandum__parties__organisation=c.organisation)
        )
    return FollowUp.objects.filter(pk__in=queryset.values("pk"))


# Where each kind of record meets a partner city (``cities``: OuterRef or queryset).


def delegation_at(direction: str, cities) -> Q:
    if direction == OUT:
        return Q(direction=OUT) & _at("stops__city", cities)
    return Q(direction=IN) & _at("origin_city", cities)


def delegation_at_any(cities) -> Q:
    return delegation_at(OUT, cities) | delegation_at(IN, cities)


def memorandum_at(cities) -> Q:
    return (
        _at("partnership__partner_city", cities)
        | _at("signed_in", cities)
        | _at("parties__organisation__city", cities)
    )


def handover_at(cities) -> Q:
    return _at("meeting__city", cities) | (Q(meeting__isnull=True) & _at("recipient__city", cities))


def in_force_on(day: datetime.date) -> Q:
    return Q(signed__lte=day) & (
        Q(status=SIGNED, valid_until__isnull=True)
        | Q(status__in=[SIGNED, EXPIRED], valid_until__gte=day)
    )


# Period-bound record sets, shared by the summary counts and the export sheets.


def period_delegations(c: Criteria) -> QuerySet:
    return delegations(c).filter(start_date__range=(c.start, c.end))


def period_meetings(c: Criteria) -> QuerySet:
    return meetings(c).filter(on__range=(c.start, c.end))


def period_handovers(c: Criteria) -> QuerySet:
    return handovers(c).filter(on__range=(c.start, c.end))


def period_follow_ups(c: Criteria) -> QuerySet:
    return follow_ups(c).filter(
        Q(due_on__range=(c.start, c.end))
        | Q(due_on__isnull=True, created_at__date__range=(c.start, c.end))
    )


def memoranda_signed(c: Criteria) -> QuerySet:
    return memoranda(c).filter(signed__range=(c.start, c.end)).exclude(status__in=UNSIGNED)


def memoranda_in_force(c: Criteria) -> QuerySet:
    return memoranda(c).filter(in_force_on(c.end))


def memoranda_due_for_review(c: Criteria) -> QuerySet:
    return memoranda_in_force(c).filter(review_on__range=(c.start, c.end + REVIEW_HORIZON))


def _pairs(queryset: QuerySet, city_fields: list[str], *fields: str) -> list[tuple]:
    """Rows of (record fields..., the cities it may reach through each path).

    One query; the joins of several paths may repeat a record, so callers count with sets.
    """
    return list(queryset.order_by().values_list(*fields, *city_fields).distinct())


def _tally(hits, city_ids) -> tuple[dict, int]:
    """``hits``: (city id, counted value) pairs → distinct counts per city and in total."""
    per_city = {pk: set() for pk in city_ids}
    for city, value in hits:
        if city in per_city and value is not None:
            per_city[city].add(value)
    return {pk: len(v) for pk, v in per_city.items()}, len(set().union(*per_city.values()))


def _measures(c: Criteria, cities: QuerySet, city_ids) -> dict:
    """Each measure: one query over the period's records, counted per city in Python."""
    rows = _pairs(
        period_delegations(c).filter(delegation_at_any(cities)),
        ["stops__city", "origin_city"],
        "pk",
        "status",
        "direction",
    )
    # An outbound trip counts where it stopped, an inbound one where it came from.
    trips = [(out if way == OUT else origin, pk, way, s) for pk, s, way, out, origin in rows]
    measures = {
        "delegations_out": [(t, pk) for t, pk, way, s in trips if way == OUT and s != CANCELLED],
        "delegations_in": [(t, pk) for t, pk, way, s in trips if way == IN and s != CANCELLED],
        "delegations_cancelled": [(t, pk) for t, pk, _, s in trips if s == CANCELLED],
    }
    meetings_at = _pairs(period_meetings(c).filter(_at("city", cities)), ["city"], "pk")
    measures["meetings"] = [(city, pk) for pk, city in meetings_at]
    for name, queryset in (
        ("memoranda_signed", memoranda_signed(c)),
        ("memoranda_in_force", memoranda_in_force(c)),
        ("memoranda_due_for_review", memoranda_due_for_review(c)),
    ):
        paths = ["partnership__partner_city", "signed_in", "parties__organisation__city"]
        found = _pairs(queryset.filter(memorandum_at(cities)), paths, "pk")
        measures[name] = [(city, row[0]) for row in found for city in row[1:]]
    measures.update(_handover_measures(c, cities))
    measures.update(_follow_up_measures(c, cities))
    return {name: _tally(measures[name], city_ids) for name in MEASURES}


def _handover_measures(c: Criteria, cities: QuerySet) -> dict:
    rows = _pairs(
        period_handovers(c).filter(handover_at(cities)),
        ["meeting", "meeting__city", "recipient__city"],
        "pk",
        "profile",
        "response",
    )
    # A handover at a meeting concerns only the meeting's city.
    at = [
        (place if meeting else recipient, pk, profile, response)
        for pk, profile, response, meeting, place, recipient in rows
    ]
    return {
        "profiles_handed_over": [(city, profile) for city, _, profile, _ in at],
        "handover_responses": [
            (city, pk) for city, pk, _, response in at if response != ProfileHandover.Response.NONE
        ],
    }


def _follow_up_measures(c: Criteria, cities: QuerySet) -> dict:
    rows = _pairs(
        period_follow_ups(c).filter(_at("partner_city", cities)),
        ["partner_city"],
        "pk",
        "status",
        "due_on",
    )
    return {
        "follow_ups_open": [(city, pk) for pk, s, _, city in rows if s in OPEN_STATUSES],
        "follow_ups_done": [(city, pk) for pk, s, _, city in rows if s == FollowUp.Status.DONE],
        "follow_ups_overdue": [
            (city, pk)
            for pk, s, due, city in rows
            if s in OPEN_STATUSES and due is not None and due < c.today
        ],
    }


@dataclass
class SummaryRow:
    city: City
    counts: dict  # measure → count


@dataclass
class Summary:
    rows: list[SummaryRow]
    total: dict  # measure → count over all selected cities, each record once


def summary(c: Criteria) -> Summary:
    """The counts per partner city and the distinct totals, in a fixed number of queries."""
    cities = list(c.cities())
    counts = _measures(c, c.cities(), [city.pk for city in cities])
    rows = [SummaryRow(city, {n: counts[n][0][city.pk] for n in MEASURES}) for city in cities]
    total = {name: counts[name][1] if cities else 0 for name in MEASURES}
    return Summary(rows=rows, total=total)


@dataclass
class Timeline:
    years: list[int]
    totals: dict  # year → {measure: count}
    delegations_per_city: dict  # city name → {year: count}
    in_force_at_year_end: dict  # year → count


def _per_year(queryset: QuerySet, date: str, counted: str = "pk") -> dict:
    rows = (
        queryset.order_by()
        .annotate(year=ExtractYear(date))
        .values("year")
        .annotate(n=Count(counted, distinct=True))
    )
    return {row["year"]: row["n"] for row in rows if row["year"]}


def timeline(c: Criteria) -> Timeline:
    """Year by year, for every year with activity up to the period's end (9 queries)."""
    cities = c.cities()
    counted = delegations(c).exclude(status=CANCELLED)
    series = {
        "delegations_out": _per_year(counted.filter(delegation_at(OUT, cities)), "start_date"),
        "delegations_in": _per_year(counted.filter(delegation_at(IN, cities)), "start_date"),
        "meetings": _per_year(meetings(c).filter(_at("city", cities)), "on"),
        "memoranda_signed": _per_year(
            memoranda(c).filter(memorandum_at(cities)).filter(status__in=[SIGNED, EXPIRED]),
            "signed",
        ),
        "profiles_handed_over": _per_year(
            handovers(c).filter(handover_at(cities)), "on", "profile"
        ),
    }
    per_city = _delegations_per_city(counted, cities)
    spans = list(
        memoranda(c)
        .filter(memorandum_at(cities), status__in=[SIGNED, EXPIRED])
        .annotate(
            signed_day=Coalesce("signed_on", "delegation__start_date", output_field=DateField())
        )
        .values_list("signed_day", "valid_until", "status")
    )
    active = {year for values in [*series.values(), *per_city.values()] for year in values}
    years = list(range(min(active), c.end.year + 1)) if active and min(active) <= c.end.year else []
    return Timeline(
        years=years,
        totals={y: {name: values.get(y, 0) for name, values in series.items()} for y in years},
        delegations_per_city={
            name: {y: values.get(y, 0) for y in years} for name, values in per_city.items()
        },
        in_force_at_year_end={y: _in_force_count(spans, datetime.date(y, 12, 31)) for y in years},
    )


def _delegations_per_city(counted: QuerySet, cities: QuerySet) -> dict:
    per_city = {name: {} for name in cities.values_list("name", flat=True)}
    for direction, lookup in ((OUT, "stops__city__name"), (IN, "origin_city__name")):
        rows = (
            counted.filter(delegation_at(direction, cities))
            .order_by()
            .annotate(year=ExtractYear("start_date"))
            .values(lookup, "year")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            if row[lookup] in per_city and row["year"]:
                years = per_city[row[lookup]]
                years[row["year"]] = years.get(row["year"], 0) + row["n"]
    return per_city


def _in_force_count(spans, day: datetime.date) -> int:
    return sum(
        1
        for signed, valid_until, status in spans
        if signed and signed <= day and (valid_until >= day if valid_until else status == SIGNED)
    )
