from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import City, MeetingSlot, Partnership
from .base import CRMAdmin, TranslatedAdmin


@admin.register(City)
class CityAdmin(CRMAdmin, TranslatedAdmin):
    list_display = [
        "name",
        "local_name",
        "country_name",
        "region",
        "population",
        "is_home",
        "visibility",
    ]
    list_filter = ["is_home", "country", "visibility"]
    search_fields = ["name", "local_name", "region"]

    def save_model(self, request, obj, form, change):
        # A corrected zone keeps the local times of the slots and meetings here
        # (City.save, which compares the zone stored, so a revert to an older version
        # counts too); that they were moved is news to the officer.
        super().save_model(request, obj, form, change)
        if moved := obj.times_kept:
            slots = sum(isinstance(record, MeetingSlot) for record in moved)
            self.message_user(
                request,
                _(
                    "Local times kept on the clock of %(zone)s: meeting slots: %(slots)d; "
                    "meetings: %(meetings)d."
                )
                % {"zone": obj.tzinfo, "slots": slots, "meetings": len(moved) - slots},
            )

    @admin.display(description=gettext_lazy("country"), ordering="country")
    def country_name(self, city):
        # The admin's default display of a CountryField looks the code up in the list of
        # all 250 countries, built anew for every row: most of a 50-row page's time.
        return city.country.name


@admin.register(Partnership)
class PartnershipAdmin(CRMAdmin, TranslatedAdmin):
    list_display = ["home_city", "partner_city", "kind", "status", "established_year", "visibility"]
    list_filter = ["kind", "status", "visibility"]
    list_select_related = ["home_city", "partner_city"]
    search_fields = ["home_city__name", "partner_city__name", "partner_city__local_name"]
    autocomplete_fields = ["home_city", "partner_city"]
