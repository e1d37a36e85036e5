from django.contrib import admin

from ..models import Photo
from .base import CRMAdmin, TranslatedAdmin


@admin.register(Photo)
class PhotoAdmin(CRMAdmin, TranslatedAdmin):
    list_display = ["caption", "taken_on", "credit", "delegation", "logged_by", "visibility"]
    list_filter = ["visibility"]
    list_select_related = ["delegation", "logged_by"]
    search_fields = ["caption", "credit"]
    autocomplete_fields = ["delegation", "memorandum", "meeting"]
