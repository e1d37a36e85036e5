from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from ..models import Memorandum, MemorandumParty
from .base import CRMAdmin, CRMInline, TranslatedAdmin
from .followups import FollowUpInline
from .list_filters import NoPartnerCityFilter
from .versions import VersionCheckedForm


class MemorandumPartyInline(CRMInline, TranslationTabularInline):
    model = MemorandumParty
    autocomplete_fields = ["organisation", "signatory"]
    fields = ["organisation", "signatory", "signatory_position"]


class MemorandumForm(VersionCheckedForm):
    """Whoever terminates a memorandum says when: the report counts it in force until then.
    Asked only when the status changes, so that one terminated before the date was kept
    (never counted in force) can still be edited for anything else."""

    def clean(self):
        cleaned_data = super().clean()
        terminated = cleaned_data.get("status") == Memorandum.Status.TERMINATED
        newly = "status" in self.changed_data and not self.has_error("terminated_on")
        if terminated and newly and not cleaned_data.get("terminated_on"):
            self.add_error("terminated_on", _("Enter the day the termination took effect."))
        return cleaned_data


@admin.register(Memorandum)
class MemorandumAdmin(CRMAdmin, TranslatedAdmin):
    form = MemorandumForm
    list_display = [
        "title",
        "kind",
        "status",
        "signed_on",
        "signed_in",
        "valid_until",
        "visibility",
    ]
    list_filter = ["kind", "status", "visibility", NoPartnerCityFilter]
    list_select_related = ["signed_in"]
    # The parties' names as kept on the memorandum (models/organisation_names.py).
    search_fields = ["title", "organisation_names"]
    autocomplete_fields = ["partnership", "delegation", "signed_in"]
    inlines = [MemorandumPartyInline, FollowUpInline]
