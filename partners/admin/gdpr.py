"""GDPR requests in the back office: export a person's data, erase a person.

A mixin for PersonAdmin, so the person admin itself stays about editing people. Only users
holding `partners.gdpr_export_person` / `partners.erase_person` (the Administrators group, and
superusers) see the buttons or reach the views.
"""

import json

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import redirect
from django.template.defaultfilters import capfirst, yesno
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import tasks
from ..gdpr import (
    Erasure,
    not_searched_names,
    people_erase,
    person_erase,
    person_export,
    quoted_in,
)
from ..models import (
    CompanyProfile,
    Delegation,
    DelegationMember,
    ImportRunItem,
    Job,
    Meeting,
    Memorandum,
    MemorandumParty,
    Person,
    ProfileHandover,
    TripRegistration,
)
from .pages import attachment, page_context

# Each section of the export, in the order shown on the HTML page: its heading, and the
# models whose fields the keys of its rows are (gdpr.person_export): the page names them,
# and shows their choices, in the reader's language; the JSON keeps the keys.
EXPORT_SECTIONS = {
    "person": (_("Stored record"), [Person]),
    "delegation_memberships": (_("Delegation memberships"), [DelegationMember, Delegation]),
    "meetings": (_("Meetings attended"), [Meeting]),
    "memoranda_signed": (_("Memoranda signed"), [MemorandumParty, Memorandum]),
    "company_profiles_as_contact": (_("Contact for company profiles"), [CompanyProfile]),
    "profile_handovers": (_("Profile handovers"), [ProfileHandover]),
    "trip_registrations": (_("Trip registrations (as contact or traveller)"), [TripRegistration]),
    "history": (_("Change history"), [Person.history.model]),
    "admin_log": (_("Back-office log"), [LogEntry]),
    "imported_rows": (_("Imported rows (the contact before an update)"), [ImportRunItem]),
    "mentions": (
        _("Mentioned in other records, their history and logs"),
        list(apps.get_app_config("partners").get_models()),
    ),
    "job_files": (_("Files of background jobs that mention the person"), [Job]),
}
# Keys that are no field of their section's models, or whose field has no name of ours (the
# history's own columns, the search's copy of the name).
KEY_LABELS = {
    "history_id": _("version (ID)"),
    "history_date": _("Date/time"),
    "history_change_reason": _("Change reason"),
    "history_type": _("kind of change"),
    "history_user": _("Changed by"),
    "full_name_folded": _("name as searched"),
    "registration_id": _("trip registration (ID)"),
    "handover_id": _("profile handover (ID)"),
    "as_contact": _("as contact"),
    "company": _("company"),
    "import": _("import"),
    "contact_before": _("contact before the import"),
    "record": _("record"),
}


def _labelled(rows: list[dict], models: list) -> list[dict]:
    """The rows with each key named, and each choice shown, as the back office shows them."""
    fields = {}
    for model in reversed(models):  # the first model's field of a name wins
        for field in model._meta.concrete_fields:
            fields[field.attname] = fields[field.name] = field
    shown = []
    for row in rows:
        labelled = {}
        for key, value in row.items():
            field = fields.get(key) or fields.get(key.split("__")[0])
            if key in KEY_LABELS or field is None:
                label = str(KEY_LABELS.get(key, key))
            elif key == field.attname != field.name:
                label = f"{capfirst(field.verbose_name)} (ID)"
            else:
                label = capfirst(field.verbose_name)
            if isinstance(value, bool):
                value = yesno(value)
            elif field is not None and field.choices and not isinstance(value, list | dict):
                value = dict(field.flatchoices).get(value, value)
            labelled[key if label in labelled else label] = value
        shown.append(labelled)
    return shown


class PersonGDPRMixin:
    change_form_template = "admin/partners/person/change_form_gdpr.html"

    def has_erase_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("partners.erase_person")

    def _may_export(self, request, obj=None) -> bool:
        return request.user.has_perm("partners.gdpr_export_person")

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Added here rather than through `actions`, which the person admin may set itself.
        self.actions = [*self.actions, "erase_selected"]

    def get_urls(self):
        view, route = self.admin_site.admin_view, "<path:object_id>/gdpr/"
        prefix = "partners_person_gdpr"
        # Before the model admin's own URLs: its "<object_id>/" catches everything below it.
        return [
            path(f"{route}export.json", view(self.gdpr_export_json), name=f"{prefix}_json"),
            path(f"{route}export/", view(self.gdpr_export_html), name=f"{prefix}_export"),
            path(f"{route}erase/", view(self.gdpr_erase), name=f"{prefix}_erase"),
            *super().get_urls(),
        ]

    def gdpr_export_json(self, request, object_id):
        person = self.permitted_object(request, object_id, self._may_export)
        body = json.dumps(person_export(person=person), cls=DjangoJSONEncoder, indent=2)
        return attachment(body, f"person-{person.pk}.json", "application/json; charset=utf-8")

    def gdpr_export_html(self, request, object_id):
        person = self.permitted_object(request, object_id, self._may_export)
        data = person_export(person=person)
        sections = [
            (title, _labelled(data[key] if isinstance(data[key], list) else [data[key]], models))
            for key, (title, models) in EXPORT_SECTIONS.items()
        ]
        context = {
            **page_context(self, request, _("Data stored about %(person)s") % {"person": person}),
            "original": person,
            "exported_at": data["exported_at"],
            "sections": sections,
        }
        return TemplateResponse(request, "admin/partners/person/gdpr_export.html", context)

    def gdpr_erase(self, request, object_id):
        person = self.permitted_object(request, object_id, self.has_erase_permission)
        if request.method == "POST":
            self._report(request, person_erase(person=person, user=request.user))
            return redirect("admin:partners_person_change", person.pk)
        # One person: the page can afford to read every text once to count the quotes.
        return self._erase_confirmation(request, [person], quoted=quoted_in(person))

    def _erase_confirmation(self, request, people, *, via_action=False, quoted=None):
        context = {
            **page_context(self, request, _("Erase personal data")),
            "people": people,
            # Names too short to look for in other records' text: the administrator decides.
            "not_searched": [name for person in people for name in not_searched_names(person)],
            "via_action": via_action,
            "in_background": via_action and len(people) > settings.CRM_ERASURE_BACKGROUND_PEOPLE,
            "quoted": quoted,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/partners/person/gdpr_erase.html", context)

    @admin.action(description=_("Erase (anonymise) the selected people"), permissions=["erase"])
    def erase_selected(self, request, queryset):
        people = list(queryset.filter(anonymised_at__isnull=True))
        if request.POST.get("confirm") != "yes":
            return self._erase_confirmation(request, people, via_action=True)
        if len(people) > settings.CRM_ERASURE_BACKGROUND_PEOPLE:
            job = tasks.start_erasure(people=people, user=request.user)
            return redirect("jobs:detail", job_id=job.pk)
        erasures = people_erase(people=people, user=request.user)
        for erasure in erasures:
            self._report(request, erasure)
        count = len(people)
        self.message_user(
            request,
            ngettext("%(count)d person was anonymised.", "%(count)d people were anonymised.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        return None

    def _report(self, request, erasure: Erasure) -> None:
        """What the erasure changed, and what it could not look for."""
        self.message_user(
            request,
            _(
                "Person %(id)s was anonymised; %(texts)d texts in other records were "
                "rewritten and %(files)d job files deleted."
            )
            % {"id": erasure.person.pk, "texts": erasure.texts, "files": len(erasure.files)},
            messages.SUCCESS,
        )
        if erasure.files:
            self.message_user(
                request,
                _("Job files deleted: %(files)s") % {"files": ", ".join(erasure.files)},
                messages.INFO,
            )
        if erasure.not_searched:
            names = ", ".join(erasure.not_searched)
            self.message_user(
                request,
                _("Too short to look for in other records' text, check those by hand: %(names)s")
                % {"names": names},
                messages.WARNING,
            )
