"""A real worker (``manage.py db_worker`` in a subprocess), killed with SIGKILL mid-import.

PostgreSQL only (skipped on SQLite, run by CI's PostgreSQL pass): the worker is another
process and must see the test database, which on SQLite lives in this process's memory.
PostgreSQL also lets the test see the moment the import holds its write lock.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from partners import jobs, tasks
from partners.models import CompanyProfile, ImportRun, Organisation
from partners.roles import ADMINISTRATORS
from tests.backoffice import user_with_role
from tests.databases import postgresql_url
from tests.factories import HomeCityFactory
from tests.import_files import csv_bytes

ROOT = Path(__file__).resolve().parent.parent
ROWS = 10_000
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: the worker is a subprocess"
    ),
]


def worker(settings, *extra) -> subprocess.Popen:
    url = postgresql_url(connection.settings_dict)
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1", *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)


def import_is_writing() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'partners_organisation' AND l.mode = 'RowExclusiveLock' "
            "AND l.pid <> pg_backend_pid() "
            # pg_locks is the server's: the other test databases, copies of one template,
            # hold their tables under the same numbers.
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0] > 0


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_worker_killed_mid_import_writes_nothing_and_the_task_can_be_restarted(settings):
    HomeCityFactory(name="Leipzig")
    sheet = csv_bytes(
        [[f"Firma {n} GmbH", f"HRB {n}", "Leipzig", "5", "C", ""] for n in range(ROWS)]
    )
    job = tasks.start_import(
        data=sheet,
        filename="big.csv",
        user=user_with_role(ADMINISTRATORS),
        skip_invalid=False,
    )
    # The dry run first, as uploaded from the admin, then the confirmed import is killed.
    assert worker(settings, "--batch", "--no-startup-delay").wait(timeout=300) == 0
    assert tasks.confirm_import(job)
    task_id = job.task_id

    process = worker(settings, "--no-startup-delay")
    try:
        assert wait_for(import_is_writing), "the import never reached its writes"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert wait_for(lambda: not import_is_writing(), 30)
    assert Organisation.objects.count() == 0
    assert CompanyProfile.objects.count() == 0
    assert not ImportRun.objects.exists()
    stored = DBTaskResult.objects.get(id=task_id)
    assert stored.status == "RUNNING"  # Nobody could tell it otherwise.

    settings.CRM_TASK_STALE_SECONDS = 0
    with translation.override("en"):
        job.refresh_from_db()
        assert jobs.recover_stale(job)

    stored.refresh_from_db()
    assert stored.status == "FAILED"
    assert stored.exception_class_path == "partners.jobs.WorkerLost"
    assert "The worker stopped while running this task" in stored.traceback
    job.refresh_from_db()
    assert job.outcome == "failed"

    tasks.restart(job)
    rerun = worker(settings, "--batch", "--no-startup-delay")
    try:
        assert rerun.wait(timeout=300) == 0
    finally:
        if rerun.poll() is None:
            rerun.kill()
            rerun.wait()
    job.refresh_from_db()
    assert job.outcome == "done"
    assert Organisation.objects.count() == ROWS
