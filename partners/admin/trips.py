"""Company delegation trips in the back office: registrations, slots, meeting requests."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import MeetingRequest, MeetingSlot, TripRegistration
from ..scheduling.trips import schedule_meetings
from .base import CRMAdmin


@admin.register(TripRegistration)
class TripRegistrationAdmin(CRMAdmin):
    list_display = ["organisation", "delegation", "status", "registered_at", "confirmed_at"]
    list_filter = ["status", "delegation"]
    list_select_related = ["organisation", "delegation"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["delegation", "organisation", "profile", "representatives"]
    readonly_fields = ["registered_at", "confirmed_at"]
    show_full_result_count = False


@admin.register(MeetingSlot)
class MeetingSlotAdmin(CRMAdmin):
    list_display = ["starts_at", "ends_at", "stop", "tables", "delegation"]
    list_filter = ["delegation"]
    list_select_related = ["delegation", "stop__city"]
    search_fields = ["stop__city__name", "delegation__title"]
    autocomplete_fields = ["delegation"]
    show_full_result_count = False


@admin.register(MeetingRequest)
class MeetingRequestAdmin(CRMAdmin):
    list_display = [
        "registration",
        "counterpart",
        "priority",
        "mutual",
        "status",
        "slot",
        "table",
        "pinned",
    ]
    list_filter = ["status", "priority", "mutual", "pinned", "delegation"]
    list_select_related = [
        "registration__organisation",
        "registration__delegation",
        "counterpart",
        "slot__stop__city",
    ]
    search_fields = ["registration__organisation__name", "counterpart__name"]
    autocomplete_fields = ["delegation", "registration", "counterpart", "meeting"]
    show_full_result_count = False


@admin.action(description=gettext_lazy("Schedule meetings"), permissions=["change"])
def schedule_trip_meetings(modeladmin, request, queryset):
    """Runs the scheduler for each selected trip (also: ``manage.py schedule_meetings``)."""
    for delegation in queryset:
        if not delegation.slots.exists():
            modeladmin.message_user(
                request,
                _("“%(trip)s” has no meeting slots yet.") % {"trip": delegation},
                messages.WARNING,
            )
            continue
        try:
            result = schedule_meetings(delegation=delegation)
        except ValueError as error:
            modeladmin.message_user(request, f"{delegation}: {error}", messages.ERROR)
            continue
        modeladmin.message_user(request, f"{delegation}: {result.summary()}")
