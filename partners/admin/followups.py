from django.contrib import admin

from ..models import FollowUp
from .base import CRMAdmin


@admin.register(FollowUp)
class FollowUpAdmin(CRMAdmin):
    list_display = ["title", "kind", "status", "owner", "due_on", "visibility"]
    list_filter = ["kind", "status", "visibility"]
    list_select_related = ["owner"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["partner_city", "delegation", "meeting", "memorandum"]
