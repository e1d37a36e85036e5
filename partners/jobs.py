"""Background jobs (imports and report exports): the worker's side of a `Job` row.

Progress is written to the job's row from a thread of its own (its own database
connection): the import's writes are one transaction on the worker's connection, and
progress written there would stay invisible until the end. On SQLite the thread's write
waits for the import's write lock, so during the write phase the progress may lag; the
heartbeat is then skipped, and `CRM_TASK_STALE_SECONDS` must stay above the longest write.

A worker killed mid-task cannot mark its job failed, so the thread also beats a heartbeat;
a running job whose heartbeat is older than ``CRM_TASK_STALE_SECONDS`` is marked failed by
``recover_stale`` (called by the job page and by ``manage.py recover_tasks``).
"""

import contextlib
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.tasks import task_backends
from django.tasks.base import TaskResultStatus
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it (killed, machine lost)."""


class Progress:
    """Rows done / total and the heartbeat, written to the job's row by one thread."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.language = job.reader_language
        self.state = {"progress": 0, "total": 0, "errors": 0}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def rows(self, done: int, total: int, errors: int) -> None:
        with self.lock:
            self.state = {"progress": done, "total": max(total, done), "errors": errors}
        if transaction.get_autocommit():
            self._write()  # Visible at once; inside a transaction the thread writes it.

    def _write(self) -> None:
        with self.lock:
            values = dict(self.state)
        # SQLite: the import may hold the write lock; the next beat tries again.
        with contextlib.suppress(DatabaseError):
            Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(
                heartbeat_at=timezone.now(), **values
            )

    def _run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                self._write()
        finally:
            connection.close()  # This thread's own connection.

    def __enter__(self):
        Job.objects.filter(pk=self.job_id).update(
            state=Job.State.RUNNING, heartbeat_at=timezone.now()
        )
        self.thread.start()
        return self

    def __exit__(self, kind, error, traceback):
        self.stopped.set()
        self.thread.join()
        if error is not None:
            fail(self.job_id, self.language, error)


def fail(job_id, language: str, error: BaseException) -> None:
    """The job failed visibly, in the words of its starter's language; the exception's own
    text (English, naming paths and tables) goes to the log for the maintainers."""
    logger.error("Job %s failed", job_id, exc_info=error)
    with translation.override(language):
        reason = _(
            "The task stopped on an unexpected error; nothing was kept. Start it again; if "
            "it fails again, tell the site's maintainers."
        )
    finish(job_id, Job.State.FAILED, {"reason": reason})


def finish(job_id, state: str, result: dict, **fields) -> None:
    Job.objects.filter(pk=job_id).update(state=state, result=result, **fields)


def recover_stale(job: Job) -> bool:
    """Marks the job and its task failed if its worker has stopped beating; True if so."""
    beat = job.heartbeat_at or job.created_at
    age = (timezone.now() - beat).total_seconds()
    if job.state != Job.State.RUNNING or age <= settings.CRM_TASK_STALE_SECONDS:
        return False
    reason = _(
        "The worker stopped while running this task (killed or lost); nothing was "
        "written. Start it again."
    )
    job.state, job.result = Job.State.FAILED, {"reason": reason}
    job.save(update_fields=["state", "result"])
    _fail_task(job.task_id, reason)
    return True


def _fail_task(task_id: str, reason: str) -> None:
    backend = task_backends["default"]
    if not task_id or not backend.supports_get_result:
        return
    from django_tasks_db.models import DBTaskResult

    stored = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).first()
    if stored is not None:
        stored.set_failed(WorkerLost(reason))
