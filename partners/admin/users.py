"""Users: Administrators manage accounts, but only a superuser makes or edits superusers.

Administrators hold every permission on users and groups, so no permission can guard the
superuser flag: an Administrator could grant it to themselves. The rule therefore keys on
the requesting user being a superuser, whatever permissions they hold.
"""

import axes.admin  # noqa: F401 (registers axes' own admins, replaced below)
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import Http404
from django.template.response import TemplateResponse

from ..roles import ROLE_NAMES
from .base import AutocompleteMixin
from .ids import CheckedParametersMixin
from .pages import page_context

User = get_user_model()


# AutocompleteMixin: permissions and groups are chosen by keys checked before the lookup.
class GroupAdmin(CheckedParametersMixin, AutocompleteMixin, DjangoGroupAdmin):
    pass


class UserAdmin(CheckedParametersMixin, AutocompleteMixin, DjangoUserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else [*fields, "is_superuser"]

    def _shielded(self, request, obj) -> bool:
        # Editing a superuser (their password, e-mail) would be a way to become one.
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return not self._shielded(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._shielded(request, obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A colleague named on a record ("logged by", "owner") is linked here, also for
        # those who may not see accounts: they get who it is and how to reach them.
        if self.has_view_or_change_permission(request):
            return super().change_view(request, object_id, form_url, extra_context)
        colleague = self.get_object(request, unquote(object_id))
        if colleague is None:
            raise Http404
        context = {
            **page_context(self, request, colleague.get_full_name() or colleague.username),
            "colleague": colleague,
            "roles": [
                ROLE_NAMES.get(name, name)
                for name in colleague.groups.values_list("name", flat=True)
            ],
        }
        return TemplateResponse(request, "admin/auth/user/colleague.html", context)

    def save_model(self, request, obj, form, change):
        # A second line behind the read-only field. A requester who is not a superuser
        # only reaches here for accounts that are not superusers (has_change_permission).
        if not request.user.is_superuser:
            obj.is_superuser = False
        super().save_model(request, obj, form, change)


# django-axes' logs of logins: each of axes' admins with the same checked parameters.
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):  # unless AXES_ENABLE_ADMIN is off
        axes_class = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(
            model, type(axes_class.__name__, (CheckedParametersMixin, axes_class), {})
        )
admin.site.unregister(User)
admin.site.register(User, UserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
