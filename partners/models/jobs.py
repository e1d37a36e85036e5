"""Background jobs (spreadsheet imports, report exports, printed documents, erasures):
their state, file and outcome.

The row is the job's whole state: the web process creates it, the worker moves it on
(`state`, `progress`, `total`, `heartbeat_at`, `result`), and the pages read it. Its file
(the uploaded sheet or the written workbook) lives under ``MEDIA_ROOT/jobs/<id>/`` and goes
with the row when the job expires (`Job.objects.purge_expired`); a folder left without its
row goes with `Job.objects.purge_orphans` (`manage.py recover_tasks`).
"""

import datetime
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import user_link


def job_file_path(job: "Job", filename: str) -> str:
    # The server names the file; the uploaded name is kept in `file_name` only.
    extension = "csv" if filename.lower().endswith(".csv") else "xlsx"
    return f"jobs/{job.pk}/{job.kind}.{extension}"


# A job's folder is written before its row is committed (the upload is saved, then the
# row): a folder younger than this may belong to a job still being created.
ORPHAN_GRACE = datetime.timedelta(hours=1)


def expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.CRM_JOB_FILES_DAYS)


class JobQuerySet(models.QuerySet):
    def purge_expired(self) -> int:
        """Deletes expired jobs with their files; the worker and the web side call it."""
        _count, deleted = self.filter(expires_at__lt=timezone.now()).delete()
        return deleted.get(Job._meta.label, 0)

    def purge_orphans(self) -> int:
        """Deletes the job folders whose row is gone (a process that died between deleting
        a job and removing its folder, an upload whose row was never saved): their files
        hold contacts' details too. Returns how many folders went."""
        root = Path(settings.MEDIA_ROOT) / "jobs"
        cutoff = (timezone.now() - ORPHAN_GRACE).timestamp()
        folders = {}
        for folder in root.iterdir() if root.is_dir() else ():
            try:
                pk = uuid.UUID(folder.name)
            except ValueError:
                continue  # not a job's folder: left alone
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                folders[pk] = folder
        known = set(Job.objects.filter(pk__in=folders).values_list("pk", flat=True))
        orphans = [folder for pk, folder in folders.items() if pk not in known]
        for folder in orphans:
            shutil.rmtree(folder, ignore_errors=True)
        return len(orphans)


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", _("import")
        EXPORT = "export", _("export")
        DOCUMENTS = "documents", _("documents")
        BRIEFING = "briefing", _("briefing")
        ERASURE = "erasure", _("erasure")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        # An import runs twice: the dry run (preview), then, once confirmed, the import.
        PREVIEW = "preview", _("preview")
        IMPORT = "import", _("import")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    # Invalid rows found so far (imports).
    errors = models.PositiveIntegerField(_("invalid rows"), default=0)
    created_by = user_link("+", _("started by"))
    file = models.FileField(_("file"), upload_to=job_file_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # What to run: the import's mode and the upload's SHA-256, the export's query string.
    options = models.JSONField(_("options"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=expiry, db_index=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name or self.pk}"

    @property
    def folder(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "jobs" / str(self.pk)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def outcome(self) -> str:
        """What the pages say: queued, running, previewed, done, rejected or failed."""
        if self.state == self.State.DONE:
            return self.result.get("status", "done")
        return self.state

    @property
    def reader_language(self) -> str:
        """The language of the page that started the job, which its messages are written in
        (a document's own language, ``options["language"]``, may be another: German
        handouts printed from a Chinese page)."""
        options = self.options
        return options.get("reader_language") or options.get("language") or settings.LANGUAGE_CODE


@receiver(post_delete, sender=Job)
def _delete_job_files(sender, instance, **kwargs):
    # However a job goes (the admin, a purge), its upload goes with it: the file holds
    # contacts' details. Once the delete is committed: a delete rolled back keeps its job.
    # The folder is named now: after the delete the instance has no pk.
    folder = instance.folder
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
