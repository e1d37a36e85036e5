"""Admin actions shared by every model that can appear on the public site."""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from .. import publishing
from ..models import Visibility, clauses
from ..publishing import needed_records, set_visibility
from .pages import page_context

# Models whose records have a public page of their own (partners/urls.py, "preview").
PREVIEWED = {"city", "delegation", "memorandum", "companyprofile"}


def preview_url(record) -> str:
    model_name = record._meta.model_name
    if model_name not in PREVIEWED:
        return ""
    return reverse("partners:preview", args=[model_name, record.pk])


# Publishing is offered on the list and on the record's own page (Django 6.1 change-form
# actions); the visibility field itself is read-only in every form (base.py), so this
# is the one way to publish, and it always shows what the public page would need.
ON_LIST_AND_FORM = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


# What publishing or withdrawing reports: how many changed, and which were refused and why.
_REPORTS = {
    Visibility.PUBLIC: (
        ngettext_lazy("%(count)d record published.", "%(count)d records published.", "count"),
        gettext_lazy("Not published: %(records)s"),
    ),
    Visibility.INTERNAL: (
        ngettext_lazy("%(count)d record unpublished.", "%(count)d records unpublished.", "count"),
        gettext_lazy("Not unpublished: %(records)s"),
    ),
}


def _set_visibility(modeladmin, request, records, visibility):
    changed, refused = set_visibility(records=records, visibility=visibility, user=request.user)
    _report(modeladmin, request, visibility, changed, refused)


def _report(modeladmin, request, visibility, changed, refused):
    done_message, refused_message = _REPORTS[visibility]
    modeladmin.message_user(request, done_message % {"count": len(changed)})
    if refused:
        records = _named(refused)
        modeladmin.message_user(request, refused_message % {"records": records}, messages.ERROR)


def _named(refused) -> str:
    return clauses(
        # Translators: a record's name in quotes, and why it was refused.
        _("“%(record)s”: %(reason)s") % {"record": record, "reason": reason}
        for record, reason in refused
    )


def _confirmation(modeladmin, request, records, needs):
    """The page listing what the public pages would need, to publish in the same step."""
    # The action's own fields (selection, action name, its location's prefix) go back
    # unchanged, so the confirmation reaches this action again on the same page.
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in {"csrfmiddlewaretoken", "confirm_publish", "also_publish"}
        for value in values
    ]
    context = {
        **page_context(modeladmin, request, _("Publish with what the public page needs")),
        "stories": [(record, needs[record.pk], preview_url(record)) for record in records],
        "carried": carried,
    }
    return TemplateResponse(request, "admin/partners/publish_confirm.html", context)


@admin.action(
    description=gettext_lazy("Publish"),
    description_plural=gettext_lazy("Publish selected records"),
    permissions=["publish"],
    location=ON_LIST_AND_FORM,
)
def publish(modeladmin, request, queryset):
    records = list(queryset.filter(visibility=Visibility.INTERNAL))
    needs = {record.pk: needed_records(record) for record in records}
    if "confirm_publish" not in request.POST and any(needs.values()):
        return _confirmation(modeladmin, request, records, needs)
    # Only what these records need, and only what may be published, whatever was posted.
    offered = {
        needed.key: needed.record
        for needed_list in needs.values()
        for needed in needed_list
        if not needed.refusal
    }
    chosen = {key for key in request.POST.getlist("also_publish") if key in offered}
    changed, refused = {}, []
    for record in records:
        # What a record needs is published with it or not at all: a record refused (a
        # profile without consent) publishes nothing of its own story either.
        own = [needed.record for needed in needs[record.pk] if needed.key in chosen]
        with transaction.atomic():
            done, not_done = set_visibility(
                records=[*own, record], visibility=Visibility.PUBLIC, user=request.user
            )
            if any(refused_record is record for refused_record, _reason in not_done):
                transaction.set_rollback(True)
                done = []
        changed.update({(type(r), r.pk): r for r in done})
        refused += [(r, reason) for r, reason in not_done if (type(r), r.pk) not in changed]
    _report(modeladmin, request, Visibility.PUBLIC, list(changed.values()), refused)
    return None


@admin.action(
    description=gettext_lazy("Unpublish"),
    description_plural=gettext_lazy("Unpublish selected records"),
    permissions=["publish"],
    location=ON_LIST_AND_FORM,
)
def unpublish(modeladmin, request, queryset):
    _set_visibility(modeladmin, request, list(queryset), Visibility.INTERNAL)


@admin.action(
    description=gettext_lazy("Mark ready for publication"),
    permissions=["request_publication"],
    location=ON_LIST_AND_FORM,
)
def request_publication(modeladmin, request, queryset):
    count, refused = publishing.request_publication(records=list(queryset), user=request.user)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d record marked ready for publication; it is on the managers' desk.",
            "%(count)d records marked ready for publication; they are on the managers' desk.",
            count,
        )
        % {"count": count},
    )
    if refused:
        message = _("Not marked, as it could not be published: %(records)s")
        modeladmin.message_user(request, message % {"records": _named(refused)}, messages.ERROR)
