"""The page of a background job: progress, an import's preview and its confirmation, the
outcome, the download of an export, and a restart after a failure.

Only a user who holds, now, the right to start such jobs sees one (import:
``partners.import_companyprofile`` and staff, as the upload page; export:
``partners.view_reports``, as the reports page; printed handouts: those of a trip's
handouts, ``rights.REQUIRED``, and staff; erasures: ``partners.erase_person`` and staff):
the user who started it, or staff. Anyone else gets 404, so that job ids cannot be probed;
a starter who has lost the right since can neither confirm, retry nor download. An expired
job is gone, with its file, even before anything else has purged it.
"""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import jobs, tasks
from ..models import Job
from .rights import REQUIRED, holds

PERMISSIONS = {
    "import": ("partners.import_companyprofile",),
    "export": ("partners.view_reports",),
    "documents": REQUIRED["handouts"],
    "briefing": REQUIRED["briefing"],
    "erasure": ("partners.erase_person",),
}
# The kinds started from the admin, which only staff enter; reports are not admin pages.
STAFF_ONLY = {"import", "documents", "briefing", "erasure"}
TITLES = {
    "import": gettext_lazy("Import"),
    "export": gettext_lazy("Report export"),
    "documents": gettext_lazy("Handouts"),
    "briefing": gettext_lazy("Briefing (PDF)"),
    "erasure": gettext_lazy("Erase personal data"),
}


def _job_or_404(request, job_id) -> Job:
    # Expired jobs are purged lazily (by the next job or task): until then the row and its
    # file (contacts' details) are still there, and must not be shown, confirmed or served.
    Job.objects.purge_expired()
    job = get_object_or_404(Job, pk=job_id)
    user = request.user
    may_start = holds(user, PERMISSIONS[job.kind]) and (user.is_staff or job.kind not in STAFF_ONLY)
    if not (may_start and (job.created_by_id == user.pk or user.is_staff)):
        raise Http404
    jobs.recover_stale(job)
    return job


# Private pages and files: kept out of every cache, as the admin's pages are.
@never_cache
@login_required
def detail(request, job_id):
    job = _job_or_404(request, job_id)
    context = {
        **admin.site.each_context(request),
        "title": TITLES[job.kind],
        "is_nav_sidebar_enabled": False,
        "job": job,
        "state": job.result,
    }
    return render(request, "partners/jobs/detail.html", context)


@never_cache
@login_required
def download(request, job_id):
    job = _job_or_404(request, job_id)
    if job.kind == Job.Kind.IMPORT or job.outcome != "done" or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


@require_POST
@login_required
def retry(request, job_id):
    job = _job_or_404(request, job_id)
    if job.state != Job.State.FAILED:
        raise Http404
    tasks.restart(job)
    return redirect("jobs:detail", job_id=job_id)


@require_POST
@login_required
def confirm(request, job_id):
    """Starts the real import of a previewed sheet: same stored file, same mode, once."""
    job = _job_or_404(request, job_id)
    if job.kind != Job.Kind.IMPORT:
        raise Http404
    if not tasks.confirm_import(job):
        messages.warning(
            request,
            _(
                "This import has already been confirmed (or cannot be): it runs only once. "
                "Its state is shown below."
            ),
        )
    return redirect("jobs:detail", job_id=job_id)
