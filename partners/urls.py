"""The app's URLs: the public pages, and two namespaces mounted without a language prefix.

`urlpatterns`: public pages, under the language prefix (/de/, /en/).
`files_urls`: uploaded files, served only through permission-checked views (never from
MEDIA_URL), at /files/. `jobs_urls`: background jobs (progress, the result file and a
restart), at /jobs/. crm/urls.py mounts all three.
"""

from django.urls import path

from .admin import job_pages as jobs
from .public import calendar, feeds, files, registration, stories
from .public import views as public

app_name = "partners"

urlpatterns = [
    path("", public.home, name="home"),
    path("cities/<slug:slug>/", public.city_detail, name="city"),
    path("delegations/", public.delegation_list, name="delegations"),
    path("delegations/<slug:slug>/", public.delegation_detail, name="delegation"),
    path("delegations/<slug:slug>/register/", registration.register, name="delegation-register"),
    path(
        "delegations/<slug:slug>/register/sent/",
        registration.register_sent,
        name="delegation-register-sent",
    ),
    path(
        "delegations/<slug:slug>/register/confirm/<str:token>/",
        registration.register_confirm,
        name="delegation-register-confirm",
    ),
    path("memoranda/", public.memorandum_list, name="memoranda"),
    path("memoranda/<slug:slug>/", public.memorandum_detail, name="memorandum"),
    path("companies/", public.company_list, name="companies"),
    path("companies/<slug:slug>/", public.company_detail, name="company"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("preview/<str:model_name>/<int:pk>/", public.preview, name="preview"),
    path("success-stories/", stories.success_story_list, name="success-stories"),
    path("feeds/delegations.atom", feeds.DelegationAtomFeed(), name="feed-atom"),
    path("feeds/delegations.ics", feeds.delegations_ics, name="feed-ics"),
]

files_urls = (
    [
        path("photos/<int:pk>/", files.photo_file, name="photo"),
        path("memoranda/<int:pk>/", files.memorandum_document, name="memorandum-document"),
    ],
    "files",
)

jobs_urls = (
    [
        path("<uuid:job_id>/", jobs.detail, name="detail"),
        path("<uuid:job_id>/download/", jobs.download, name="download"),
        path("<uuid:job_id>/retry/", jobs.retry, name="retry"),
        path("<uuid:job_id>/confirm/", jobs.confirm, name="confirm"),
    ],
    "jobs",
)
