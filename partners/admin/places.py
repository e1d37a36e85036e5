from django.contrib import admin

from ..models import City, Partnership
from .base import CRMAdmin


@admin.register(City)
class CityAdmin(CRMAdmin):
    list_display = [
        "name",
        "local_name",
        "country",
        "region",
        "population",
        "is_home",
        "visibility",
    ]
    list_filter = ["is_home", "country", "visibility"]
    search_fields = ["name", "local_name", "region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Partnership)
class PartnershipAdmin(CRMAdmin):
    list_display = ["home_city", "partner_city", "kind", "status", "established_year", "visibility"]
    list_filter = ["kind", "status", "visibility"]
    list_select_related = ["home_city", "partner_city"]
    search_fields = ["home_city__name", "partner_city__name", "partner_city__local_name"]
    autocomplete_fields = ["home_city", "partner_city"]
