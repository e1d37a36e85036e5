"""The progress page of a background job, its JSON, its download, its restart and the
confirmation of a previewed large import.

Only the user who started a job sees it, or staff with the right to start such jobs
(import: ``partners.import_companyprofile``; export: ``partners.view_reports``). Anyone
else gets 404, so that job ids cannot be probed.
"""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import jobs, tasks

PERMISSIONS = {"import": "partners.import_companyprofile", "export": "partners.view_reports"}


def _job_or_404(request, job_id) -> dict:
    job = jobs.spec(job_id)
    if not job:
        raise Http404
    user = request.user
    allowed = job["user_id"] == user.pk or (
        user.is_staff and user.has_perm(PERMISSIONS[job["kind"]])
    )
    if not allowed:
        raise Http404
    jobs.recover_stale(job_id)
    return {**job, "id": str(job_id), "progress": jobs.progress(job_id)}


@login_required
def detail(request, job_id):
    job = _job_or_404(request, job_id)
    state = job["progress"]
    context = {
        **admin.site.each_context(request),
        "title": _("Import in the background")
        if job["kind"] == "import"
        else _("Report export in the background"),
        "is_nav_sidebar_enabled": False,
        "job": job,
        "state": state,
        "finished": state.get("status") in jobs.FINISHED,
    }
    return render(request, "partners/jobs/detail.html", context)


@login_required
def status(request, job_id):
    return JsonResponse(_job_or_404(request, job_id)["progress"])


@login_required
def download(request, job_id):
    job = _job_or_404(request, job_id)
    state = job["progress"]
    if state.get("status") != "done" or not state.get("file"):
        raise Http404
    path = jobs.folder(job_id) / state["file"]
    return FileResponse(path.open("rb"), as_attachment=True, filename=state["download_name"])


@require_POST
@login_required
def retry(request, job_id):
    job = _job_or_404(request, job_id)
    if job["progress"].get("status") != "failed":
        raise Http404
    tasks.restart(str(job_id))
    return redirect("jobs:detail", job_id=job_id)


@require_POST
@login_required
def confirm(request, job_id):
    """Starts the real import of a previewed sheet: same stored file, same mode."""
    job = _job_or_404(request, job_id)
    state = job["progress"]
    previewed = job["kind"] == "import" and state.get("status") == "previewed"
    if not previewed or not state.get("can_confirm"):
        raise Http404
    if not jobs.claim(str(job_id), "confirmed"):
        return redirect("jobs:detail", job_id=job_id)  # Confirmed already (double click).
    try:
        tasks.confirm_import(str(job_id))
    except tasks.FileChanged:
        messages.error(request, tasks.file_changed_message())
    return redirect("jobs:detail", job_id=job_id)
