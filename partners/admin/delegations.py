from django.contrib import admin

from ..models import Delegation, DelegationMember, DelegationStop, Meeting
from .base import CRMAdmin


class DelegationStopInline(admin.TabularInline):
    model = DelegationStop
    extra = 0
    autocomplete_fields = ["city"]


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Delegation)
class DelegationAdmin(CRMAdmin):
    list_display = ["title", "direction", "status", "start_date", "origin_city", "visibility"]
    list_filter = ["status", "direction", "visibility"]
    list_select_related = ["origin_city"]
    search_fields = ["title", "stops__city__name", "members__person__full_name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["origin_city", "lead_organisation", "supporting_organisations"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DelegationStopInline, DelegationMemberInline]


@admin.register(Meeting)
class MeetingAdmin(CRMAdmin):
    list_display = ["title", "kind", "date", "city", "delegation", "visibility"]
    list_filter = ["kind", "visibility"]
    list_select_related = ["city", "delegation"]
    search_fields = ["title", "city__name"]
    autocomplete_fields = ["delegation", "city", "organisations", "attendees"]
