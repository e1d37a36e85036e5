"""The delegation page is the trade officer's workbench: one page per trip."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from modeltranslation.admin import TranslationTabularInline
from modeltranslation.utils import build_localized_fieldname

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
from .base import CRMAdmin, CRMInline, TranslatedAdmin
from .documents import DelegationDocumentsMixin
from .list_filters import InUseFilter, NoPartnerCityFilter, YearFilter
from .rights import may
from .slot_times import LocalTimesColumn, LocalTimesMixin, MeetingForm
from .trips import schedule_trip_meetings
from .versions import VersionCheckedForm


class DelegationStopInline(CRMInline):
    model = DelegationStop
    autocomplete_fields = ["city"]


class DelegationMemberInline(CRMInline, TranslationTabularInline):
    # A blank position is filled from the person's current one (DelegationMember.save).
    model = DelegationMember
    autocomplete_fields = ["person"]
    fields = ["person", "role", "position_at_time"]


class MeetingInline(LocalTimesColumn, CRMInline, TranslationTabularInline):
    model = Meeting
    # Its times, shown here on its city's clock and edited on the meeting's own page, stay
    # on the clock of the city posted.
    form = MeetingForm
    times_with_day = False  # beside the date
    # The German title only: a row per language would push the workbench past 1366 px;
    # the translations are edited on the meeting's own page.
    fields = [
        "date",
        "local_times",
        "city",
        "kind",
        "title_de",
        "organisations",
        "attendees",
        "visibility",
    ]
    readonly_fields = ["local_times"]
    # The city of each row, on whose clock its times are shown, is read with the rows.
    autocomplete_fields = ["city", "organisations", "attendees"]


class HandoverForm(VersionCheckedForm):
    """A handover names a saved meeting, or a meeting entered on the same page and not
    saved yet by its row number in the Meetings table (shown there); the delegation's
    ``save_related`` links it once that meeting is saved, in the same transaction."""

    meeting_row = forms.IntegerField(
        label=gettext_lazy("or meeting no."),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=gettext_lazy("A meeting entered above and not saved yet: its number."),
        widget=forms.NumberInput(attrs={"class": "vIntegerField meeting-row"}),
    )

    def clean(self):
        cleaned_data = super().clean()
        row = cleaned_data.get("meeting_row")
        if row is None:
            return cleaned_data
        if cleaned_data.get("meeting"):
            self.add_error(
                "meeting_row", _("Choose a saved meeting or a meeting number, not both.")
            )
        elif not _meeting_row_on_page(self.data, row):
            self.add_error(
                "meeting_row",
                _("There is no meeting no. %(row)d in the meetings on this page.") % {"row": row},
            )
        return cleaned_data


def _meeting_row_on_page(data, row: int) -> bool:
    """Whether row ``row`` (1-based) of the page's meetings is a meeting being kept."""
    prefix = f"meetings-{row - 1}-"
    try:
        total = int(data.get("meetings-TOTAL_FORMS", 0))
    except ValueError:
        return False
    filled = data.get(f"{prefix}id") or data.get(f"{prefix}city")
    return row <= total and bool(filled) and not data.get(f"{prefix}DELETE")


class HandoverInline(CRMInline):
    model = ProfileHandover
    form = HandoverForm
    fields = [
        "profile",
        "recipient",
        "meeting",
        "meeting_row",
        "handed_over_on",
        "handed_over_by",
        "response",
    ]
    autocomplete_fields = ["profile", "recipient", "meeting", "handed_over_by"]

    def get_queryset(self, request):
        # A profile is named by its company.
        return super().get_queryset(request).select_related("profile__organisation")


class PhotoInline(CRMInline, TranslationTabularInline):
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
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d delegation marked completed.",
            "%(count)d delegations marked completed.",
            done,
        )
        % {"count": done},
    )
    if undated:
        modeladmin.message_user(
            request,
            _("Not completed, the start date is missing: %(titles)s")
            # Translators: a title in the quotation marks of your language.
            % {"titles": ", ".join(_("“%(title)s”") % {"title": title} for title in undated)},
            messages.ERROR,
        )


def _planned_texts(delegation: Delegation) -> dict:
    """The copy's title and purpose in each language the trip has them in, each title marked
    planned in its own language: the officer's language wrote the German title (the slug's
    source) and dropped the translations."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        title, purpose = (build_localized_fieldname(name, code) for name in ("title", "purpose"))
        if original := getattr(delegation, title):
            with translation.override(code):
                texts[title] = _("%(title)s (planned)") % {"title": original}
        texts[purpose] = getattr(delegation, purpose)
    return texts


def duplicate_as_planned(delegation: Delegation) -> Delegation:
    """A planned copy of a trip: same route and travellers, no dates, meetings or reports."""
    with transaction.atomic():
        copy = Delegation.objects.create(
            **_planned_texts(delegation),
            direction=delegation.direction,
            status=Delegation.Status.PLANNED,
            date_precision=delegation.date_precision,
            origin_city=delegation.origin_city,
            lead_organisation=delegation.lead_organisation,
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


@admin.action(description=gettext_lazy("Duplicate as planned trip"), permissions=["duplicate"])
def duplicate_as_planned_trip(modeladmin, request, queryset):
    for delegation in queryset:
        copy = duplicate_as_planned(delegation)
        url = reverse("admin:partners_delegation_change", args=[copy.pk])
        modeladmin.message_user(
            request, format_html(_('Planned trip created: <a href="{}">{}</a>'), url, copy)
        )


@admin.register(Delegation)
class DelegationAdmin(
    AfterTripMixin, AgendaViewsMixin, DelegationDocumentsMixin, CRMAdmin, TranslatedAdmin
):
    list_display = ["title", "direction", "status", "dates", "origin_city", "visibility"]
    list_filter = [
        "status",
        "direction",
        ("stops__city", InUseFilter),
        YearFilter,
        "visibility",
        NoPartnerCityFilter,
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
    inlines = [
        DelegationStopInline,
        DelegationMemberInline,
        MeetingInline,
        HandoverInline,
        PhotoInline,
    ]
    actions = [mark_completed, duplicate_as_planned_trip, schedule_trip_meetings]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("dates"), ordering="start_date")
    def dates(self, delegation):
        # At the precision they are known to: "2018", not "1 January 2018".
        return delegation.dates_display

    # The actions writing other records than trips: rights.REQUIRED declares what they take.
    def has_schedule_permission(self, request):
        return may(request.user, "schedule_meetings")

    def has_duplicate_permission(self, request):
        return may(request.user, "duplicate")

    def save_related(self, request, form, formsets, change):
        # As Django's, but a handover that names a meeting by its row on the page gets
        # that meeting once the meetings (an earlier inline) are saved, and the stops come
        # last: a stop moved to another city moves the meetings logged in its slots, which
        # a meeting row saved after it would put back.
        form.save_m2m()
        meetings, moves = None, []
        for formset in sorted(formsets, key=lambda formset: formset.model is DelegationStop):
            if formset.model is ProfileHandover and meetings is not None:
                _link_meeting_rows(formset, meetings)
            if formset.model is DelegationStop:
                moves = _moves(formset)
            self.save_formset(request, form, formset, change=change)
            if formset.model is Meeting:
                meetings = formset
        for city, slots, moved in moves:
            # The officer changed a city; that slots and meetings went along is news.
            self.message_user(
                request,
                _(
                    "The stop moved to %(city)s with its meeting slots at the same local "
                    "times. Meeting slots: %(slots)d; meetings moved with them: %(meetings)d."
                )
                % {
                    "city": city,
                    "slots": len(slots),
                    "meetings": sum(isinstance(record, Meeting) for record in moved),
                },
            )


def _moves(stops) -> list[tuple]:
    """(city, slots, slots and meetings to save) of each stop that moves to another city
    and has slots, read before the save moves them."""
    moves = []
    for row in stops.forms:
        if row.instance.pk and "city" in row.changed_data and row not in stops.deleted_forms:
            slots, moved, _skipped = row.instance.on_its_clock()
            if slots:
                moves.append((row.instance.city, slots, moved))
    return moves


def _link_meeting_rows(handovers, meetings) -> None:
    for handover in handovers.forms:
        row = getattr(handover, "cleaned_data", {}).get("meeting_row")
        if row:
            handover.instance.meeting = meetings.forms[row - 1].instance


@admin.register(Meeting)
class MeetingAdmin(LocalTimesMixin, CRMAdmin, TranslatedAdmin):
    form = MeetingForm
    list_display = [
        "title",
        "kind",
        "date",
        "local_times",
        "city",
        "delegation",
        "logged_by",
        "visibility",
    ]
    list_filter = ["kind", "visibility", NoPartnerCityFilter]
    list_select_related = ["city", "delegation", "logged_by"]
    search_fields = ["title", "city__name", "delegation__title", "organisations__name"]
    autocomplete_fields = ["delegation", "city", "organisations", "attendees"]
    show_full_result_count = False
