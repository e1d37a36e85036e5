"""The trip briefing: cover, itinerary, travellers and each counterpart's history with us."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from ..models import (
    Delegation,
    FollowUp,
    Meeting,
    MemorandumParty,
    Organisation,
    ProfileHandover,
    Shown,
)
from .render import render_pdf


@dataclass
class HistoryEntry:
    on: date | None
    kind: str  # meeting, memorandum, handover, follow_up: the template words each
    record: object


@dataclass
class Counterpart:
    organisation: Organisation
    history: list[HistoryEntry] = field(default_factory=list)


def counterpart_ids(delegation: Delegation) -> set[int]:
    """Organisations met, given profiles or signed with on this trip, and the
    organisations of its stop cities that have any history with us; never home-city ones."""
    trip = Q(meetings__delegation=delegation) | Q(received_profiles__delegation=delegation)
    trip |= Q(memorandum_parties__memorandum__delegation=delegation)
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


def counterparts(delegation: Delegation) -> list[Counterpart]:
    ids = counterpart_ids(delegation)
    by_id = {
        organisation.pk: Counterpart(organisation)
        for organisation in Organisation.objects.filter(pk__in=ids)
        .select_related("city")
        .order_by(Shown("name").asc())
    }

    def add(organisation_id: int, on: date | None, kind: str, record) -> None:
        by_id[organisation_id].history.append(HistoryEntry(on, kind, record))

    meetings = (
        Meeting.objects.filter(organisations__in=ids)
        .select_related("city", "delegation")
        .prefetch_related("organisations")
        .distinct()
    )
    for meeting in meetings:
        for organisation in meeting.organisations.all():
            if organisation.pk in by_id:
                day = meeting.date or (meeting.delegation and meeting.delegation.start_date)
                add(organisation.pk, day, "meeting", meeting)
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
        # Newest first; undated entries (open follow-ups without due date) last.
        counterpart.history.sort(key=lambda entry: entry.on or date.min, reverse=True)
    return list(by_id.values())


def itinerary(delegation: Delegation) -> list[dict]:
    """The stops in order, each with its meetings grouped by day."""
    meetings = list(
        delegation.meetings.select_related("city")
        .prefetch_related("organisations")
        .order_by("date", "pk")
    )
    stops = []
    for stop in delegation.stops.select_related("city").order_by("order", "pk"):
        days = defaultdict(list)
        for meeting in meetings:
            if meeting.city_id == stop.city_id:
                days[meeting.date].append(meeting)
        stops.append(
            {
                "stop": stop,
                "days": sorted(days.items(), key=lambda day: (day[0] is None, day[0] or date.min)),
            }
        )
    return stops


def briefing_pdf(delegation: Delegation, *, language: str) -> bytes:
    delegation = (
        Delegation.objects.select_related("origin_city", "lead_organisation")
        .prefetch_related("supporting_organisations")
        .get(pk=delegation.pk)
    )
    members = delegation.members.select_related("person__organisation").order_by("role", "pk")
    return render_pdf(
        "partners/documents/briefing.html",
        {
            "delegation": delegation,
            "itinerary": itinerary(delegation),
            "members": members,
            "counterparts": counterparts(delegation),
        },
        language=language,
    )
