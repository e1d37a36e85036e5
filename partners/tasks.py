"""Background tasks (Django's tasks framework; the worker is ``manage.py db_worker``).

A large import runs twice, like the admin's two steps: first the dry run (stage
"preview"), whose counts, errors and first rows the progress page shows with a confirm
button; then, once confirmed, the real import of the same stored file (stage "import"),
whose SHA-256 must still be the one recorded at the upload.

The tasks only run the services (``imports.import_profiles``, ``spreadsheets.write_xlsx``)
and report through ``partners.jobs``; the web side calls ``start_import``/``start_export``.
"""

import hashlib
from dataclasses import replace

from django.conf import settings
from django.http import QueryDict
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import jobs, report_tables, reports
from .filters import ReportFilter
from .imports import BadFile, import_profiles
from .sheet_reader import open_sheet
from .spreadsheets import Table, write_xlsx

PREVIEW_ROWS = 100
# The export's progress: rows of the sheets that export_rows counts, reported this often.
COUNTED_SHEETS = {"delegations", "meetings", "handovers", "follow-ups"}
PROGRESS_EVERY = 1000


class FileChanged(Exception):
    """The stored upload is no longer the file that was previewed."""


def rows_in(data: bytes, filename: str) -> int:
    """Rows below the header, cheaply: XLSX says so itself, CSV is counted by lines."""
    try:
        sheet = open_sheet(data, filename)
    except BadFile:
        return 0  # The normal (synchronous) import shows the error.
    return sheet.size_hint or max(data.count(b"\n") - 1, 0)


def start_import(
    *, data: bytes, filename: str, user, skip_invalid: bool, preview: bool = True
) -> str:
    """Starts the dry run (the admin's flow), or with ``preview=False`` the import itself
    (scripts and benchmarks, where nobody is there to confirm)."""
    job_id = jobs.create(
        kind="import",
        user_id=user.pk,
        spec={
            "filename": filename,
            "skip_invalid": skip_invalid,
            "sha256": hashlib.sha256(data).hexdigest(),
            "stage": "preview" if preview else "import",
        },
        upload=data,
    )
    return _enqueue(job_id, import_sheet)


def stored_upload(job_id: str) -> bytes:
    """The uploaded sheet, refused if it is not byte for byte the one that was previewed."""
    job = jobs.spec(job_id)
    data = (jobs.folder(job_id) / "upload").read_bytes()
    expected = job["spec"].get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise FileChanged
    return data


def confirm_import(job_id: str) -> str:
    """Enqueues the real import of a previewed job (same file, same mode)."""
    stored_upload(job_id)
    jobs.set_stage(job_id, "import")
    jobs.create_again(job_id)
    return _enqueue(job_id, import_sheet)


def start_export(*, query: str, user) -> str:
    # The workbook is written in the language of the page that asked for it.
    spec = {"query": query, "language": translation.get_language()}
    job_id = jobs.create(kind="export", user_id=user.pk, spec=spec)
    return _enqueue(job_id, export_report)


def restart(job_id: str) -> str:
    job = jobs.spec(job_id)
    jobs.create_again(job_id)
    return _enqueue(job_id, {"import": import_sheet, "export": export_report}[job["kind"]])


def _enqueue(job_id: str, runner) -> str:
    result = runner.enqueue(job_id=job_id)
    jobs.set_task_id(job_id, result.id)
    return job_id


@task
def import_sheet(*, job_id: str) -> dict:
    from django.contrib.auth import get_user_model

    job = jobs.spec(job_id)
    preview = job["spec"].get("stage", "import") == "preview"
    user = get_user_model().objects.filter(pk=job["user_id"]).first()
    with jobs.Progress(job_id) as progress:
        try:
            result = import_profiles(
                source=stored_upload(job_id),
                filename=job["spec"]["filename"],
                user=user,
                dry_run=preview,
                skip_invalid=job["spec"]["skip_invalid"],
                preview_limit=PREVIEW_ROWS if preview else 0,
                progress=progress.rows,
            )
        except (BadFile, FileChanged) as error:
            reason = error.message if isinstance(error, BadFile) else file_changed_message()
            progress.update(status="rejected", reason=reason)
            return {"status": "rejected", "reason": reason}
        outcome = _outcome(result, preview)
        progress.update(**outcome)
    return {k: v for k, v in outcome.items() if k not in ("error_list", "preview")}


def file_changed_message() -> str:
    return _("The stored file is not the one that was uploaded; nothing was imported.")


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
        "error_list": [e.as_dict() for e in result.errors],
        "warnings": result.warnings,
    }
    if preview:
        outcome["can_confirm"] = result.skip_invalid or not result.errors
        outcome["preview"] = [
            {
                "row": row.row,
                "action": row.action,
                "name": row.name,
                "changes": row.changes,
                "errors": [str(error) for error in row.errors],
            }
            for row in result.preview
        ]
    return outcome


@task
def export_report(*, job_id: str) -> dict:
    spec = jobs.spec(job_id)["spec"]
    with translation.override(spec.get("language") or settings.LANGUAGE_CODE):
        return _export_report(job_id, criteria_for(QueryDict(spec["query"])))


def _export_report(job_id: str, criteria: reports.Criteria) -> dict:
    with jobs.Progress(job_id) as progress:
        total = export_rows(criteria)
        progress.rows(0, total, 0)
        target = jobs.folder(job_id) / "report.xlsx"
        write_xlsx(str(target), with_progress(report_tables.tables(criteria), progress, total))
        name = report_tables.filename(criteria, "xlsx")
        progress.update(status="done", done=total, file=target.name, download_name=name)
    return {"status": "done", "rows": total}


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

    names = {str(report_tables.SHEET_NAMES[key]) for key in COUNTED_SHEETS}
    return [replace(t, rows=counted(t.rows)) if t.name in names else t for t in tables]


def criteria_for(query: QueryDict) -> reports.Criteria:
    """The report's criteria from its query string, as the report page reads them."""
    filterset = ReportFilter(query or None, queryset=reports.partner_cities())
    if filterset.is_bound and filterset.is_valid():
        return reports.Criteria(**filterset.criteria_kwargs())
    return reports.Criteria.for_year(timezone.localdate().year)


def export_rows(criteria: reports.Criteria) -> int:
    """The listing rows of the workbook, counted with the listings' own filters."""
    return (
        reports.period_delegations(criteria).count()
        + reports.period_meetings(criteria).count()
        + reports.period_handovers(criteria).count()
        + reports.period_follow_ups(criteria).count()
    )


def exports_in_background(criteria: reports.Criteria) -> bool:
    return export_rows(criteria) > settings.CRM_EXPORT_BACKGROUND_ROWS
