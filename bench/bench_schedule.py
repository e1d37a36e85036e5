"""Schedule a large company trip, and compare the scheduled weight with an upper bound.

The instance: 300 participants, 600 counterparts, 3 stops x 16 slots x 20 tables,
2,000 requests (generated, seeded): fewer seats (960) than requests, so the schedule
chooses whom to serve. Prints the solver's time (goal: <= 10 s), the requests and
companies served, the scheduled priority weight, and two upper bounds computed in the
same run: the LP relaxation of the same model without the rule "every company one
meeting first" (GLOP, independent of CP-SAT's search) and the scheduler's own proven
bound; the goal is a weight within 1% of the tighter one, the rule's price included. A
small instance is also solved exactly by enumeration, where (companies served, weight)
must equal the optimum.

Run: python bench/bench_schedule.py [SEED]
"""

import datetime
import itertools
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.linear_solver import pywraplp

from partners.scheduling import solver

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 2019
UTC = datetime.UTC


def instance(
    seed,
    *,
    participants=300,
    counterparts=600,
    stops=3,
    slots_per_stop=16,
    tables=20,
    requests=2000,
):
    rng = random.Random(seed)
    start = datetime.datetime(2027, 5, 10, 9, tzinfo=UTC)
    slots = []
    for stop in range(stops):
        for n in range(slots_per_stop):
            begins = start + datetime.timedelta(days=stop, minutes=25 * n)
            slots.append(
                solver.Slot(
                    id=len(slots),
                    place=stop,
                    starts_at=begins,
                    ends_at=begins + datetime.timedelta(minutes=20),
                    tables=tables,
                )
            )
    place_of = {c: rng.randrange(stops) for c in range(counterparts)}
    people = {
        p: frozenset(range(p * 3, p * 3 + rng.choice([1, 2, 3]))) for p in range(participants)
    }
    # A few consultants represent two companies.
    for p in rng.sample(range(participants), min(10, participants // 2)):
        people[p] = people[p] | {10_000 + p % 5}
    pairs = set()
    while len(pairs) < requests:
        pairs.add((rng.randrange(participants), rng.randrange(counterparts)))
    reqs = [
        solver.Request(
            id=i,
            participant=p,
            counterpart=c,
            place=place_of[c],
            priority=rng.choices([1, 2, 3], weights=[3, 4, 3])[0],
            mutual=rng.random() < 0.25,
            people=people[p],
        )
        for i, (p, c) in enumerate(sorted(pairs))
    ]
    return reqs, slots


def lp_bound(requests, slots) -> float:
    """The LP relaxation of the same model: every 0/1 variable may take any value in [0, 1]."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = {}
    by_slot = defaultdict(list)
    for r in requests:
        vars_ = []
        for s in solver.allowed_slots(r, slots):
            x[r.id, s.id] = lp.NumVar(0, 1, "")
            by_slot[s.id].append(x[r.id, s.id])
            vars_.append(x[r.id, s.id])
        lp.Add(sum(vars_) <= 1)
    for s in slots:
        lp.Add(sum(by_slot[s.id]) <= s.tables)
    busy = defaultdict(list)
    for r in requests:
        busy["p", r.participant].append(r)
        busy["c", r.counterpart].append(r)
        for person in r.people:
            busy["person", person].append(r)
    for group in solver.overlap_groups(slots):
        for party in busy.values():
            vars_ = [x[r.id, s] for r in party for s in group if (r.id, s) in x]
            if len(vars_) > 1:
                lp.Add(sum(vars_) <= 1)
    lp.Maximize(
        sum(r.weight * x[r.id, s.id] for r in requests for s in solver.allowed_slots(r, slots))
    )
    lp.Solve()
    return lp.Objective().Value()


def brute_force(requests, slots) -> tuple[int, int]:
    """The best (participants served, weight) over every assignment."""
    best = (0, 0)
    choices = [[None, *[s.id for s in solver.allowed_slots(r, slots)]] for r in requests]
    by_id = {s.id: s for s in slots}
    for combo in itertools.product(*choices):
        used, busy, weight, ok = defaultdict(int), defaultdict(list), 0, True
        met = set()
        for r, sid in zip(requests, combo, strict=True):
            if sid is None:
                continue
            met.add(r.participant)
            used[sid] += 1
            s = by_id[sid]
            for key in [("p", r.participant), ("c", r.counterpart)] + [("x", p) for p in r.people]:
                ok &= all(not (a < s.ends_at and s.starts_at < b) for a, b in busy[key])
                busy[key].append((s.starts_at, s.ends_at))
            weight += r.weight
        if ok and all(used[k] <= by_id[k].tables for k in used):
            best = max(best, (len(met), weight))
    return best


def main():
    requests, slots = instance(SEED)
    started = time.perf_counter()
    schedule = solver.solve(requests, slots, seconds=6.0)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    relaxed = lp_bound(requests, slots)
    lp_seconds = time.perf_counter() - started
    bound = min(relaxed, schedule.bound)
    total = sum(r.weight for r in requests)
    placed = [r for r in requests if r.id in schedule.assignment]
    print(f"instance: {len(requests)} requests, {len(slots)} slots x {slots[0].tables} tables")
    print(
        f"scheduled {len(placed)} of {len(requests)} in {seconds:.1f} s, model building "
        "included (goal <= 10 s)"
    )
    print(f"weight {schedule.weight} of {total} requested")
    served = {r.participant for r in placed}
    asking = {r.participant for r in requests}
    print(f"companies served {len(served)} of {len(asking)} with a request")
    print(
        f"LP relaxation bound {relaxed:.1f} ({lp_seconds:.1f} s), the scheduler's own bound "
        f"{schedule.bound:.1f} (optimal: {schedule.optimal})"
    )
    print(f"weight / best bound = {schedule.weight / bound:.4f} (goal >= 0.99)")

    small_requests, small_slots = instance(
        SEED, participants=4, counterparts=4, stops=2, slots_per_stop=2, tables=1, requests=8
    )
    exact = brute_force(small_requests, small_slots)
    small = solver.solve(small_requests, small_slots, seconds=5)
    ours = (small.served, small.weight)
    print(
        f"small instance (companies served, weight): ours {ours}, enumerated optimum "
        f"{exact}, {'equal' if ours == exact else 'DIFFERENT'}"
    )


if __name__ == "__main__":
    main()
