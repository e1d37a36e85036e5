from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from modeltranslation.admin import TranslationTabularInline

from ..models import FollowUp, is_translated
from .base import CRMAdmin, CRMInline, TranslatedAdmin
from .list_filters import NoPartnerCityFilter


class StaffOwnerMixin:
    """An owner is picked among the active staff users, the officer logging it to begin
    with (an empty owner is a task nobody has; who logged it is stamped apart, base.py)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            # A colleague who left still owns their records: offered, or a form saved
            # unchanged would empty the owner.
            owners = Q(pk__in=self.model.objects.values("owner"))
            users = get_user_model().objects.filter(Q(is_staff=True, is_active=True) | owners)
            kwargs["queryset"] = users
            kwargs.setdefault("initial", request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FollowUpInline(StaffOwnerMixin, CRMInline, TranslationTabularInline):
    """Follow-ups on a memorandum page: what the parties committed to."""

    model = FollowUp
    # The German title, as for meetings: translations on the follow-up's own page.
    fields = ["title_de", "kind", "status", "owner", "due_on", "visibility"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["initial"] = FollowUp.Kind.COMMITMENT
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(FollowUp)
class FollowUpAdmin(StaffOwnerMixin, CRMAdmin, TranslatedAdmin):
    list_display = ["title", "kind", "status", "owner", "due_on", "visibility"]
    list_filter = ["kind", "status", "visibility", NoPartnerCityFilter]
    list_select_related = ["owner"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["partner_city", "delegation", "meeting", "memorandum", "opportunity"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or request.user.has_perm(
            "partners.change_followup_status"
        )

    def get_readonly_fields(self, request, obj=None):
        # Managers may move a follow-up along (status), nothing else.
        if obj is not None and not request.user.has_perm("partners.change_followup"):
            return [
                field.name
                for field in [*self.opts.fields, *self.opts.many_to_many]
                if field.editable
                and field.name not in ("id", "status")
                and not is_translated(self.model, field.name)  # shown per language
            ]
        return super().get_readonly_fields(request, obj)
