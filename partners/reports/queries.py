"""What managers ask each quarter: activity per partner city in a period.

Aggregation only (no HTTP, no file format). ``placed`` gives each kind of record the
partner city it belongs to (``place``) and its day (``on``), so the database counts: every
figure is one ``Figure`` in ``partners.reports.figures``, a condition on those rows,
counted for any period in a fixed number of queries. The summary, the timeline, the
charts, the sheets, ``export_report`` and the desk all count so. ``placement`` works the
city and day out, as SQL, by the rules of README "How we count" (which the report page
repeats); ``places`` keeps them on each record.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.db.models.lookups import In
from django.utils import timezone

from ..models import (
    City,
    Delegation,
    DelegationStop,
    FollowUp,
    Meeting,
    Memorandum,
    MemorandumParty,
    Opportunity,
    Organisation,
    Partnership,
    ProfileHandover,
)

OUT, IN = Delegation.Direction.OUTBOUND, Delegation.Direction.INBOUND
CANCELLED = Delegation.Status.CANCELLED
UNSIGNED = [Memorandum.Status.DRAFT, Memorandum.Status.NEGOTIATION]


# What the report shows of a city (its rows, sheets and file names): a download reads
# hundreds of cities, so it reads no more of them.
CITY_FIELDS = ("slug", "name", "local_name", "country")


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
        """The partner cities the report has a row for: those chosen (partner cities only),
        else every partner city, of the chosen home city if one is."""
        cities = partner_cities()
        if self.partner_cities is not None:
            cities = cities.filter(pk__in=self.partner_cities.values("pk"))
        elif self.home_city:
            cities = cities.filter(partnered_with__home_city=self.home_city)
        # Order by the default-language name: it is always filled (name_en may be blank).
        return cities.only(*CITY_FIELDS).with_namesakes().order_by("name_de", "pk")

    @property
    def counts_unplaced(self) -> bool:
        """Whether the report counts what is in none of its rows ("not in any partner
        city"): not when partner cities were chosen, as nothing else was asked about."""
        return self.partner_cities is None

    def city_ids(self) -> list[int]:
        """The ids of ``cities()``, in order (no city is built: there may be hundreds)."""
        return list(self.cities().values_list("pk", flat=True))


# The records the criteria select, before the period and the partner city are applied.


def _led_or_supported_by(organisation, prefix: str = "") -> Q:
    return Q(**{f"{prefix}lead_organisation": organisation}) | Q(
        **{f"{prefix}supporting_organisations": organisation}
    )


def _visited(home_city: City) -> Q:
    """An inbound visit's home city (README "How we count"): the home cities it stopped
    in; without such a stop (a visit logged without stops), its lead organisation's city
    when that is a home city, else the one home city its origin is a partner of, else the
    only home city there is."""
    at_home = DelegationStop.objects.filter(delegation=OuterRef("pk"), city__is_home=True)
    partnered = Partnership.objects.filter(
        partner_city=OuterRef("origin_city"), home_city__is_home=True
    )
    others = City.objects.filter(is_home=True).exclude(pk=home_city.pk)
    by_partnership = Exists(partnered.filter(home_city=home_city)) & ~Exists(
        partnered.exclude(home_city=home_city)
    )
    return Exists(at_home.filter(city=home_city)) | ~Exists(at_home) & (
        Q(lead_organisation__city=home_city)
        | ~Q(lead_organisation__city__is_home=True)
        & (by_partnership | ~Exists(partnered) & ~Exists(others))
    )


def _trips(c: Criteria) -> QuerySet:
    trips = Delegation.objects.all()
    if c.direction:
        trips = trips.filter(direction=c.direction)
    if c.home_city:
        trips = trips.filter(
            Q(direction=OUT, origin_city=c.home_city) | Q(direction=IN) & _visited(c.home_city)
        )
    return trips


def delegations(c: Criteria) -> QuerySet:
    matching = _trips(c)
    if c.organisation:
        matching = matching.filter(_led_or_supported_by(c.organisation))
    # pk__in keeps one row per delegation however many joins matched.
    return Delegation.objects.filter(pk__in=matching.values("pk"))


def _trip_of(*trips: str):
    """A record's trip: the first of the paths ``trips`` that is set."""
    return Coalesce(*trips, output_field=IntegerField()) if len(trips) > 1 else F(trips[0])


def _on_trip_of_organisation(c: Criteria, *trips: str) -> Q:
    """The record's trip (the first of the paths ``trips`` that is set, the one a direction
    follows) is one the criteria's organisation led or supported."""
    return Q(In(_trip_of(*trips), delegations(c).values("pk")))


def on_trips_of_home_city(c: Criteria, kind: str) -> Q:
    """A record of ``kind`` (or "opportunities") on a trip of the criteria's home city: its
    own even in another home city's partner city, where a record of no trip is that home
    city's (README "How we count")."""
    return Q(In(_trip_of(*TRIPS[kind]), _trips(c).values("pk")))


def _of_trips(queryset: QuerySet, c: Criteria, *trips: str, partnership: str = "") -> QuerySet:
    """The records of ``_trips``, whatever the kind (README "How we count"): a record's trip
    is the first of the paths ``trips`` that is set. A record of no trip has no direction,
    so a direction leaves it out; it belongs to the home city of its partnership's (at
    ``partnership``) or, without one, of its partner city (the report's rows).

    The organisation is left to each kind of record: a meeting with an organisation
    counts for it even when someone else led the trip.
    """
    if not (c.direction or c.home_city):
        return queryset
    queryset = queryset.alias(report_trip=_trip_of(*trips))
    within = Q(report_trip__in=_trips(c).values("pk"))
    if c.direction:
        return queryset.filter(within)
    no_trip = Q(report_trip__isnull=True)
    if partnership:
        no_trip &= Q(**{f"{partnership}__isnull": True}) | Q(
            **{f"{partnership}__home_city": c.home_city}
        )
    return queryset.filter(within | no_trip)


def meetings(c: Criteria) -> QuerySet:
    queryset = _of_trips(Meeting.objects.all(), c, "delegation")
    if c.organisation:
        involved = Q(organisations=c.organisation) | _led_or_supported_by(
            c.organisation, "delegation__"
        )
        queryset = queryset.filter(pk__in=Meeting.objects.filter(involved).values("pk"))
    return queryset.annotate(on=F("counted_on"))


def memoranda(c: Criteria) -> QuerySet:
    """Memoranda that were signed (signed, expired or terminated), by their signing day."""
    queryset = Memorandum.objects.exclude(status__in=UNSIGNED)
    queryset = _of_trips(queryset, c, "delegation", partnership="partnership")
    if c.organisation:
        queryset = queryset.filter(parties__organisation=c.organisation)
    return Memorandum.objects.filter(pk__in=queryset.values("pk")).annotate(on=F("counted_on"))


def handovers(c: Criteria) -> QuerySet:
    queryset = _of_trips(ProfileHandover.objects.all(), c, "delegation", "meeting__delegation")
    if c.organisation:
        involved = (
            Q(recipient=c.organisation)
            | Q(profile__organisation=c.organisation)
            | _on_trip_of_organisation(c, "delegation", "meeting__delegation")
        )
        queryset = queryset.filter(pk__in=ProfileHandover.objects.filter(involved).values("pk"))
    return queryset.annotate(on=F("counted_on"))


# A follow-up's or an opportunity's trip: its own, else that of the record it came from.
RECORD_TRIPS = ("delegation", "meeting__delegation", "memorandum__delegation")
OPPORTUNITY_TRIPS = (*RECORD_TRIPS, "handover__delegation", "handover__meeting__delegation")
# A follow-up logged on an opportunity's page (its only link) follows the opportunity's trip.
FOLLOW_UP_TRIPS = (*RECORD_TRIPS, *(f"opportunity__{path}" for path in OPPORTUNITY_TRIPS))
# Each kind's trip, as the functions below read it.
TRIPS = {
    "meetings": ("delegation",),
    "handovers": ("delegation", "meeting__delegation"),
    "memoranda": ("delegation",),
    "follow_ups": FOLLOW_UP_TRIPS,
    "opportunities": OPPORTUNITY_TRIPS,
}


def follow_ups(c: Criteria) -> QuerySet:
    """Follow-ups by the same rules; of an organisation: those of a trip it led or
    supported (the follow-up's trip, as for a direction), of a meeting it attended, of a
    memorandum it signed or of an opportunity counted for it."""
    queryset = _of_trips(
        FollowUp.objects.all(), c, *FOLLOW_UP_TRIPS, partnership="memorandum__partnership"
    )
    if c.organisation:
        queryset = queryset.filter(
            _on_trip_of_organisation(c, *FOLLOW_UP_TRIPS)
            | Q(meeting__organisations=c.organisation)
            | Q(memorandum__parties__organisation=c.organisation)
            | Q(opportunity__in=opportunities(c).values("pk"))
        )
    return FollowUp.objects.filter(pk__in=queryset.values("pk")).annotate(on=F("counted_on"))


def opportunities(c: Criteria) -> QuerySet:
    """Opportunities by the same rules; of an organisation: those it is the local or the
    foreign organisation or the profile's company of, or that came from a trip it led or
    supported, a meeting it attended, a handover it received or a memorandum it signed."""
    queryset = _of_trips(
        Opportunity.objects.all(), c, *OPPORTUNITY_TRIPS, partnership="memorandum__partnership"
    )
    if c.organisation:
        organisation = c.organisation
        queryset = queryset.filter(
            Q(local_organisation=organisation)
            | Q(foreign_organisation=organisation)
            | Q(profile__organisation=organisation)
            | _on_trip_of_organisation(c, *OPPORTUNITY_TRIPS)
            | Q(meeting__organisations=organisation)
            | Q(handover__recipient=organisation)
            | Q(memorandum__parties__organisation=organisation)
        )
    # pk__in keeps one row per opportunity however many joins matched.
    return Opportunity.objects.filter(pk__in=queryset.values("pk"))


# Each kind's records the criteria select, by the functions above.
RECORDS = {
    "meetings": meetings,
    "handovers": handovers,
    "memoranda": memoranda,
    "follow_ups": follow_ups,
}


def in_period(kind: str, c: Criteria) -> QuerySet:
    """The same record sets within the period (the background export counts its rows so)."""
    if kind == "delegations":
        return delegations(c).filter(start_date__range=(c.start, c.end))
    return RECORDS[kind](c).filter(on__range=(c.start, c.end))


# Which partner city a record belongs to, as SQL: the report counts in the database.


def _stops(partners, trip) -> QuerySet:
    """A trip's partner-city stops, in order (``trip``: a reference to the delegation)."""
    return DelegationStop.objects.filter(delegation=trip, city__in=partners).order_by("order", "pk")


def _first(queryset: QuerySet) -> Subquery:
    return Subquery(queryset.values("city")[:1], output_field=IntegerField())


def _is_partner(path: str) -> Q:
    """The city at ``path`` is a partner city: a subquery, which PostgreSQL runs once per
    query and hashes, where a list would put every partner city's id into the SQL at each
    of some forty uses (``partner_ids`` is for the correlated subqueries)."""
    return Q(**{f"{path}__in": partner_cities().values("pk")})


def _from_origin(trip: str) -> When:
    """An inbound trip belongs to the visitors' origin, when that is a partner city."""
    return When(
        Q(**{f"{trip}__direction": IN}) & _is_partner(f"{trip}__origin_city"),
        then=F(f"{trip}__origin_city"),
    )


def _trip_place(partners, trip: str) -> Case:
    """A trip's first partner city: inbound its origin, outbound its first partner stop."""
    return Case(
        _from_origin(trip),
        When(Q(**{f"{trip}__direction": OUT}), then=_first(_stops(partners, OuterRef(trip)))),
        output_field=IntegerField(),
    )


def _one_place(partners, trip: str, where: str, counterparts: QuerySet | str) -> Case:
    """The one partner city of a meeting, handover or memorandum (or NULL).

    ``trip`` and ``where`` are paths to its delegation and the city where it happened;
    ``counterparts`` the cities (a ``city`` column, in order) of its counterparts, or the
    path to its one counterpart's city (read by a join, not a subquery per row).
    """
    if isinstance(counterparts, str):
        reached = Exists(_stops(partners, OuterRef(trip)).filter(city=OuterRef(counterparts)))
        in_trip = Case(When(reached, then=F(counterparts)))
        anywhere = Case(When(_is_partner(counterparts), then=F(counterparts)))
    else:
        reached = _stops(partners, OuterRef(OuterRef(trip))).values("city")
        in_trip = _first(counterparts.filter(city__in=reached))
        anywhere = _first(counterparts.filter(city__in=partners))
    return Case(
        _from_origin(trip),
        When(_is_partner(where), then=F(where)),
        # Outbound to partner cities: the stop its counterpart is from, else the first.
        When(
            Q(**{f"{trip}__direction": OUT}) & Exists(_stops(partners, OuterRef(trip))),
            then=Coalesce(in_trip, _first(_stops(partners, OuterRef(trip)))),
        ),
        default=anywhere,
        output_field=IntegerField(),
    )


def _meeting_place(partners, meeting: str = "") -> Case:
    """``meeting``: the path to the meeting ("" for the meeting itself, or "meeting__").
    Its first organisation is the one entered in the CRM first: the order its organisations
    were added in is the form's set order, and a restore does not keep it; a name changes."""
    counterparts = (
        Meeting.organisations.through.objects.filter(meeting=OuterRef(meeting + "pk"))
        .annotate(city=F("organisation__city"))
        .order_by("organisation_id")  # not "organisation": that sorts by its name
    )
    return _one_place(partners, f"{meeting}delegation", f"{meeting}city", counterparts)


def _memorandum_place(partners, memorandum: str = "") -> Case:
    """A memorandum of a partnership belongs to its partner city; others as a meeting."""
    parties = (
        MemorandumParty.objects.filter(memorandum=OuterRef(memorandum + "pk"))
        .annotate(city=F("organisation__city"))
        .order_by("pk")
    )
    partner = f"{memorandum}partnership__partner_city"
    return Case(
        When(_is_partner(partner), then=F(partner)),
        default=_one_place(partners, f"{memorandum}delegation", f"{memorandum}signed_in", parties),
        output_field=IntegerField(),
    )


def partner_ids() -> list[int]:
    """The partner cities as a list, for the correlated subqueries of ``placement``: there
    PostgreSQL would run a subquery again for every row (10× slower)."""
    return list(partner_cities().values_list("pk", flat=True))


# The kinds of record whose partner city and day are kept on them (``CountedInReport``).
KEPT = {
    "meetings": Meeting,
    "handovers": ProfileHandover,
    "memoranda": Memorandum,
    "follow_ups": FollowUp,
}
# Each kind's day (README "How we count", Dates).
DAYS = {
    "meetings": ("date", "delegation__start_date"),
    "handovers": (
        "handed_over_on",
        "meeting__date",
        "delegation__start_date",
        "meeting__delegation__start_date",
    ),
    "memoranda": ("signed_on", "delegation__start_date"),
    "follow_ups": ("due_on", TruncDate("created_at")),
}


def placement(kind: str, partners: list[int]) -> QuerySet:
    """Every record of a ``KEPT`` kind with the partner city (``place``, or NULL) and the
    day (``on``, or NULL) it counts under, worked out from its relations by the rules of
    README "How we count" (``partners``: ``partner_ids()``). What ``places`` keeps."""
    if not partners:  # the expressions below would compile their empty lists to 0
        place = Cast(Value(None), IntegerField())  # PostgreSQL reads a bare NULL as text
    elif kind == "meetings":
        place = _meeting_place(partners)
    elif kind == "handovers":
        # Logged at a meeting of a trip without naming the trip again: the meeting's trip
        # is its trip, as for the direction (``handovers``).
        place = Case(
            When(
                delegation__isnull=True,
                then=_one_place(
                    partners, "meeting__delegation", "meeting__city", "recipient__city"
                ),
            ),
            default=_one_place(partners, "delegation", "meeting__city", "recipient__city"),
            output_field=IntegerField(),
        )
    elif kind == "memoranda":
        place = _memorandum_place(partners)
    else:  # follow-ups
        place = Coalesce(
            Case(When(_is_partner("partner_city"), then=F("partner_city"))),
            Case(When(meeting__isnull=False, then=_meeting_place(partners, "meeting__"))),
            Case(When(memorandum__isnull=False, then=_memorandum_place(partners, "memorandum__"))),
            _trip_place(partners, "delegation"),
            # Logged on an opportunity's page, a follow-up often has no other link.
            opportunity_place("opportunity__"),
            output_field=IntegerField(),
        )
    on = Coalesce(*DAYS[kind], output_field=DateField())
    return KEPT[kind]._default_manager.annotate(place=place, on=on)


def opportunity_place(opportunity: str = "") -> Case:
    """An opportunity's partner city (or NULL): its own, when that is a partner city
    (``opportunity``: the path to it, "" for the opportunity itself)."""
    city = f"{opportunity}partner_city"
    return Case(When(_is_partner(city), then=F(city)), output_field=IntegerField())


# A delegation's row for a stop outside the partner cities on a trip that reached one: in
# no row, and not "no partner city" either (no city has id 0).
ELSEWHERE = 0


def _delegation_places(queryset: QuerySet) -> QuerySet:
    """Delegations with ``place``, a row per stop: the partner city each concerns
    (inbound: its origin; outbound: each partner-city stop), ``ELSEWHERE`` for the other
    stops of an outbound trip that reached a partner city, and NULL when it concerns none
    (its rows and place are NULL alone)."""
    reached = Exists(_stops(partner_cities().values("pk"), OuterRef("pk")))
    return queryset.annotate(
        place=Case(
            When(direction=IN, then=Case(When(_is_partner("origin_city"), then=F("origin_city")))),
            When(_is_partner("stops__city"), then=F("stops__city")),
            When(reached, then=Value(ELSEWHERE)),
            output_field=IntegerField(),
        )
    )


def placed(kind: str, c: Criteria) -> QuerySet:
    """The records of a kind the criteria select, each with ``on`` (its day) and ``place``
    (its partner city, or NULL: it counts in no row). A delegation has a row per partner
    city it concerns, or one with NULL."""
    if kind == "delegations":
        return _delegation_places(delegations(c)).annotate(on=F("start_date"))
    return RECORDS[kind](c).annotate(place=F("counted_in"))


def in_no_partner_city(model) -> Q:
    """The records of ``model`` (a kind of ``placed``, or Opportunity) that belong to no
    partner city, whatever their day: what the back office lists under the report's note
    on the records it leaves out."""
    if model is Delegation:
        unplaced = _delegation_places(Delegation.objects.all()).filter(place__isnull=True)
    elif model is Opportunity:
        unplaced = Opportunity.objects.alias(place=opportunity_place()).filter(place__isnull=True)
    else:
        return Q(counted_in__isnull=True)
    return Q(pk__in=unplaced.values("pk"))


KINDS = ["delegations", "meetings", "handovers", "memoranda", "follow_ups"]
