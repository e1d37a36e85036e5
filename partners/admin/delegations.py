"""The delegation page is the trade officer's workbench: one page per trip."""

from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Delegation,
    DelegationMember,
    DelegationStop,
    Meeting,
    Photo,
    ProfileHandover,
)
from .after_trip import AfterTripMixin
from .agendas import AgendaViewsMixin
from .base import CRMAdmin, CRMInline
from .documents import DelegationDocumentsMixin
from .list_filters import CachedRelatedOnlyFieldListFilter, YearFilter
from .trips import schedule_trip_meetings
from .versions import VersionCheckedForm


class DelegationStopInline(CRMInline):
    model = DelegationStop
    autocomplete_fields = ["city"]


class MemberForm(VersionCheckedForm):
    def clean(self):
        cleaned_data = super().clean()
        person = cleaned_data.get("person")
        # Shown back to the user on the next page: the snapshot of the position then.
        if person and not cleaned_data.get("position_at_time"):
            cleaned_data["position_at_time"] = person.position
        return cleaned_data


class DelegationMemberInline(CRMInline):
    model = DelegationMember
    form = MemberForm
    autocomplete_fields = ["person"]
    fields = ["person", "role", "position_at_time"]


class MeetingInline(CRMInline):
    model = Meeting
    fields = ["date", "city", "kind", "title", "organisations", "attendees", "visibility"]
    autocomplete_fields = ["city", "organisations", "attendees"]


class HandoverInline(CRMInline):
    model = ProfileHandover
    fields = ["profile", "recipient", "meeting", "handed_over_on", "handed_over_by", "response"]
    autocomplete_fields = ["profile", "recipient", "meeting", "handed_over_by"]


class PhotoInline(CRMInline):
    model = Photo
    fields = ["image", "caption", "taken_on", "credit", "visibility"]


@admin.action(description=gettext_lazy("Mark as completed"), permissions=["change"])
def mark_completed(modeladmin, request, queryset):
    undated = list(queryset.filter(start_date__isnull=True).values_list("title", flat=True))
    done = 0
    with transaction.atomic():
        for delegation in queryset.filter(start_date__isnull=False).exclude(
            status=Delegation.Status.COMPLETED
        ):
            delegation.status = Delegation.Status.COMPLETED
            delegation.save()
            done += 1
    modeladmin.message_user(request, _("%(count)d delegations marked completed.") % {"count": done})
    if undated:
        modeladmin.message_user(
            request,
            _("Not completed, the start date is missing: %(titles)s")
            % {"titles": ", ".join(f"“{title}”" for title in undated)},
            messages.ERROR,
        )


def duplicate_as_planned(delegation: Delegation) -> Delegation:
    """A planned copy of a trip: same route and travellers, no dates, meetings or reports."""
    with transaction.atomic():
        copy = Delegation.objects.create(
            title=_("%(title)s (planned)") % {"title": delegation.title},
            direction=delegation.direction,
            status=Delegation.Status.PLANNED,
            date_precision=delegation.date_precision,
            origin_city=delegation.origin_city,
            lead_organisation=delegation.lead_organisation,
            purpose=delegation.purpose,
        )
        copy.supporting_organisations.set(delegation.supporting_organisations.all())
        DelegationStop.objects.bulk_create(
            DelegationStop(delegation=copy, city_id=stop.city_id, order=stop.order)
            for stop in delegation.stops.all()
        )
        # Positions are taken afresh from the people (DelegationMember.save).
        for member in delegation.members.select_related("person"):
            DelegationMember.objects.create(delegation=copy, person=member.person, role=member.role)
    return copy


@admin.action(description=gettext_lazy("Duplicate as planned trip"), permissions=["add"])
def duplicate_as_planned_trip(modeladmin, request, queryset):
    for delegation in queryset:
        copy = duplicate_as_planned(delegation)
        url = reverse("admin:partners_delegation_change", args=[copy.pk])
        modeladmin.message_user(
            request, format_html(_('Planned trip created: <a href="{}">{}</a>'), url, copy)
        )


@admin.register(Delegation)
class DelegationAdmin(AfterTripMixin, AgendaViewsMixin, DelegationDocumentsMixin, CRMAdmin):
    list_display = ["title", "direction", "status", "start_date", "origin_city", "visibility"]
    list_filter = [
        "status",
        "direction",
        ("stops__city", CachedRelatedOnlyFieldListFilter),
        YearFilter,
        "visibility",
    ]
    list_select_related = ["origin_city"]
    search_fields = [
        "title",
        "stops__city__name",
        "stops__city__local_name",
        "members__person__full_name",
        "members__person__local_name",
    ]
    date_hierarchy = "start_date"
    autocomplete_fields = ["origin_city", "lead_organisation", "supporting_organisations"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [
        DelegationStopInline,
        DelegationMemberInline,
        MeetingInline,
        HandoverInline,
        PhotoInline,
    ]
    actions = [mark_completed, duplicate_as_planned_trip, schedule_trip_meetings]
    show_full_result_count = False


@admin.register(Meeting)
class MeetingAdmin(CRMAdmin):
    list_display = ["title", "kind", "date", "city", "delegation", "logged_by", "visibility"]
    list_filter = ["kind", "visibility"]
    list_select_related = ["city", "delegation", "logged_by"]
    search_fields = ["title", "city__name", "delegation__title"]
    autocomplete_fields = ["delegation", "city", "organisations", "attendees"]
    readonly_fields = ["logged_by"]
    show_full_result_count = False
