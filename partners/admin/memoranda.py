from django.contrib import admin
from modeltranslation.admin import TranslationTabularInline

from ..models import Memorandum, MemorandumParty
from .base import CRMAdmin, CRMInline, TranslatedAdmin
from .followups import FollowUpInline
from .list_filters import NoPartnerCityFilter


class MemorandumPartyInline(CRMInline, TranslationTabularInline):
    model = MemorandumParty
    autocomplete_fields = ["organisation", "signatory"]
    fields = ["organisation", "signatory", "signatory_position"]


@admin.register(Memorandum)
class MemorandumAdmin(CRMAdmin, TranslatedAdmin):
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
