"""Background work (Django's tasks framework; the worker is ``manage.py db_worker``).

Every upload becomes a `Job`. An import runs twice, like the admin's two steps: first the
dry run (stage "preview"), whose counts, errors and first rows the job page shows with a
confirm button; then, once confirmed, the real import of the same stored file (stage
"import"), whose SHA-256 must still be the one recorded at the upload. Sheets up to
``CRM_IMPORT_BACKGROUND_ROWS`` rows run inside the request, larger ones in the worker.

A delegation's handouts with more than ``CRM_DOCUMENT_BACKGROUND_PROFILES`` profiles are
printed in the worker too, and so is a briefing with more than
``CRM_DOCUMENT_BACKGROUND_COUNTERPARTS`` counterparts (``start_document``), into the job's
folder. So are the erasures of more than ``CRM_ERASURE_BACKGROUND_PEOPLE`` people at once
(``start_erasure``).
"""

import hashlib
import logging
from dataclasses import asdict, replace

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from . import documents, gdpr, jobs
from .imports import BadFile, import_profiles
from .imports.reader import Sheet, open_sheet
from .models import Delegation, Job, Person
from .reports import queries
from .reports import tables as report_tables
from .reports.filters import ReportFilter
from .spreadsheets import Table, write_xlsx

logger = logging.getLogger(__name__)

# The kinds of record whose listings' rows the export's progress counts (their sheets'
# keys are the kinds with a hyphen: "follow-ups").
COUNTED_KINDS = ["delegations", "meetings", "handovers", "follow_ups"]
PROGRESS_EVERY = 1000


def rows_in(sheet: Sheet, data: bytes) -> int:
    """Rows below the header, cheaply: XLSX says so itself, CSV is counted by lines."""
    return sheet.size_hint or max(data.count(b"\n") - 1, 0)


def start_import(*, data: bytes, filename: str, user, skip_invalid: bool) -> Job:
    """Stores the upload as a job and starts its dry run; ``confirm_import`` imports it.

    Raises `BadFile` when the file cannot be read at all; no job is kept then.
    """
    sheet = open_sheet(data, filename)
    background = rows_in(sheet, data) > settings.CRM_IMPORT_BACKGROUND_ROWS
    Job.objects.purge_expired()
    job = Job(
        kind=Job.Kind.IMPORT,
        stage=Job.Stage.PREVIEW,
        created_by=user,
        file_name=filename[:255],
        options={
            "skip_invalid": skip_invalid,
            "sha256": sheet.sha256,
            "background": background,
            "language": translation.get_language(),
        },
    )
    job.file.save(filename, ContentFile(data), save=False)
    job.save()
    if background:
        _enqueue(job, import_sheet)
    else:
        run_import(job, sheet=sheet)
    return job


def stored_upload(job: Job) -> bytes:
    """The uploaded sheet, refused if it is not byte for byte the one that was previewed."""
    with job.file.open("rb") as file:
        data = file.read()
    if hashlib.sha256(data).hexdigest() != job.options.get("sha256"):
        raise BadFile(_("The stored file is not the one that was uploaded; nothing was imported."))
    return data


def confirm_import(job: Job) -> bool:
    """Starts the real import of a previewed job (same file, same mode). False when the
    job is not (or no longer) a confirmable preview: confirmed already by a double click,
    a second tab or another administrator. Exactly one caller gets True."""
    confirmable = Job.objects.filter(
        pk=job.pk,
        kind=Job.Kind.IMPORT,
        stage=Job.Stage.PREVIEW,
        state=Job.State.DONE,
        result__can_confirm=True,
    )
    if not confirmable.update(stage=Job.Stage.IMPORT, state=Job.State.QUEUED):
        return False
    job.refresh_from_db()
    if job.options.get("background"):
        _enqueue(job, import_sheet)
    else:
        run_import(job)
    return True


def start_export(*, query: str, user) -> Job:
    Job.objects.purge_expired()
    # The workbook is written in the language of the page that asked for it.
    options = {"query": query, "language": translation.get_language()}
    job = Job.objects.create(kind=Job.Kind.EXPORT, created_by=user, options=options)
    return _enqueue(job, export_report)


def handouts_in_background(delegation: Delegation) -> bool:
    profiles = documents.handout_profiles(documents.profiles_for_delegation(delegation))
    return profiles.count() > settings.CRM_DOCUMENT_BACKGROUND_PROFILES


def briefing_in_background(delegation: Delegation) -> bool:
    return documents.counterpart_count(delegation) > settings.CRM_DOCUMENT_BACKGROUND_COUNTERPARTS


def start_document(*, kind: Job.Kind, delegation: Delegation, language: str, user) -> Job:
    """Prints a trip's handouts (kind documents) or briefing in the worker."""
    Job.objects.purge_expired()
    options = {
        "delegation": delegation.pk,
        "language": language,
        "reader_language": translation.get_language(),
    }
    job = Job.objects.create(kind=kind, created_by=user, options=options)
    return _enqueue(job, _runner(job))


def start_erasure(*, people: list[Person], user) -> Job:
    """Erases ``people`` in the worker, as the administrator ``user``."""
    Job.objects.purge_expired()
    options = {"people": [person.pk for person in people], "language": translation.get_language()}
    job = Job.objects.create(kind=Job.Kind.ERASURE, created_by=user, options=options)
    return _enqueue(job, erase_people)


def restart(job: Job) -> Job:
    job.state, job.progress, job.total, job.errors, job.result = Job.State.QUEUED, 0, 0, 0, {}
    job.save(update_fields=["state", "progress", "total", "errors", "result"])
    return _enqueue(job, _runner(job))


def _runner(job: Job):
    runners = {
        Job.Kind.IMPORT: import_sheet,
        Job.Kind.DOCUMENTS: print_handouts,
        Job.Kind.BRIEFING: print_briefing,
        Job.Kind.ERASURE: erase_people,
    }
    return runners.get(job.kind, export_report)


def _enqueue(job: Job, runner) -> Job:
    job.task_id = str(runner.enqueue(job_id=str(job.pk)).id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


@task
def import_sheet(*, job_id: str) -> dict:
    Job.objects.purge_expired()  # The worker cleans up as it goes: nobody has to.
    job = Job.objects.select_related("created_by").get(pk=job_id)
    with jobs.Progress(job) as progress:
        outcome = run_import(job, progress=progress.rows)
    return {k: v for k, v in outcome.items() if k not in ("error_list", "preview")}


def run_import(job: Job, *, sheet: Sheet | None = None, progress=None) -> dict:
    """Runs the job's dry run or import and stores its outcome in the job.

    Its messages are stored as text in the language of the upload, which the worker does
    not know otherwise: the uploader reads them on the job's page."""
    with translation.override(job.reader_language):
        preview = job.stage == Job.Stage.PREVIEW
        try:
            result = import_profiles(
                source=sheet or stored_upload(job),
                filename=job.file_name,
                user=job.created_by,
                dry_run=preview,
                skip_invalid=job.options["skip_invalid"],
                progress=progress,
            )
        except BadFile as error:  # a changed stored file too
            outcome = {"status": "rejected", "reason": error.message}
            jobs.finish(job.pk, Job.State.DONE, outcome)
        except Exception:
            # Never left waiting: the job fails visibly, with a retry; the import's transaction
            # was rolled back. The traceback goes to the log for the maintainers.
            logger.exception("Import job %s failed", job.pk)
            outcome = {
                "reason": _(
                    "The import stopped on an unexpected error; nothing was written. Start it "
                    "again; if it fails again, tell the site's maintainers."
                )
            }
            jobs.finish(job.pk, Job.State.FAILED, outcome)
        else:
            outcome = _outcome(result, preview)
            jobs.finish(
                job.pk,
                Job.State.DONE,
                outcome,
                progress=result.total_rows,
                total=result.total_rows,
                errors=result.invalid_rows,
            )
        return outcome


def _outcome(result, preview: bool) -> dict:
    status = "previewed" if preview else ("done" if result.written else "rejected")
    outcome = {
        "status": status,
        "total_rows": result.total_rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "invalid_rows": result.invalid_rows,
        "run_id": result.run.pk if result.run else None,
        # Every error: the preview must show them all, and they are short.
        "error_list": [asdict(e) for e in result.errors],
        "warnings": result.warnings,
    }
    if preview:
        outcome["can_confirm"] = result.skip_invalid or not result.errors
        outcome["preview"] = [
            {**asdict(row), "errors": [str(error) for error in row.errors]}
            for row in result.preview
        ]
    return outcome


@task
def export_report(*, job_id: str) -> dict:
    Job.objects.purge_expired()
    job = Job.objects.get(pk=job_id)
    with translation.override(job.reader_language):
        criteria = ReportFilter(QueryDict(job.options["query"])).criteria()
        with jobs.Progress(job) as progress:
            total = export_rows(criteria)
            progress.rows(0, total, 0)
            job.folder.mkdir(parents=True, exist_ok=True)
            target = job.folder / "export.xlsx"
            write_xlsx(str(target), with_progress(report_tables.tables(criteria), progress, total))
        _done_with_file(job, "export.xlsx", report_tables.filename(criteria, "xlsx"), total)
    return {"status": "done", "rows": total}


def _done_with_file(job: Job, name: str, download_name: str, total: int) -> None:
    """The job is done, its result the file ``name`` written into its folder."""
    fields = {"file": f"jobs/{job.pk}/{name}", "file_name": download_name}
    jobs.finish(job.pk, Job.State.DONE, {"status": "done"}, progress=total, total=total, **fields)


def with_progress(tables: list[Table], progress: jobs.Progress, total: int) -> list[Table]:
    """The tables, reporting every PROGRESS_EVERY rows of the listings export_rows counts."""
    done = 0

    def counted(rows):
        nonlocal done
        for row in rows:
            yield row
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress.rows(min(done, total), total, 0)

    names = {str(report_tables.SHEET_NAMES[kind.replace("_", "-")]) for kind in COUNTED_KINDS}
    return [replace(t, rows=counted(t.rows)) if t.name in names else t for t in tables]


def export_rows(criteria: queries.Criteria) -> int:
    """The listing rows of the workbook, counted with the listings' own filters."""
    return sum(queries.in_period(kind, criteria).count() for kind in COUNTED_KINDS)


def exports_in_background(criteria: queries.Criteria) -> bool:
    return export_rows(criteria) > settings.CRM_EXPORT_BACKGROUND_ROWS


@task
def print_handouts(*, job_id: str) -> dict:
    """A delegation's handouts into ``jobs/<id>/handouts.pdf``; progress counts the
    profiles laid out so far (documents.handouts.CHUNK at a time)."""
    Job.objects.purge_expired()
    job = Job.objects.get(pk=job_id)
    language = documents.language_or_default(job.options.get("language"))
    with translation.override(job.reader_language):
        if (delegation := _trip_or_reject(job)) is None:
            return {"status": "rejected"}
        profiles = documents.profiles_for_delegation(delegation)
        with jobs.Progress(job) as progress:
            total = documents.handout_profiles(profiles).count()
            progress.rows(0, total, 0)
            pdf = documents.handouts_pdf(
                profiles,
                language=language,
                delegation=delegation,
                progress=lambda done, total: progress.rows(done, total, 0),
            )
            if pdf is None:
                reason = _("No shareable profile is handed over on this trip yet.")
                jobs.finish(job.pk, Job.State.DONE, {"status": "rejected", "reason": reason})
                return {"status": "rejected"}
            job.folder.mkdir(parents=True, exist_ok=True)
            (job.folder / "handouts.pdf").write_bytes(pdf)
    _done_with_file(job, "handouts.pdf", f"handouts-{delegation.slug}-{language}.pdf", total)
    return {"status": "done", "profiles": total}


@task
def print_briefing(*, job_id: str) -> dict:
    """A trip's briefing into ``jobs/<id>/briefing.pdf``: one document, laid out at once."""
    Job.objects.purge_expired()
    job = Job.objects.get(pk=job_id)
    language = documents.language_or_default(job.options.get("language"))
    with translation.override(job.reader_language):
        if (delegation := _trip_or_reject(job)) is None:
            return {"status": "rejected"}
        with jobs.Progress(job) as progress:
            progress.rows(0, 1, 0)
            pdf = documents.briefing_pdf(delegation, language=language)
            job.folder.mkdir(parents=True, exist_ok=True)
            (job.folder / "briefing.pdf").write_bytes(pdf)
    _done_with_file(job, "briefing.pdf", f"briefing-{delegation.slug}-{language}.pdf", 1)
    return {"status": "done"}


def _trip_or_reject(job: Job) -> Delegation | None:
    """The job's delegation; None, with the job rejected, when it was deleted meanwhile (the
    job stayed "waiting for a worker" forever)."""
    delegation = Delegation.objects.filter(pk=job.options["delegation"]).first()
    if delegation is None:
        reason = _("The delegation was deleted before it was printed; there is nothing to print.")
        jobs.finish(job.pk, Job.State.DONE, {"status": "rejected", "reason": reason})
    return delegation


@task
def erase_people(*, job_id: str) -> dict:
    """The erasure of the job's people, each reported as the admin reports one: texts
    rewritten, job files deleted, names too short to look for. A person erased meanwhile
    (by hand, or by this job's first run) is reported with nothing left to do."""
    Job.objects.purge_expired()
    job = Job.objects.select_related("created_by").get(pk=job_id)
    people = list(Person.objects.filter(pk__in=job.options["people"]).order_by("pk"))
    with jobs.Progress(job) as progress:
        progress.rows(0, len(people), 0)
        erasures = gdpr.people_erase(people=people, user=job.created_by)
    report = [
        {
            "person": erasure.person.pk,
            "texts": erasure.texts,
            "files": erasure.files,
            "not_searched": erasure.not_searched,
        }
        for erasure in erasures
    ]
    done = len(report)
    jobs.finish(
        job.pk, Job.State.DONE, {"status": "done", "people": report}, progress=done, total=done
    )
    return {"status": "done", "people": done}
