"""The meeting schedule: plain data in, an assignment out (no Django).

A greedy schedule, proven optimal when it reaches the bound of the linear relaxation
(GLOP); otherwise CP-SAT improves on it within a time limit.

Each request may take one slot at its counterpart's stop. Nobody is in two meetings
at once (participants, their representatives, counterparts), nor in two cities less than
the travel time apart; a slot holds at most its tables, and pinned requests keep their
slot. The objective is lexicographic: first as many participants with a meeting as
possible (when tables are short, every company gets one before any gets a second), then
the scheduled weight: priority 1 weighs 9, 2 weighs 3, 3 weighs 1, a mutual request twice
as much.
"""

import math
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

PRIORITY_WEIGHT = {1: 9, 2: 3, 3: 1}
WORKERS = 2  # CP-SAT's search threads


@dataclass(frozen=True)
class Slot:
    id: int
    place: Hashable  # the stop's city: a counterpart meets only at its own
    starts_at: datetime
    ends_at: datetime
    tables: int
    bookable: bool = True  # False: started already; only the meetings pinned there stay
    stop: Hashable = None  # a participant may travel to some stops only


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
    stops: frozenset | None = None  # the stops the participant travels to; None: all
    # Its slot from the last run: kept when that costs no weight, so that one new request
    # does not move the meetings in the agendas already sent out.
    current_slot: int | None = None

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHT[self.priority] * (2 if self.mutual else 1)

    @property
    def parties(self) -> list[tuple[str, Hashable]]:
        """Who is in the meeting: the participant, the counterpart, the representatives."""
        return [("p", self.participant), ("c", self.counterpart)] + [
            ("person", person) for person in self.people
        ]


@dataclass
class Schedule:
    assignment: dict[int, int]  # request id -> slot id
    weight: int
    bound: float  # proven upper bound of the weight, among schedules serving as many
    optimal: bool
    served: int = 0  # participants with at least one meeting


def allowed_slots(request: Request, slots: Iterable[Slot]) -> list[Slot]:
    if request.pinned_slot is not None:
        return [slot for slot in slots if slot.id == request.pinned_slot]
    return [
        slot
        for slot in slots
        if slot.bookable
        and (request.place is None or slot.place == request.place)
        and (request.stops is None or slot.stop in request.stops)
    ]


def _overlap(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _clash(a: Slot, b: Slot, travel: timedelta) -> bool:
    """Nobody can be in both: they overlap, or they are in two cities with less than
    ``travel`` between the end of one and the start of the other."""
    gap = travel if a.place != b.place else timedelta(0)
    return a.starts_at < b.ends_at + gap and b.starts_at < a.ends_at + gap


def too_close(slots: list[Slot], travel: timedelta) -> list[tuple[Slot, Slot]]:
    """The pairs of slots in two cities that do not overlap but leave less than
    ``travel`` between them (the overlapping ones are ``overlap_groups``')."""
    ordered = sorted(slots, key=lambda slot: slot.starts_at)
    pairs = []
    for n, slot in enumerate(ordered):
        for later in ordered[n + 1 :]:
            if later.starts_at >= slot.ends_at + travel:
                break  # and so do those starting later still
            if not _overlap(slot, later) and _clash(slot, later, travel):
                pairs.append((slot, later))
    return pairs


def overlap_groups(slots: list[Slot]) -> list[list[int]]:
    """For every slot start, the slots running then: intervals overlap iff one contains
    the other's start, so "at most one per group" forbids every overlap."""
    return [
        [other.id for other in slots if other.starts_at <= slot.starts_at < other.ends_at]
        for slot in slots
    ]


class PinnedClash(ValueError):
    """Pinned meetings no schedule can keep together: more than a slot's tables, or a party
    in two of them at once."""

    def __init__(self, request_ids: list[int]):
        self.request_ids = request_ids
        super().__init__(f"No schedule keeps every pinned meeting: {request_ids} collide.")


def check_pinned(
    requests: list[Request], slots: list[Slot], travel: timedelta = timedelta(0)
) -> None:
    """Raise PinnedClash naming the first pinned requests that collide."""
    by_id = {slot.id: slot for slot in slots}
    pinned = [r for r in requests if r.pinned_slot in by_id]
    per_slot = defaultdict(list)
    for request in pinned:
        per_slot[request.pinned_slot].append(request.id)
    for slot_id, request_ids in per_slot.items():
        if len(request_ids) > by_id[slot_id].tables:
            raise PinnedClash(request_ids)
    busy = defaultdict(list)  # party -> its pinned (request, slot) so far
    for request in pinned:
        slot = by_id[request.pinned_slot]
        for party in request.parties:
            for other, other_slot in busy[party]:
                if _clash(slot, other_slot, travel):
                    raise PinnedClash([other.id, request.id])
            busy[party].append((request, slot))


def greedy(
    requests: list[Request], slots: list[Slot], travel: timedelta = timedelta(0)
) -> dict[int, int]:
    """Pinned first, then the meetings already placed (in their slot, if it still fits), then
    the heaviest request of each company still without a meeting, then the others heaviest
    first; each into the earliest slot that still fits.

    The solver starts from this (a hint) and keeps it if it finds nothing better in time.
    """
    used = defaultdict(int)
    busy = defaultdict(list)  # party -> the slots it already meets in
    assignment = {}

    def place(request: Request) -> bool:
        parties, stay = request.parties, request.current_slot
        for slot in sorted(
            allowed_slots(request, slots), key=lambda s: (s.id != stay, s.starts_at, s.id)
        ):
            if used[slot.id] >= slot.tables and request.pinned_slot is None:
                continue
            clash = any(_clash(slot, other, travel) for party in parties for other in busy[party])
            if clash and request.pinned_slot is None:
                continue
            assignment[request.id] = slot.id
            used[slot.id] += 1
            for party in parties:
                busy[party].append(slot)
            return True
        return False

    # Meetings already in a slot before new ones: a rerun then starts from the last schedule.
    order = sorted(
        requests, key=lambda r: (r.pinned_slot is None, r.current_slot is None, -r.weight, r.id)
    )
    placed_before = [r for r in order if r.pinned_slot is not None or r.current_slot is not None]
    for request in placed_before:
        place(request)
    met = {request.participant for request in requests if request.id in assignment}
    rest = [r for r in order if r.pinned_slot is None and r.current_slot is None]
    for request in rest:  # one meeting for every company before a second for any
        if request.participant not in met and place(request):
            met.add(request.participant)
    for request in rest:
        if request.id not in assignment:
            place(request)
    return assignment


# Why a request stayed out of a schedule (codes; the caller words them).
NO_SLOT = "no_slot"  # no slot at the counterpart's stop at all
NOT_TRAVELLING = "not_travelling"  # the participant does not travel to that stop
BEGUN = "begun"  # every slot there has begun
COUNTERPART_BUSY = "counterpart_busy"  # the counterpart meets others in every slot there
PARTICIPANT_BUSY = "participant_busy"  # so do the company or its representatives
FULL = "full"  # every table there is taken
NO_COMMON_SLOT = "no_common_slot"  # free slots, but none free for both sides with a table


def reasons_unplaced(
    requests: list[Request],
    slots: list[Slot],
    assignment: dict[int, int],
    travel: timedelta = timedelta(0),
) -> dict[int, str]:
    """For each request left out of ``assignment``, why, read from the schedule alone."""
    by_id = {slot.id: slot for slot in slots}
    used, busy = defaultdict(int), defaultdict(list)
    for request in requests:
        if request.id in assignment:
            slot = by_id[assignment[request.id]]
            used[slot.id] += 1
            for party in request.parties:
                busy[party].append(slot)

    def booked(slot, parties):
        return any(_clash(slot, other, travel) for party in parties for other in busy[party])

    reasons = {}
    for request in requests:
        if request.id in assignment:
            continue
        allowed = allowed_slots(request, slots)
        counterpart = [("c", request.counterpart)]
        company = [p for p in request.parties if p not in counterpart]
        at_place = [s for s in slots if request.place is None or s.place == request.place]
        if not at_place:
            reasons[request.id] = NO_SLOT
        elif request.stops is not None and not any(s.stop in request.stops for s in at_place):
            reasons[request.id] = NOT_TRAVELLING
        elif not allowed:
            reasons[request.id] = BEGUN
        elif all(booked(slot, counterpart) for slot in allowed):
            reasons[request.id] = COUNTERPART_BUSY
        elif all(booked(slot, company) for slot in allowed):
            reasons[request.id] = PARTICIPANT_BUSY
        elif all(used[slot.id] >= slot.tables for slot in allowed):
            reasons[request.id] = FULL
        else:
            reasons[request.id] = NO_COMMON_SLOT
    return reasons


@dataclass
class Rules:
    """Every (request, slot) the schedule may choose and the rules over them, worked out once
    for the LP bound and for CP-SAT."""

    choices: dict[tuple[int, int], Request]
    at_most_one: list[list[tuple[int, int]]]  # of each set, at most one is taken
    table_limits: list[tuple[list[tuple[int, int]], int]]  # a slot's choices, its tables
    pinned: list[tuple[int, int]]  # taken in any case
    of_participant: dict  # each participant's choices (only those with any)

    @classmethod
    def of(
        cls, requests: list[Request], slots: list[Slot], travel: timedelta = timedelta(0)
    ) -> "Rules":
        choices = {(r.id, slot.id): r for r in requests for slot in allowed_slots(r, slots)}
        by_request, by_slot, by_participant = defaultdict(list), defaultdict(list), {}
        for (rid, sid), request in choices.items():
            by_request[rid].append((rid, sid))
            by_slot[sid].append((rid, sid))
            by_participant.setdefault(request.participant, []).append((rid, sid))
        tables = {slot.id: slot.tables for slot in slots}
        return cls(
            choices=choices,
            # One slot per request, and one per party among slots it cannot attend both of.
            at_most_one=[*by_request.values(), *_clashes(requests, slots, by_request, travel)],
            table_limits=[
                (keys, tables[sid]) for sid, keys in by_slot.items() if len(keys) > tables[sid]
            ],  # fmt: skip
            pinned=[(r.id, r.pinned_slot) for r in requests if (r.id, r.pinned_slot) in choices],
            of_participant=by_participant,
        )


def _clashes(
    requests: list[Request], slots: list[Slot], by_request: dict, travel: timedelta
) -> list[list]:
    """For each party, its choices among slots running at once, and in each pair of slots
    too close to travel between: nobody is in two meetings at a time or two cities."""
    busy = defaultdict(list)
    for request in requests:
        for party in request.parties:
            busy[party].append(request)
    # Slots that never overlap another form groups of one: the common case, kept cheap.
    groups = {tuple(sorted(group)) for group in overlap_groups(slots)}
    groups |= {tuple(sorted((a.id, b.id))) for a, b in too_close(slots, travel)}
    groups_of = defaultdict(list)
    for group in groups:
        for slot_id in group:
            groups_of[slot_id].append(group)
    clashes = []
    for party_requests in busy.values():
        if len(party_requests) < 2:
            continue
        per_group = defaultdict(list)
        for request in party_requests:
            for rid, sid in by_request.get(request.id, ()):
                for group in groups_of[sid]:
                    per_group[group].append((rid, sid))
        clashes += [keys for keys in per_group.values() if len(keys) > 1]
    return clashes


def _constrain(add, x: dict, rules: Rules) -> None:
    """State ``rules`` over the choices' variables ``x`` with ``add`` (the LP's or CP-SAT's):
    the same linear constraints in both models."""
    for keys in rules.at_most_one:
        add(sum(x[key] for key in keys) <= 1)
    for keys, tables in rules.table_limits:
        add(sum(x[key] for key in keys) <= tables)
    for key in rules.pinned:
        add(x[key] == 1)


def _serving(add, x: dict, met: dict, rules: Rules, at_least: int) -> None:
    """State that at least ``at_least`` participants have a meeting, ``met`` holding a
    variable per participant (the LP's or CP-SAT's): at most the number of its meetings."""
    for participant, keys in rules.of_participant.items():
        add(met[participant] <= sum(x[key] for key in keys))
    if at_least:
        add(sum(met.values()) >= at_least)


def relaxation_bound(rules: Rules, *, serving: int = 0) -> float:
    """The optimum of the same model, serving at least ``serving`` participants, with every
    0/1 choice relaxed to [0, 1] (GLOP): no such schedule weighs more. One that reaches it
    is optimal."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = {key: lp.NumVar(0, 1, "") for key in rules.choices}
    _constrain(lp.Add, x, rules)
    met = {participant: lp.NumVar(0, 1, "") for participant in rules.of_participant}
    _serving(lp.Add, x, met, rules, serving)
    lp.Maximize(sum(request.weight * x[key] for key, request in rules.choices.items()))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        # Every request that has a slot at all, scheduled: no schedule weighs more.
        return float(sum({r.id: r.weight for r in rules.choices.values()}.values()))
    return lp.Objective().Value()


def served(requests: list[Request], assignment: dict[int, int]) -> int:
    """How many participants have at least one meeting."""
    return len({request.participant for request in requests if request.id in assignment})


class _Search:
    """The CP-SAT model of ``rules``, solved again with another objective and hint."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.model = model = cp_model.CpModel()
        self.x = {key: model.new_bool_var(f"r{key[0]}s{key[1]}") for key in rules.choices}
        # Presolve reads a sum of booleans <= 1 as at-most-one.
        _constrain(model.add, self.x, rules)
        self.met = {p: model.new_bool_var(f"p{n}") for n, p in enumerate(rules.of_participant)}
        _serving(model.add, self.x, self.met, rules, 0)
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = WORKERS
        # Interchangeable slots make symmetry detection cost more than it saves here.
        self.solver.parameters.symmetry_level = 0

    def run(self, objective, seconds: float, hint: dict[int, int]) -> tuple[int, dict]:
        """The status, and the assignment found (else ``hint``)."""
        model, x = self.model, self.x
        model.maximize(objective)
        model.clear_hints()
        for (rid, sid), var in x.items():
            model.add_hint(var, hint.get(rid) == sid)
        hinted = {self.rules.choices[rid, sid].participant for rid, sid in hint.items()}
        for participant, var in self.met.items():
            model.add_hint(var, participant in hinted)
        self.solver.parameters.max_time_in_seconds = max(seconds, 0.1)
        status = self.solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return status, hint
        return status, {rid: sid for (rid, sid), var in x.items() if self.solver.value(var)}


def solve(
    requests: list[Request],
    slots: list[Slot],
    *,
    seconds: float = 8.0,
    travel: timedelta = timedelta(0),
) -> Schedule:
    """The schedule that gives a meeting to as many participants as possible, and of those
    the heaviest. The greedy schedule when it serves everyone who can be served and reaches
    the LP bound (then it is optimal); else CP-SAT first seeks whom to serve (half of
    ``seconds`` at most), then the weight, each from the best schedule so far. ``travel``:
    the least time between meetings of one party in two cities."""
    check_pinned(requests, slots, travel)  # else the greedy start would keep a clash as optimal
    weights = {request.id: request.weight for request in requests}
    began = time.monotonic()
    rules = Rules.of(requests, slots, travel)
    fair = greedy(requests, slots, travel)
    # Nobody can serve a participant none of whose requests has a slot to choose.
    fair_optimal = served(requests, fair) == len(rules.of_participant)
    search = None
    if not fair_optimal:
        search = _Search(rules)
        status, found = search.run(sum(search.met.values()), seconds / 2, fair)
        if served(requests, found) > served(requests, fair):
            fair = found
        fair_optimal = status == cp_model.OPTIMAL
    must_serve = served(requests, fair)
    fair_weight = sum(weights[rid] for rid in fair)
    bound = relaxation_bound(rules, serving=must_serve)
    if fair_optimal and fair_weight >= math.floor(bound + 1e-6):  # weights are whole numbers
        return Schedule(fair, fair_weight, bound, optimal=True, served=must_serve)

    search = search or _Search(rules)
    search.model.add(sum(search.met.values()) >= must_serve)
    # The weight; among schedules of equal weight, the one that moves fewest meetings
    # from their current slot (all of them together count less than one weight).
    scale = len(requests) + 1
    current = {request.id: request.current_slot for request in requests}
    objective = cp_model.LinearExpr.weighted_sum(
        list(search.x.values()),
        [weights[rid] * scale + (current[rid] == sid) for rid, sid in search.x],
    )
    status, found = search.run(objective, seconds - (time.monotonic() - began), fair)
    assignment = fair  # valid on its own; kept unless the solver found better in time
    if sum(weights[rid] for rid in found) >= fair_weight:
        assignment = found
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = min(bound, search.solver.best_objective_bound / scale)
    return Schedule(
        assignment=assignment,
        weight=sum(weights[rid] for rid in assignment),
        bound=bound,
        optimal=fair_optimal and status == cp_model.OPTIMAL,
        served=served(requests, assignment),
    )
