"""Helpers for the back-office tests: role users and one record of every admin model."""

import datetime

from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from partners import models as m
from partners.roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

from . import factories as f

ROLES = [TRADE_OFFICERS, MANAGERS, ADMINISTRATORS]


def user_with_role(role, **kwargs):
    return f.UserFactory(groups=[role] if role else [], **kwargs)


def client_for(user) -> Client:
    # force_login: the admin login form goes through django-axes, which needs a request
    # (Client.login has none); the browser test covers the real login form.
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _axes_record(model):
    return model.objects.create(
        user_agent="test",
        ip_address="192.0.2.1",
        username="someone",
        http_accept="*/*",
        path_info="/admin/login/",
        **(
            {"get_data": "", "post_data": "", "failures_since_start": 1}
            if model.__name__ == "AccessAttempt"
            else {}
        ),
    )


def make_record(model):
    """One saved record of ``model``."""
    recipes = {
        m.City: f.CityFactory,
        m.Partnership: f.PartnershipFactory,
        m.Organisation: f.OrganisationFactory,
        m.Person: f.PersonFactory,
        m.Delegation: f.DelegationFactory,
        m.Meeting: f.MeetingFactory,
        m.CompanyProfile: f.CompanyProfileFactory,
        m.ProfileHandover: f.ProfileHandoverFactory,
        m.Memorandum: f.MemorandumFactory,
        m.FollowUp: f.FollowUpFactory,
        m.Photo: f.PhotoFactory,
        m.Sector: lambda: m.Sector.objects.get(code="C"),
        m.Interest: lambda: m.Interest.objects.get(code="investment"),
        Group: lambda: Group.objects.get(name=MANAGERS),
        f.UserFactory._meta.model: lambda: f.UserFactory(username="colleague"),
    }
    if model._meta.app_label == "axes":
        return _axes_record(model)
    if model._meta.label == "django_tasks_database.DBTaskResult":
        return _task_result(model)
    return recipes[model]()


def _task_result(model):
    now = timezone.now()
    return model.objects.create(
        enqueued_at=now,
        run_after=now,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="partners.tasks.example",
        backend_name="default",
        exception_class_path="",
        traceback="",
    )


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url_kinds(model_admin):
    """The admin URLs of a ModelAdmin, import/export only where the admin offers them."""
    kinds = ["changelist", "add", "change", "delete", "history"]
    if hasattr(model_admin, "import_action"):
        kinds.append("import")
    if hasattr(model_admin, "export_action"):
        kinds.append("export")
    return kinds


TODAY = datetime.date.today()
