"""Load benchmark: gunicorn (4 workers) on PostgreSQL under 60 s of mixed traffic, while a
20,000-row import runs through the background worker.

    python bench/bench_load.py [--seconds 60] [--clients 12]

Creates (drops first) the database crm_bench_load (BENCH_PG_URL overrides), migrates it,
loads the seed and a generated world (bench/load_world.py), starts gunicorn on a free
loopback port and one ``db_worker``, and drives the site with Python clients (threads,
urllib, loopback only): 80% public pages, 15% admin reads, 5% admin writes (a meeting
logged through the admin add form, as a trade officer who logged in once through the
login form). Then it checks that every write answered with a success is in the database,
that the import (previewed by a worker before the load, confirmed) completed, and that no
response was a 5xx. Gunicorn and the worker are always stopped.
"""

import argparse
import csv
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_load")
IMPORT_ROWS = 20_000
WORK = Path(tempfile.mkdtemp(prefix="crm-bench-load-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="crm.settings",
    DATABASE_URL=PG_URL,
    DEBUG="0",
    SECRET_KEY="bench-load-only-" + "x" * 50,
    ALLOWED_HOSTS="127.0.0.1",
    SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; production sits behind TLS
    SESSION_COOKIE_SECURE="0",
    MEDIA_ROOT=str(WORK / "media"),
    AXES_FAILURE_LIMIT="1000",
)


def recreate_database() -> None:
    import psycopg

    server, name = PG_URL.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def import_sheet() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["Firma", "Handelsregisternummer", "Ort", "Mitarbeiter", "Branche"])
    for n in range(IMPORT_ROWS):
        writer.writerow([f"Lastfirma {n} GmbH", f"LOAD {n}", "Leipzig", str(n % 500), "C"])
    return buffer.getvalue().encode()


def start_server(port: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "crm.wsgi", "--workers", "4",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=12)
    options = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    from bench import load_clients, load_world

    started = time.monotonic()
    load_world.build()
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"world built in {time.monotonic() - started:.0f} s; cores (nproc): {os.cpu_count()}")

    server = worker = None
    try:
        port = free_port()
        server = start_server(port)
        job_id = start_import()
        processes = {}

        def start_worker():
            command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--batch"]
            processes["worker"] = subprocess.Popen(command, cwd=ROOT)
            processes["since"] = time.monotonic()

        stats = load_clients.run(
            f"http://127.0.0.1:{port}",
            seconds=options.seconds,
            clients=options.clients,
            on_start=start_worker,
        )
        worker = processes.get("worker")
        worker.wait(timeout=600)
        print(f"the import's worker ran {time.monotonic() - processes['since']:.0f} s")
    finally:
        stop(server)
        stop(worker)
    load_clients.report(stats, options.seconds)
    problems = verify(stats, job_id)
    print("\n".join(problems) if problems else "OK: nothing lost, zero 5xx, import complete")
    sys.exit(1 if problems else 0)


def start_import() -> int:
    from django.contrib.auth import get_user_model

    from partners import tasks

    user = get_user_model().objects.get(username="load-officer")
    sheet = import_sheet()
    job = tasks.start_import(data=sheet, filename="load.csv", user=user, skip_invalid=False)
    # The dry run before the load (a worker that stops when it is done), then the confirmed
    # import is what the load's worker runs.
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--batch"]
    subprocess.run(command, cwd=ROOT, check=True)
    if not tasks.confirm_import(job):
        raise SystemExit(f"the import's dry run (job {job.pk}) did not pass: see its page")
    return job.pk


def verify(stats, job_id: int) -> list[str]:
    from partners.models import Job, Meeting, Organisation

    problems = []
    stored = set(
        Meeting.objects.filter(title_de__in=stats.acknowledged).values_list("title_de", flat=True)
    )
    lost = set(stats.acknowledged) - stored
    print(f"writes acknowledged: {len(stats.acknowledged)}, found in the database: {len(stored)}")
    if lost:
        problems.append(f"LOST WRITES: {len(lost)}, e.g. {sorted(lost)[:3]}")
    if stats.failed_logins:
        problems.append(f"clients that could not log in: {stats.failed_logins}")
    if stats.errors:
        problems.append(f"unexpected responses: {stats.errors}")
    if stats.server_errors:
        problems.append(f"5xx responses: {stats.server_errors}")
    imported = Organisation.objects.filter(register_number__startswith="LOAD ").count()
    state = Job.objects.get(pk=job_id).state
    print(f"import: job {state}, {imported} of {IMPORT_ROWS} companies")
    if imported != IMPORT_ROWS or state != Job.State.DONE:
        problems.append("the import did not complete")
    return problems


if __name__ == "__main__":
    main()
