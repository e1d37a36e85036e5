"""Does an import's cost stay flat as the database grows? A 1,000-row sheet imported into
the demo databases of two scales (default 10 and 100), new companies and then the same
rows changed, on PostgreSQL.

The databases are `<name>_scale<N>` on the server of DATABASE_URL, as bench_scale.py
builds them: one whose row counts match its scale is used, any other is built first (as
`bench_scale.py --reuse` does; scale 100 takes minutes). Each run
imports inside one transaction that is rolled back, so the databases stay as generated;
django-cachalot's cache is emptied before each run (as after any write). The two sizes
take turns run by run, so a busy spell of the machine weighs on both; median of --runs.

    python bench/bench_import_scale.py [--scales 10,100] [--runs 7]

Target (issue 12): scale 100 at most 1.5x scale 10, new and update runs alike.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import dj_database_url  # noqa: E402

from bench.bench_import import generate  # noqa: E402  (the same sheet as bench_import's)
from bench.bench_scale import prepare  # noqa: E402  (the same databases as bench_scale's)

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm")
ROWS = 1000


class Rollback(Exception):
    pass


def child(new: str, update: str) -> None:
    """In a process set up against one database: both imports' seconds, as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from cachalot.api import invalidate
    from django.db import transaction

    from partners.imports import import_profiles

    invalidate()
    seconds = {}
    try:
        with transaction.atomic():
            for kind, path in (("new", Path(new)), ("update", Path(update))):
                started = time.perf_counter()
                result = import_profiles(source=path.read_bytes(), filename=path.name, user=None)
                seconds[kind] = time.perf_counter() - started
                if result.errors:
                    sys.exit(f"{kind}: {result.errors[:3]}")
            raise Rollback
    except Rollback:
        pass
    print(json.dumps(seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="10,100")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    scales = [float(s) for s in args.scales.split(",")]
    config = dj_database_url.parse(DATABASE_URL)
    urls = {s: prepare(config, s, reuse=True) for s in scales}
    with tempfile.TemporaryDirectory() as folder:
        new, update = Path(folder) / "new.xlsx", Path(folder) / "update.xlsx"
        # Companies of their own, in a city every demo database has.
        generate(new, ROWS, 1, label="BENCH", targets=["Leipzig"])
        generate(update, ROWS, 2, label="BENCH", targets=["Leipzig"])
        times = {s: {"new": [], "update": []} for s in scales}
        for run in range(args.runs):
            for scale in scales if run % 2 == 0 else scales[::-1]:
                env = {**os.environ, "DATABASE_URL": urls[scale]}
                done = subprocess.run(
                    [sys.executable, __file__, "--child", str(new), str(update)],
                    cwd=ROOT, env=env, capture_output=True, text=True,
                )  # fmt: skip
                if done.returncode:
                    sys.exit(done.stdout + done.stderr[-3000:])
                seconds = json.loads(done.stdout.strip().splitlines()[-1])
                for kind in ("new", "update"):
                    times[scale][kind].append(seconds[kind])
    small, large = scales
    print(f"PostgreSQL, {ROWS:,} rows, median of {args.runs} runs, sizes taking turns")
    for kind in ("new", "update"):
        a, b = (statistics.median(times[s][kind]) for s in (small, large))
        print(
            f"{kind:7} scale {small:g}: {a:.2f} s   scale {large:g}: {b:.2f} s   ratio {b / a:.2f}x"
        )


if __name__ == "__main__":
    main()
