"""Schedule a delegation's meeting requests into its slots, and store the result."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ..models import Delegation, MeetingRequest, MeetingSlot, TripRegistration, clauses
from . import solver


@dataclass
class ScheduleResult:
    scheduled: int
    total: int
    mutual_scheduled: int
    mutual_total: int
    high_scheduled: int
    high_total: int
    participants_without_meeting: int
    # What stayed out, and why: (reason, the requests' names), in the order of the reasons.
    unscheduled: list[tuple[str, list[str]]] = field(default_factory=list)

    def unscheduled_lines(self) -> list[str]:
        return [
            _("Not scheduled, %(reason)s: %(requests)s")
            % {"reason": reason, "requests": clauses(requests)}
            for reason, requests in self.unscheduled
        ]

    def summary(self) -> str:
        if not self.total:
            return _("nothing to schedule: no open meeting request of an accepted company")
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


def _reasons() -> dict[str, str]:
    return {
        solver.NO_SLOT: _("no meeting slot at the counterpart's stop"),
        solver.NOT_TRAVELLING: _("the company does not travel to the counterpart's stop"),
        solver.BEGUN: _("every slot at the counterpart's stop has begun"),
        solver.COUNTERPART_BUSY: _("the counterpart is booked in every slot at its stop"),
        solver.PARTICIPANT_BUSY: _(
            "the company is booked in every slot at that stop, or elsewhere too close to "
            "travel there"
        ),
        solver.FULL: _("every table at the counterpart's stop is taken"),
        solver.NO_COMMON_SLOT: _(
            "no slot at the counterpart's stop leaves both sides and a table free"
        ),
    }


def _unscheduled(problem, slots, assignment, requests, travel) -> list[tuple[str, list[str]]]:
    reasons = solver.reasons_unplaced(problem, slots, assignment, travel)
    grouped = defaultdict(list)
    for request in requests:
        if request.pk in reasons:
            grouped[reasons[request.pk]].append(str(request))
    return [(text, grouped[code]) for code, text in _reasons().items() if grouped[code]]


def _problem(delegation: Delegation, requests: list[MeetingRequest], kept: set[int], now):
    """The solver's input; ``kept`` requests stay in their slot (as if pinned), and slots
    that have begun take no new meeting."""
    slots = [
        solver.Slot(
            id=slot.pk,
            place=slot.stop.city_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            tables=slot.tables,
            bookable=slot.starts_at >= now,
            stop=slot.stop_id,
        )
        for slot in delegation.slots.select_related("stop")
    ]
    people, stops = defaultdict(set), defaultdict(set)
    for name, linked in (("representatives", people), ("stops", stops)):
        registrations = delegation.registrations.filter(**{f"{name}__isnull": False})
        for registration_id, pk in registrations.values_list("pk", name):
            linked[registration_id].add(pk)
    # A company on the trip may be another's counterpart too: one party in both roles.
    companies = set(delegation.registrations.values_list("organisation_id", flat=True))
    both = companies & {request.counterpart_id for request in requests}
    problem = [
        solver.Request(
            id=request.pk,
            participant=request.registration_id,
            counterpart=request.counterpart_id,
            place=request.counterpart.city_id,
            priority=request.priority,
            mutual=request.mutual,
            people=frozenset(people[request.registration_id])
            | {
                ("company", organisation)
                for organisation in (request.registration.organisation_id, request.counterpart_id)
                if organisation in both
            },
            pinned_slot=request.slot_id if request.pinned or request.pk in kept else None,
            stops=frozenset(stops[request.registration_id]) or None,
            current_slot=request.slot_id,
        )
        for request in requests
    ]
    return problem, slots


def _tables(
    requests: list[MeetingRequest], assignment: dict[int, int], slots, kept: set[int]
) -> dict[int, int]:
    """Table numbers per slot: kept and pinned meetings keep theirs (in the order given),
    then those staying in their slot (the agendas name the table), the others take the free
    ones."""
    tables_of = {slot.id: slot.tables for slot in slots}
    by_slot = defaultdict(list)
    for request in requests:
        if request.pk in assignment:
            by_slot[assignment[request.pk]].append(request)
    tables = {}
    for slot_id, placed in by_slot.items():
        taken, last = set(), tables_of[slot_id]
        # A stable sort: kept and pinned first (their slot is theirs), each group in order.
        for request in sorted(placed, key=lambda r: not (r.pinned or r.pk in kept)):
            table = request.table
            if request.slot_id == slot_id and table and table <= last and table not in taken:
                tables[request.pk] = table
                taken.add(table)
        free = (n for n in range(1, last + 1) if n not in taken)
        for request in placed:
            if request.pk not in tables:
                tables[request.pk] = next(free)
    return tables


def _clash_message(clash: "solver.PinnedClash", requests: list[MeetingRequest]) -> str:
    by_pk = {request.pk: request for request in requests}
    meetings = clauses(
        f"{by_pk[pk]} ({by_pk[pk].slot}, {by_pk[pk].get_status_display()})"
        for pk in clash.request_ids
    )
    return _(
        "No schedule keeps every pinned meeting: %(meetings)s collide (more meetings than "
        "the slot's tables, someone in two at once, or in two cities too close to travel "
        "between). Unpin or move one of them."
    ) % {"meetings": meetings}


def too_close_to_travel(slot: MeetingSlot):
    """The trip's slots in other cities that leave less than the travel time before or
    after ``slot``: nobody is booked in both."""
    travel = slot.delegation.travel_time
    return (
        slot.delegation.slots.exclude(stop__city=slot.stop.city_id)
        .filter(starts_at__lt=slot.ends_at + travel, ends_at__gt=slot.starts_at - travel)
        .select_related("stop__city")
    )


def _bad_pins(requests: list[MeetingRequest]) -> str:
    """What is wrong with the pins, a line per pinned request and field (as the admin form
    says it); empty when every pin can be kept. Checked before solving: a pin the rules
    forbid would be kept as it is, or make the model infeasible."""
    lines = []
    for request in requests:
        for name, error in request.pin_errors().items():
            field = MeetingRequest._meta.get_field(name).verbose_name
            lines.append(
                _("Pinned meeting %(request)s, %(field)s: %(error)s")
                % {"request": request, "field": field, "error": error}
            )
    return "\n".join(lines)


def _place(request: MeetingRequest, slot_id=None, table=None, *, pinned=None) -> bool:
    """Gives ``request`` the slot and table, scheduled; or none (scheduled goes back to
    accepted, other states stay). Whether that changed it."""
    status = request.status
    if slot_id is not None:
        status = MeetingRequest.Status.SCHEDULED
    elif status == MeetingRequest.Status.SCHEDULED:
        status = MeetingRequest.Status.ACCEPTED
    new = (slot_id, table, request.pinned if pinned is None else pinned, status)
    if new == (request.slot_id, request.table, request.pinned, request.status):
        return False
    request.slot_id, request.table, request.pinned, request.status = new
    return True


def schedule_meetings(
    *, delegation: Delegation, dry_run: bool = False, seconds: float = 8.0
) -> ScheduleResult:
    """Place the open requests; with ``dry_run`` nothing is written.

    Held and no-show meetings, and open ones whose slot has begun, stay where they are and
    take their table and their parties' time; no new meeting goes into a slot that has
    begun. Requests of companies no longer accepted give up their slot."""
    if delegation.status == Delegation.Status.CANCELLED:
        # Its agendas say so (agendas.py); a schedule would send companies to no trip.
        raise ValueError(_("The trip is cancelled: no meetings are scheduled for it."))
    now, travel = timezone.now(), delegation.travel_time
    accepted = TripRegistration.Status.ACCEPTED
    with transaction.atomic():
        requests = list(
            delegation.meeting_requests.filter(
                Q(status__in=MeetingRequest.OPEN_STATUSES)
                | Q(status__in=MeetingRequest.SETTLED_STATUSES, slot__isnull=False)
            )
            .select_related("counterpart", "slot", "registration__organisation")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        still_open = [r for r in requests if r.status in MeetingRequest.OPEN_STATUSES]
        released = [r for r in still_open if r.registration.status != accepted]
        open_requests = [r for r in still_open if r.registration.status == accepted]
        begun = {r.pk for r in open_requests if r.slot_id and r.slot.starts_at < now}
        kept = {r.pk for r in requests if r.status in MeetingRequest.SETTLED_STATUSES} | begun
        # Kept meetings over before now (and the travel after them) cannot clash with a
        # slot that begins later.
        occupying = [r for r in requests if r.pk in kept and r.slot.ends_at + travel > now]
        to_place = [r for r in open_requests if r.pk not in begun]
        if bad_pins := _bad_pins(to_place):
            raise ValueError(bad_pins)
        problem, slots = _problem(delegation, occupying + to_place, kept, now)
        try:
            schedule = solver.solve(problem, slots, seconds=seconds, travel=travel)
        except solver.PinnedClash as clash:
            raise ValueError(_clash_message(clash, occupying + to_place)) from clash
        tables = _tables(occupying + to_place, schedule.assignment, slots, kept)
        # A company no longer on the trip gives up slot, table and pin; its requests stay
        # open should it be accepted again.
        changed = [r for r in released if _place(r, pinned=False)]
        assigned = schedule.assignment
        changed += [r for r in to_place if _place(r, assigned.get(r.pk), tables.get(r.pk))]
        for request in changed:
            request.version += 1  # the admin's lost-update guard sees the change
        if changed and not dry_run:
            bulk_update_with_history(
                changed,
                MeetingRequest,
                ["slot", "table", "status", "pinned", "version", "updated_at"],
                batch_size=500,
            )
        unscheduled = _unscheduled(problem, slots, schedule.assignment, to_place, travel)
        registrations = delegation.registrations.filter(status=accepted)
        accepted_ids = set(registrations.values_list("pk", flat=True))
    placed = [r for r in open_requests if r.pk in begun or r.pk in schedule.assignment]
    # A company whose meetings were held (or missed) had its meetings too.
    settled = [r for r in requests if r.status in MeetingRequest.SETTLED_STATUSES]
    met = {request.registration_id for request in [*placed, *settled]}
    return ScheduleResult(
        scheduled=len(placed),
        total=len(open_requests),
        mutual_scheduled=sum(request.mutual for request in placed),
        mutual_total=sum(request.mutual for request in open_requests),
        high_scheduled=sum(request.priority == 1 for request in placed),
        high_total=sum(request.priority == 1 for request in open_requests),
        participants_without_meeting=len(accepted_ids - met),
        unscheduled=unscheduled,
    )
