"""The meeting schedule as a CP-SAT model: plain data in, an assignment out (no Django).

Each request may take one slot at its counterpart's stop. Nobody is in two meetings
at once (participants, their representatives, counterparts), a slot holds at most its
tables, and pinned requests keep their slot. The objective is the scheduled weight:
priority 1 weighs 9, 2 weighs 3, 3 weighs 1, a mutual request twice as much.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ortools.sat.python import cp_model

PRIORITY_WEIGHT = {1: 9, 2: 3, 3: 1}


@dataclass(frozen=True)
class Slot:
    id: int
    place: Hashable  # the stop's city: a counterpart meets only at its own
    starts_at: datetime
    ends_at: datetime
    tables: int


@dataclass(frozen=True)
class Request:
    id: int
    participant: Hashable
    counterpart: Hashable
    place: Hashable | None  # the counterpart's city; None: any stop
    priority: int = 2
    mutual: bool = False
    people: frozenset = field(default_factory=frozenset)  # representatives
    pinned_slot: int | None = None

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHT[self.priority] * (2 if self.mutual else 1)


@dataclass
class Schedule:
    assignment: dict[int, int]  # request id -> slot id
    weight: int
    bound: float  # proven upper bound of the weight
    optimal: bool


def allowed_slots(request: Request, slots: Iterable[Slot]) -> list[Slot]:
    if request.pinned_slot is not None:
        return [slot for slot in slots if slot.id == request.pinned_slot]
    return [slot for slot in slots if request.place is None or slot.place == request.place]


def overlap_groups(slots: list[Slot]) -> list[list[int]]:
    """For every slot start, the slots running then: intervals overlap iff one contains
    the other's start, so "at most one per group" forbids every overlap."""
    return [
        [other.id for other in slots if other.starts_at <= slot.starts_at < other.ends_at]
        for slot in slots
    ]


def greedy(requests: list[Request], slots: list[Slot]) -> dict[int, int]:
    """Pinned first, then heaviest first, each into the earliest slot that still fits.

    The solver starts from this (a hint) and keeps it if it finds nothing better in time.
    """
    by_id = {slot.id: slot for slot in slots}
    used = defaultdict(int)
    busy = defaultdict(list)
    assignment = {}
    order = sorted(requests, key=lambda r: (r.pinned_slot is None, -r.weight, r.id))
    for request in order:
        parties = [("p", request.participant), ("c", request.counterpart)]
        parties += [("person", person) for person in request.people]
        for slot in sorted(allowed_slots(request, slots), key=lambda s: (s.starts_at, s.id)):
            if used[slot.id] >= slot.tables and request.pinned_slot is None:
                continue
            clash = any(
                by_id[other].starts_at < slot.ends_at and slot.starts_at < by_id[other].ends_at
                for party in parties
                for other in busy[party]
            )
            if clash and request.pinned_slot is None:
                continue
            assignment[request.id] = slot.id
            used[slot.id] += 1
            for party in parties:
                busy[party].append(slot.id)
            break
    return assignment


def solve(
    requests: list[Request], slots: list[Slot], *, seconds: float = 8.0, workers: int = 2
) -> Schedule:
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_slot = defaultdict(list)
    for request in requests:
        choices = []
        for slot in allowed_slots(request, slots):
            var = model.new_bool_var(f"r{request.id}s{slot.id}")
            x[request.id, slot.id] = var
            by_slot[slot.id].append(var)
            choices.append(var)
        if request.pinned_slot is not None and choices:
            model.add(sum(choices) == 1)
        elif choices:
            model.add_at_most_one(choices)
    for slot in slots:
        if len(by_slot[slot.id]) > slot.tables:
            model.add(sum(by_slot[slot.id]) <= slot.tables)

    # Who may not be in two places at once: the participant, each representative, the
    # counterpart.
    busy = defaultdict(list)
    for request in requests:
        for party in (("p", request.participant), ("c", request.counterpart)):
            busy[party].append(request)
        for person in request.people:
            busy["person", person].append(request)
    # Slots that never overlap another form groups of one: the common case, kept cheap.
    groups = {tuple(sorted(group)) for group in overlap_groups(slots)}
    groups_of = defaultdict(list)
    for group in groups:
        for slot_id in group:
            groups_of[slot_id].append(group)
    for party_requests in busy.values():
        if len(party_requests) < 2:
            continue
        per_group = defaultdict(list)
        for request in party_requests:
            for slot in allowed_slots(request, slots):
                for group in groups_of[slot.id]:
                    per_group[group].append(x[request.id, slot.id])
        for vars_ in per_group.values():
            if len(vars_) > 1:
                model.add_at_most_one(vars_)

    weights = {request.id: request.weight for request in requests}
    model.maximize(
        cp_model.LinearExpr.weighted_sum(list(x.values()), [weights[rid] for rid, _ in x])
    )
    start = greedy(requests, slots)
    for (rid, sid), var in x.items():
        model.add_hint(var, start.get(rid) == sid)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    # Interchangeable slots make symmetry detection cost more than it saves here.
    solver.parameters.symmetry_level = 0
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        # Only pinned meetings can make the model infeasible (two pinned at one table).
        raise ValueError("No schedule keeps every pinned meeting: two pinned ones collide.")
    assignment = start  # valid on its own; kept unless the solver found better in time
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = {rid: sid for (rid, sid), var in x.items() if solver.value(var)}
        if sum(weights[rid] for rid in found) >= sum(weights[rid] for rid in start):
            assignment = found
    total = float(sum(weights.values()))
    return Schedule(
        assignment=assignment,
        weight=sum(weights[rid] for rid in assignment),
        bound=min(solver.best_objective_bound, total) if status != cp_model.UNKNOWN else total,
        optimal=status == cp_model.OPTIMAL,
    )
