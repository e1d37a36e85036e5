"""Public pages, under the language prefix (/de/, /en/)."""

from django.urls import path

from .views import calendar, feeds, public, registration, stories

app_name = "partners"

urlpatterns = [
    path("", public.home, name="home"),
    path("cities/<slug:slug>/", public.city_detail, name="city"),
    path("delegations/", public.delegation_list, name="delegations"),
    path("delegations/<slug:slug>/", public.delegation_detail, name="delegation"),
    path(
        "delegations/<slug:slug>/register/",
        registration.register,
        name="delegation-register",
    ),
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
