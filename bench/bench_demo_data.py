"""How fast `generate_demo_data` fills PostgreSQL, and how that grows with the scale.

Each scale runs in its own scratch database (created and dropped here) on the PostgreSQL
server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/crm). Prints seconds
and rows per second per scale, the ratio to the smallest scale, and the time the largest
measured rate predicts for scale 100 (the issue's limit: 10 minutes).

    python bench/bench_demo_data.py              # scales 1 and 10
    BENCH_DEMO_SCALES=1,100 python bench/bench_demo_data.py
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm")


def psql(config, sql):
    subprocess.run(
        ["psql", "-X", "-q", "-h", config["HOST"] or "127.0.0.1", "-p", str(config["PORT"] or 5432),
         "-U", config["USER"] or "postgres", "-d", "postgres", "-c", sql],
        check=True,
    )  # fmt: skip


def manage(url, *args):
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return result.stdout


def measure(config, scale):
    name = f"{config['NAME']}_bench_demo"
    psql(config, f'DROP DATABASE IF EXISTS "{name}"')
    psql(config, f'CREATE DATABASE "{name}"')
    url = re.sub(r"/[^/]*$", f"/{name}", DATABASE_URL)
    try:
        manage(url, "migrate", "--no-input", "--verbosity=0")
        started = time.monotonic()
        output = manage(url, "generate_demo_data", f"--scale={scale}")
        seconds = time.monotonic() - started
    finally:
        psql(config, f'DROP DATABASE IF EXISTS "{name}"')
    rows = int(re.search(r"Generated ([\d,]+) rows", output).group(1).replace(",", ""))
    return seconds, rows


def main():
    config = dj_database_url.parse(DATABASE_URL)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench_demo_data measures PostgreSQL: set DATABASE_URL=postgres://…")
    scales = [float(s) for s in os.environ.get("BENCH_DEMO_SCALES", "1,10").split(",")]
    print(f"generate_demo_data on PostgreSQL, {os.cpu_count()} cores")
    print(f"{'scale':>6} {'rows':>10} {'seconds':>9} {'rows/s':>8} {'time ratio':>11}")
    baseline = None
    for scale in scales:
        seconds, rows = measure(config, scale)
        baseline = baseline or seconds
        print(f"{scale:>6g} {rows:>10,} {seconds:>9.1f} {rows / seconds:>8,.0f} "
              f"{seconds / baseline:>10.1f}x")  # fmt: skip
    predicted = seconds * 100 / scale
    print(f"scale 100 predicted from the last rate: {predicted / 60:.1f} min (limit 10 min)")


if __name__ == "__main__":
    main()
