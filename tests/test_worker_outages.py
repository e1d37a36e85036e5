"""The worker (``manage.py db_worker`` in a subprocess) waits out a database that is locked
or gone, retries with backoff, and runs the next task once the database is back."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.databases import postgresql_url
from tests.worker_tasks import echo

ROOT = Path(__file__).resolve().parent.parent


def start_worker(database_url: str, log, **env) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, **env}
    command = [
        sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1",
        "--no-startup-delay", "--max-backoff", "1",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own connections")
def test_the_worker_survives_its_connection_being_dropped_and_the_database_refusing(
    tmp_path,
):
    db = connection.settings_dict
    url = postgresql_url(db)
    name = connection.ops.quote_name(db["NAME"])
    # A database cannot refuse connections on its own say: ask from the server's default.
    server = psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres",
        autocommit=True,
    )  # fmt: skip
    log = (tmp_path / "worker.log").open("w+")
    process = start_worker(url, log)
    try:
        first = echo.enqueue(1)
        assert wait_for(lambda: first.refresh() or first.status == "SUCCESSFUL")

        # The database refuses new connections, and the worker's own is cut.
        try:
            server.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            server.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                (db["NAME"], connection.connection.info.backend_pid),
            )
            time.sleep(4)  # several retries, each refused
            assert process.poll() is None, "the worker exited"
        finally:
            server.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")

        second = echo.enqueue(2)
        assert wait_for(lambda: second.refresh() or second.status == "SUCCESSFUL")
        assert second.return_value == 2
        assert process.poll() is None
    finally:
        stop(process)
        server.close()
    assert "Database unavailable" in log_text(log)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's file lock")
def test_the_worker_waits_for_a_locked_sqlite_database(tmp_path, migrated_sqlite):
    path = tmp_path / "worker.sqlite3"
    url = migrated_sqlite(path)
    env = {**os.environ, "DATABASE_URL": url}

    def enqueue(value) -> str:
        script = f"from tests.worker_tasks import echo; print(echo.enqueue({value}).id)"
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        return result.stdout.strip().splitlines()[-1]

    def status(task_id) -> str:
        with sqlite3.connect(path) as db:
            row = db.execute(
                f"SELECT status FROM {DBTaskResult._meta.db_table} WHERE id IN (?, ?)",
                (task_id, task_id.replace("-", "")),
            ).fetchone()
        return row[0] if row else ""

    log = (tmp_path / "worker.log").open("w+")
    # The worker's busy timeout cut from 20 s to 2 s: the same outage, a shorter wait.
    process = start_worker(url, log, SQLITE_BUSY_TIMEOUT="2")
    try:
        first = enqueue(1)
        assert wait_for(lambda: status(first) == "SUCCESSFUL", seconds=180), log_text(log)

        # Another writer holds the lock longer than the worker's busy timeout.
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            assert wait_for(lambda: "Database unavailable" in log_text(log), seconds=60)
            assert process.poll() is None, "the worker exited"
        finally:
            locker.execute("ROLLBACK")
            locker.close()

        second = enqueue(2)
        assert wait_for(lambda: status(second) == "SUCCESSFUL", seconds=180), log_text(log)
        assert process.poll() is None
    finally:
        stop(process)


def log_text(log) -> str:
    log.flush()
    with open(log.name) as reread:
        return reread.read()


@pytest.mark.django_db
@pytest.mark.parametrize("queued", [1, 8])
def test_the_admin_index_shows_queued_tasks_with_their_age(client, queued):
    import datetime

    from django.utils import timezone, translation

    from tests.factories import UserFactory

    ids = [echo.enqueue(n).id for n in range(queued)]
    DBTaskResult.objects.filter(id=ids[0]).update(
        enqueued_at=timezone.now() - datetime.timedelta(hours=2, minutes=5)
    )
    client.force_login(UserFactory(is_superuser=True))

    with translation.override("en"):
        page = client.get("/admin/", headers={"accept-language": "en"}).content.decode()

    assert f"{queued} background task" in page
    assert "waiting for 2\xa0hours, 5\xa0minutes" in page
    assert page.count('href="/admin/django_tasks_database/dbtaskresult/') >= min(queued, 5)


@pytest.mark.django_db
def test_the_admin_index_says_nothing_when_no_task_waits(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))

    assert 'id="waiting-tasks"' not in client.get("/admin/").content.decode()
