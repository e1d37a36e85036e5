"""Helpers for the back-office tests: role users and one record of every admin model."""

import datetime
import itertools
from html.parser import HTMLParser

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone, translation

from partners import models as m
from partners.roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

from . import factories as f

ROLES = [TRADE_OFFICERS, MANAGERS, ADMINISTRATORS]


def user_with_role(role, **kwargs):
    return f.UserFactory(groups=[role] if role else [], **kwargs)


def logged_in_with(client, *codenames) -> Client:
    """``client`` logged in as a new user holding exactly these permissions."""
    user = f.UserFactory()
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return client


def client_for(user) -> Client:
    # force_login: the admin login form goes through django-axes, which needs a request
    # (Client.login has none); the browser test covers the real login form.
    # English pages, so that assertions hold whether or not translations are compiled.
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


_serial = itertools.count()


def _axes_record(model):
    return model.objects.create(
        user_agent="test",
        ip_address="192.0.2.1",
        username=f"someone{next(_serial)}",
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
        m.Opportunity: f.OpportunityFactory,
        m.Photo: f.PhotoFactory,
        m.ImportRun: f.ImportRunFactory,
        m.TripRegistration: f.TripRegistrationFactory,
        m.MeetingSlot: f.MeetingSlotFactory,
        m.MeetingRequest: f.MeetingRequestFactory,
        m.Job: f.JobFactory,
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


def registered_admins(app_label: str | None = None):
    """(model, its ModelAdmin) for every model registered in the admin (of one app)."""
    models = apps.get_app_config(app_label).get_models() if app_label else apps.get_models()
    return sorted(
        (
            (model, admin.site.get_model_admin(model))
            for model in models
            if admin.site.is_registered(model)
        ),
        key=lambda item: item[0]._meta.label,
    )


def admin_url_kinds(model_admin):
    """The admin URLs of a ModelAdmin, import/export only where the admin offers them."""
    kinds = ["changelist", "add", "change", "delete", "history"]
    if hasattr(model_admin, "import_action"):
        kinds.append("import")
    if hasattr(model_admin, "export_action"):
        kinds.append("export")
    return kinds


TODAY = datetime.date.today()


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main form (submit buttons aside)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id", "").endswith("_form")):
            self._in_form = True
        if not self._in_form or "name" not in attrs and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "file", "button") or (
                kind in ("checkbox", "radio") and "checked" not in attrs
            ):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline right after <textarea>.
            value = self.data[self._textarea][0]
            self.data[self._textarea][0] = value.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def change_form_data(client, url) -> dict:
    """GET an admin add/change page and return what submitting it unchanged would send."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {
        name: values if len(values) > 1 else values[0]
        for name, values in parser.data.items()
        # A multiple select with nothing selected sends nothing.
        if "__prefix__" not in name and values
    }
    # The button pressed: without it, a change form with actions (Django 6.1) takes the
    # post for its action form.
    data["_save"] = "Save"
    return data


def form_errors(response) -> str:
    """The errors an admin page shows, for assertion messages, in the page's language
    (Django's own messages are lazy: read after the request, they follow the test's)."""
    context = response.context or {}
    with translation.override(response.get("Content-Language")):
        errors = [str(context.get("errors", ""))]
        for formset in context.get("inline_admin_formsets", []):
            errors += [str(formset.formset.errors), str(formset.formset.non_form_errors())]
    return " ".join(e for e in errors if e and e != "[]")


class TableReader(HTMLParser):
    """The cells' text of one table, row by row; ``header`` names each column as a screen
    reader would, a group's header before its column's own ("Memoranda: signed")."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.in_head = table_id, False, False
        self.rows, self.head, self.cell = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "thead":
            self.in_head = True
        elif self.inside and tag == "tr":
            (self.head if self.in_head else self.rows).append([])
        elif self.inside and tag in ("td", "th"):
            self.cell, self.span = [], (int(attrs.get("colspan", 1)), int(attrs.get("rowspan", 1)))

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag == "thead":
            self.in_head = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            (self.head if self.in_head else self.rows)[-1].append(
                (text, *self.span) if self.in_head else text
            )
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    @property
    def header(self) -> list[str]:
        """One name per column of the (one or two) header rows."""
        columns, below = [], iter(self.head[1] if len(self.head) > 1 else [])
        for text, colspan, rowspan in self.head[0] if self.head else []:
            if rowspan > 1 or len(self.head) == 1:
                columns.append(text)
            else:
                columns += [f"{text}: {next(below)[0]}" for _ in range(colspan)]
        return columns
