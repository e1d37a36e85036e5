"""The trip briefing: cover, itinerary, travellers and each counterpart's history with us."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q
from django.utils import timezone, translation

from ..dates import DatePrecision, during_delegation, format_date_span
from ..models import (
    Delegation,
    DelegationStop,
    FollowUp,
    Meeting,
    MemorandumParty,
    Organisation,
    Person,
    ProfileHandover,
    Shown,
    TripRegistration,
)
from ..scheduling.agendas import AgendaEntry, agenda
from .render import render_pdf


@dataclass
class HistoryEntry:
    on: date | None  # the record's own day, shown and sorted by
    kind: str  # meeting, scheduled, memorandum, handover, follow_up: the template words each
    record: object
    # A meeting without a day of its own: its delegation's dates, marked as such (and
    # sorted by their start), never a day it did not happen on.
    during: str = ""
    sort_on: date | None = None


# Entries of a history that fit on one A4 page, even with an outcome under each.
FITS_A_PAGE = 12


@dataclass
class Counterpart:
    organisation: Organisation
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def fits_a_page(self) -> bool:
        return len(self.history) <= FITS_A_PAGE


def _local_day(entry: AgendaEntry) -> date:
    return timezone.localtime(entry.starts_at, entry.zone).date()


def _scheduled(schedule: list[AgendaEntry]) -> list[AgendaEntry]:
    # A scheduled meeting once held and logged is told by its logged meeting.
    return [entry for entry in schedule if entry.request.meeting_id is None]


def counterpart_ids(delegation: Delegation, schedule: list[AgendaEntry]) -> set[int]:
    """Organisations met, scheduled to meet, given profiles or signed with on this trip,
    and the organisations of its stop cities that have any history with us; never
    home-city ones."""
    trip = Q(meetings__delegation=delegation) | Q(received_profiles__delegation=delegation)
    trip |= Q(memorandum_parties__memorandum__delegation=delegation)
    trip |= Q(pk__in=[entry.request.counterpart_id for entry in schedule])
    at_stops = Q(city__delegation_stops__delegation=delegation) & (
        Q(meetings__isnull=False)
        | Q(received_profiles__isnull=False)
        | Q(memorandum_parties__isnull=False)
    )
    return set(
        Organisation.objects.filter(trip | at_stops)
        .exclude(city__is_home=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def counterparts(delegation: Delegation, schedule: list[AgendaEntry]):
    """Each counterpart with its history, newest first; ``schedule`` is the trip's
    (``agenda``)."""
    ids = counterpart_ids(delegation, schedule)
    by_id = {
        organisation.pk: Counterpart(organisation)
        for organisation in Organisation.objects.filter(pk__in=ids)
        .select_related("city")
        .order_by(Shown("name").asc())
    }

    def add(organisation_id: int, on: date | None, kind: str, record, **trip) -> None:
        # A meeting's other organisations and a home-city counterpart are not listed.
        if organisation_id in by_id:
            by_id[organisation_id].history.append(HistoryEntry(on, kind, record, **trip))

    meetings = (
        Meeting.objects.filter(organisations__in=ids)
        .select_related("city", "delegation")
        .prefetch_related("organisations")
        .distinct()
    )
    for meeting in meetings:
        trip = {}
        if meeting.date is None and (dates := meeting.delegation):
            during = during_delegation(dates.start_date, dates.end_date, dates.date_precision)
            trip = {"during": during, "sort_on": dates.start_date}
        for organisation in meeting.organisations.all():
            add(organisation.pk, meeting.date, "meeting", meeting, **trip)
    for entry in _scheduled(schedule):
        add(entry.request.counterpart_id, _local_day(entry), "scheduled", entry)
    parties = MemorandumParty.objects.filter(organisation__in=ids).select_related("memorandum")
    for party in parties:
        add(party.organisation_id, party.memorandum.signed_on, "memorandum", party.memorandum)
    handovers = ProfileHandover.objects.filter(recipient__in=ids).select_related(
        "profile__organisation"
    )
    for handover in handovers:
        add(handover.recipient_id, handover.handed_over_on, "handover", handover)
    follow_ups = FollowUp.objects.open().filter(
        Q(meeting__organisations__in=ids) | Q(memorandum__parties__organisation__in=ids)
    )
    follow_up_links = defaultdict(set)
    for follow_up_id, meeting_org, party_org in follow_ups.values_list(
        "pk", "meeting__organisations", "memorandum__parties__organisation"
    ):
        follow_up_links[follow_up_id] |= {meeting_org, party_org} & ids
    for follow_up in FollowUp.objects.filter(pk__in=follow_up_links):
        for organisation_id in follow_up_links[follow_up.pk]:
            add(organisation_id, follow_up.due_on, "follow_up", follow_up)
    for counterpart in by_id.values():
        # Newest first, within a day too; undated entries (open follow-ups without due
        # date) last.
        counterpart.history.sort(key=_newest_first, reverse=True)
    return list(by_id.values())


def _newest_first(entry: HistoryEntry) -> tuple:
    """Sorted descending: by day, then by the time of day where the record has one
    (a meeting's, a scheduled slot's)."""
    starts_at = getattr(entry.record, "starts_at", None)
    return (entry.on or entry.sort_on or date.min, starts_at.timestamp() if starts_at else 0)


def _by_time(row) -> tuple:
    # Untimed meetings of a day first, then by their start.
    starts_at = (row[0] or row[1]).starts_at
    return (starts_at is not None, starts_at.timestamp() if starts_at else 0)


def _stop_of(meeting: Meeting, stops: list[DelegationStop]) -> DelegationStop | None:
    """The one stop a meeting is listed under: of the stops in its city (a trip may come
    back to one), the one whose days hold its day, else the nearest in days; an undated
    meeting, or stops without dates, the first."""
    here = [stop for stop in stops if stop.city_id == meeting.city_id]
    day = meeting.date
    if day is None:
        return next(iter(here), None)

    def distance(stop) -> tuple[int, int]:
        early = (stop.arrival - day).days if stop.arrival and stop.arrival > day else 0
        late = (day - stop.departure).days if stop.departure and stop.departure < day else 0
        # A stop whose days are known beats one that only does not contradict the day.
        unknown = (stop.arrival is None) + (stop.departure is None)
        return early + late, unknown

    return min(here, key=distance, default=None)  # min keeps the earlier of equals


def _by_day(rows: list[tuple]) -> list[tuple]:
    """``(day, row)`` pairs as each day's rows by time, undated ones last."""
    days = defaultdict(list)
    for day, row in rows:
        days[day].append(row)
    return sorted(
        ((day, sorted(rows, key=_by_time)) for day, rows in days.items()),
        key=lambda day: (day[0] is None, day[0] or date.min),
    )


def itinerary(delegation: Delegation, schedule: list[AgendaEntry]) -> list[dict]:
    """The stops in order, each with its dates and its logged and scheduled meetings
    (``(meeting, None)`` or ``(None, agenda entry)``) grouped by day, by time; then, with
    ``stop`` None, the meetings logged in a city that is no stop of the trip."""
    meetings = list(
        delegation.meetings.select_related("city")
        .prefetch_related("organisations")
        .order_by("date", "pk")
    )
    stops = list(delegation.stops.select_related("city").order_by("order", "pk"))
    listed_under = {meeting.pk: _stop_of(meeting, stops) for meeting in meetings}
    itinerary = []
    for stop in [*stops, None]:
        rows = [(m.date, (m, None)) for m in meetings if listed_under[m.pk] == stop]
        rows += [
            (_local_day(entry), (None, entry))
            for entry in _scheduled(schedule)
            if stop and entry.request.slot.stop_id == stop.pk
        ]
        if stop is None and not rows:
            break
        dates = stop and format_date_span(stop.arrival, stop.departure, DatePrecision.DAY)
        itinerary.append({"stop": stop, "dates": dates, "days": _by_day(rows)})
    return itinerary


TEMPLATE = "partners/documents/briefing.html"


def briefing_context(delegation: Delegation, *, language: str) -> dict:
    delegation = (
        Delegation.objects.select_related("origin_city", "lead_organisation")
        .prefetch_related("supporting_organisations")
        .get(pk=delegation.pk)
    )
    members = delegation.members.select_related("person__organisation").order_by("role", "pk")
    # A company trip's travellers: the accepted companies' representatives.
    companies = (
        delegation.registrations.filter(status=TripRegistration.Status.ACCEPTED)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("representatives", queryset=Person.objects.order_by("full_name"))
        )
        .order_by(Shown("organisation__name").asc())
    )
    # The schedule and the dates are read as text: in the document's language.
    with translation.override(language):
        schedule = agenda(delegation)
        return {
            "delegation": delegation,
            "itinerary": itinerary(delegation, schedule),
            "members": members,
            "companies": companies,
            "counterparts": counterparts(delegation, schedule),
        }


def counterpart_count(delegation: Delegation) -> int:
    return len(counterpart_ids(delegation, agenda(delegation)))


def briefing_pdf(delegation: Delegation, *, language: str) -> bytes:
    return render_pdf(TEMPLATE, briefing_context(delegation, language=language), language=language)
