"""Schedule a delegation's meeting requests into its slots, and store the result."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ..models import Delegation, MeetingRequest, TripRegistration
from . import solver

# Requests still to be placed (of accepted participants); declined, held, cancelled and
# no-shows are left alone.
OPEN_REQUEST_STATUSES = [
    MeetingRequest.Status.REQUESTED,
    MeetingRequest.Status.ACCEPTED,
    MeetingRequest.Status.SCHEDULED,
]


@dataclass
class ScheduleResult:
    scheduled: int
    total: int
    mutual_scheduled: int
    mutual_total: int
    high_scheduled: int
    high_total: int
    participants_without_meeting: int

    def summary(self) -> str:
        return _(
            "scheduled %(scheduled)d of %(total)d requests (mutual %(mutual)d of "
            "%(mutual_total)d, priority 1 %(high)d of %(high_total)d), participants "
            "without a meeting %(without)d"
        ) % {
            "scheduled": self.scheduled,
            "total": self.total,
            "mutual": self.mutual_scheduled,
            "mutual_total": self.mutual_total,
            "high": self.high_scheduled,
            "high_total": self.high_total,
            "without": self.participants_without_meeting,
        }


def _problem(delegation: Delegation, requests: list[MeetingRequest]):
    slots = [
        solver.Slot(
            id=slot.pk,
            place=slot.stop.city_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            tables=slot.tables,
        )
        for slot in delegation.slots.select_related("stop")
    ]
    people = defaultdict(set)
    through = TripRegistration.representatives.through.objects.filter(
        tripregistration__delegation=delegation
    )
    for registration_id, person_id in through.values_list("tripregistration_id", "person_id"):
        people[registration_id].add(person_id)
    problem = [
        solver.Request(
            id=request.pk,
            participant=request.registration_id,
            counterpart=request.counterpart_id,
            place=request.counterpart.city_id,
            priority=request.priority,
            mutual=request.mutual,
            people=frozenset(people[request.registration_id]),
            pinned_slot=request.slot_id if request.pinned else None,
        )
        for request in requests
    ]
    return problem, slots


def _tables(requests: list[MeetingRequest], assignment: dict[int, int], slots) -> dict[int, int]:
    """Table numbers per slot: pinned meetings keep theirs, the others take the free ones."""
    tables_of = {slot.id: slot.tables for slot in slots}
    by_slot = defaultdict(list)
    for request in requests:
        if request.pk in assignment:
            by_slot[assignment[request.pk]].append(request)
    tables = {}
    for slot_id, placed in by_slot.items():
        taken = set()
        for request in placed:
            keeps = request.pinned and request.table and request.table not in taken
            if keeps and request.table <= tables_of[slot_id]:
                tables[request.pk] = request.table
                taken.add(request.table)
        free = (n for n in range(1, tables_of[slot_id] + 1) if n not in taken)
        for request in placed:
            if request.pk not in tables:
                tables[request.pk] = next(free)
    return tables


def schedule_meetings(
    *, delegation: Delegation, dry_run: bool = False, seconds: float = 8.0
) -> ScheduleResult:
    """Place the open requests; with ``dry_run`` nothing is written."""
    with transaction.atomic():
        requests = list(
            delegation.meeting_requests.filter(
                status__in=OPEN_REQUEST_STATUSES,
                registration__status=TripRegistration.Status.ACCEPTED,
            )
            .select_related("counterpart")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        problem, slots = _problem(delegation, requests)
        schedule = solver.solve(problem, slots, seconds=seconds)
        tables = _tables(requests, schedule.assignment, slots)
        changed = []
        for request in requests:
            slot_id = schedule.assignment.get(request.pk)
            if slot_id is not None:
                new = (slot_id, tables[request.pk], MeetingRequest.Status.SCHEDULED)
            elif request.status == MeetingRequest.Status.SCHEDULED:
                new = (None, None, MeetingRequest.Status.ACCEPTED)
            else:
                new = (None, None, request.status)
            if new != (request.slot_id, request.table, request.status):
                request.slot_id, request.table, request.status = new
                request.version += 1  # the admin's lost-update guard sees the change
                changed.append(request)
        if changed and not dry_run:
            bulk_update_with_history(
                changed,
                MeetingRequest,
                ["slot", "table", "status", "version", "updated_at"],
                batch_size=500,
            )
        registrations = delegation.registrations.filter(status=TripRegistration.Status.ACCEPTED)
        accepted = set(registrations.values_list("pk", flat=True))
    placed = [request for request in requests if request.pk in schedule.assignment]
    met = {request.registration_id for request in placed}
    return ScheduleResult(
        scheduled=len(placed),
        total=len(requests),
        mutual_scheduled=sum(request.mutual for request in placed),
        mutual_total=sum(request.mutual for request in requests),
        high_scheduled=sum(request.priority == 1 for request in placed),
        high_total=sum(request.priority == 1 for request in requests),
        participants_without_meeting=len(accepted - met),
    )
