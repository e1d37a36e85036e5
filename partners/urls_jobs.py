"""Background jobs: progress, its JSON, the result file and a restart."""

from django.urls import path

from .views import jobs

app_name = "jobs"

urlpatterns = [
    path("<uuid:job_id>/", jobs.detail, name="detail"),
    path("<uuid:job_id>/status.json", jobs.status, name="status"),
    path("<uuid:job_id>/download/", jobs.download, name="download"),
    path("<uuid:job_id>/retry/", jobs.retry, name="retry"),
    path("<uuid:job_id>/confirm/", jobs.confirm, name="confirm"),
]
