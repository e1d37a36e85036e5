"""Background jobs (large imports and report exports): their files and their progress.

A job is a folder under ``MEDIA_ROOT/jobs/<uuid>/`` holding the uploaded sheet or the
written workbook, ``job.json`` (what to run and for whom, written by the web process) and
``progress.json`` (rows done / total, errors so far, status; written by the worker).

Why progress lives in a file and not in the database: the import is one transaction, so
progress rows written on the import's connection would stay invisible until the end, and
on SQLite a second connection's write would wait for the import's write lock. A file is
visible at once on both databases. A worker on another machine needs ``MEDIA_ROOT`` on
shared storage anyway, for the uploaded sheet.

A worker killed mid-task cannot mark its task failed, so the task also writes a heartbeat
every few seconds; a running task whose heartbeat is older than
``CRM_TASK_STALE_SECONDS`` is marked failed by ``recover_stale`` (called by the progress
page and by ``manage.py recover_tasks``).
"""

import json
import os
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.tasks import task_backends
from django.tasks.base import TaskResultStatus
from django.utils.translation import gettext as _

HEARTBEAT_SECONDS = 5
# "previewed": a large import's dry run ended; the real import waits for a confirmation.
FINISHED = {"previewed", "done", "rejected", "failed"}


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it (killed, machine lost)."""


def folder(job_id: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / str(uuid.UUID(str(job_id)))


def _write_json(path: Path, data: dict) -> None:
    # Written beside and renamed, so that a reader never sees half a file.
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps(data, default=str))
    os.replace(temporary, path)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def create(*, kind: str, user_id: int | None, spec: dict, upload: bytes = b"") -> str:
    job_id = str(uuid.uuid4())
    path = folder(job_id)
    path.mkdir(parents=True)
    if upload:
        (path / "upload").write_bytes(upload)
    _write_json(path / "job.json", {"kind": kind, "user_id": user_id, "spec": spec})
    _write_json(path / "progress.json", {"status": "queued", "done": 0, "total": 0})
    return job_id


def create_again(job_id: str) -> None:
    """Resets a failed job's progress, keeping its upload, so that it can run again."""
    path = folder(job_id)
    (path / "report.xlsx").unlink(missing_ok=True)
    _write_json(path / "progress.json", {"status": "queued", "done": 0, "total": 0})


def set_stage(job_id: str, stage: str) -> None:
    data = spec(job_id)
    data["spec"]["stage"] = stage
    _write_json(folder(job_id) / "job.json", data)


def claim(job_id: str, name: str) -> bool:
    """True for the first caller only: a marker file created exclusively (two confirms)."""
    try:
        os.close(os.open(folder(job_id) / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def spec(job_id: str) -> dict:
    return _read_json(folder(job_id) / "job.json")


def set_task_id(job_id: str, task_id: str) -> None:
    data = spec(job_id)
    data["task_id"] = task_id
    _write_json(folder(job_id) / "job.json", data)


def progress(job_id: str) -> dict:
    return _read_json(folder(job_id) / "progress.json")


class Progress:
    """The worker's side: progress updates plus a heartbeat thread, both to one file."""

    def __init__(self, job_id: str):
        self.path = folder(job_id) / "progress.json"
        self.state = {"status": "running", "done": 0, "total": 0, "errors": 0}
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def update(self, **values) -> None:
        with self.lock:
            self.state.update(values, beat=time.time(), pid=os.getpid())
            _write_json(self.path, self.state)

    def rows(self, done: int, total: int, errors: int) -> None:
        self.update(done=done, total=max(total, done), errors=errors)

    def _beat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            self.update()

    def __enter__(self):
        self.update()
        threading.Thread(target=self._beat, daemon=True).start()
        return self

    def __exit__(self, kind, error, traceback):
        self.stopped.set()
        if error is not None:
            self.update(status="failed", reason=str(error) or kind.__name__)


def is_stale(state: dict, max_age: float | None = None) -> bool:
    if max_age is None:
        max_age = settings.CRM_TASK_STALE_SECONDS
    return state.get("status") == "running" and time.time() - state.get("beat", 0) > max_age


def recover_stale(job_id: str, max_age: float | None = None) -> bool:
    """Marks the job and its task failed if its worker has stopped beating; True if so."""
    state = progress(job_id)
    if not is_stale(state, max_age):
        return False
    reason = _(
        "The worker stopped while running this task (killed or lost); nothing was "
        "written. Start it again."
    )
    state.update(status="failed", reason=reason)
    _write_json(folder(job_id) / "progress.json", state)
    _fail_task(spec(job_id).get("task_id"), reason)
    return True


def _fail_task(task_id: str | None, reason: str) -> None:
    backend = task_backends["default"]
    if not task_id or not backend.supports_get_result:
        return
    from django_tasks_db.models import DBTaskResult

    stored = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).first()
    if stored is not None:
        stored.set_failed(WorkerLost(reason))


def all_ids() -> list[str]:
    root = Path(settings.MEDIA_ROOT) / "jobs"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []
