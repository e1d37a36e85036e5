"""Admin actions shared by every model that can appear on the public site."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Visibility


def _set_visibility(modeladmin, request, queryset, visibility):
    """Set ``visibility`` record by record, so each passes its model's rules and history."""
    changed, refused = 0, []
    with transaction.atomic():
        for obj in queryset.exclude(visibility=visibility):
            obj.visibility = visibility
            try:
                obj.full_clean()
            except ValidationError as error:
                refused.append(f"“{obj}”: {' '.join(error.messages)}")
                continue
            obj._history_user = request.user
            obj.save()
            changed += 1
    return changed, refused


@admin.action(description=gettext_lazy("Publish selected records"), permissions=["publish"])
def publish(modeladmin, request, queryset):
    changed, refused = _set_visibility(modeladmin, request, queryset, Visibility.PUBLIC)
    modeladmin.message_user(request, _("%(count)d records published.") % {"count": changed})
    if refused:
        modeladmin.message_user(
            request,
            _("Not published: %(records)s") % {"records": "; ".join(refused)},
            messages.ERROR,
        )


@admin.action(description=gettext_lazy("Unpublish selected records"), permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    changed, refused = _set_visibility(modeladmin, request, queryset, Visibility.INTERNAL)
    modeladmin.message_user(request, _("%(count)d records unpublished.") % {"count": changed})
    if refused:
        modeladmin.message_user(
            request,
            _("Not unpublished: %(records)s") % {"records": "; ".join(refused)},
            messages.ERROR,
        )
