"""Company delegation trips in the back office: registrations, slots, meeting requests."""

from django import forms
from django.contrib import admin, messages
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import Delegation, DelegationStop, MeetingRequest, MeetingSlot, TripRegistration
from ..scheduling.matchmaking import suggestions
from ..scheduling.trips import schedule_meetings
from .base import CRMAdmin
from .list_filters import InUseFilter
from .slot_times import LocalTimesMixin, MeetingSlotForm
from .versions import VersionCheckedForm


class TripsInUseFilter(InUseFilter):
    """The trips these records belong to, not every delegation ever logged (20,000 at
    scale)."""

    shown = "title"


TRIPS_IN_USE = ("delegation", TripsInUseFilter)


def tell_company(registration: TripRegistration):
    """The office's decision, by e-mail to the contact, in the language they registered in."""
    if not (registration.contact and registration.contact.email):
        return False
    with translation.override(registration.language):
        subject = _("Your registration: %(trip)s") % {"trip": registration.delegation.title}
        body = render_to_string("partners/trips/email_decision.txt", {"registration": registration})
    send_mail(subject, body, None, [registration.contact.email])
    return True


def _decide(modeladmin, request, queryset, status):
    """Set the decision and tell each company; accepting never exceeds the trip's capacity."""
    Status = TripRegistration.Status
    decided, full, withdrawn = [], [], []
    with transaction.atomic():
        for registration in queryset.select_related(
            "delegation", "contact", "organisation"
        ).select_for_update(of=("self",)):
            if registration.status == status:
                continue
            if registration.status == Status.WITHDRAWN:  # the company's own decision stands
                withdrawn.append(registration)
                continue
            if status == Status.ACCEPTED and registration.trip_is_full():
                full.append(registration)
                continue
            registration.status = status
            registration.save()
            decided.append(registration)
    told = sum(tell_company(registration) for registration in decided)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d registration set to “%(status)s”.",
            "%(count)d registrations set to “%(status)s”.",
            len(decided),
        )
        % {"count": len(decided), "status": Status(status).label}
        + " "
        + ngettext("%(told)d company told by e-mail.", "%(told)d companies told by e-mail.", told)
        % {"told": told},
    )
    if withdrawn:
        modeladmin.message_user(
            request,
            _("Left as they are, the companies withdrew: %(companies)s.")
            % {"companies": ", ".join(str(r.organisation) for r in withdrawn)},
            messages.WARNING,
        )
    if full:
        modeladmin.message_user(
            request,
            _("Not accepted, the trip is full (capacity reached): %(companies)s. Wait-list them?")
            % {"companies": ", ".join(str(r.organisation) for r in full)},
            messages.WARNING,
        )


@admin.action(description=gettext_lazy("Accept (and tell the company)"), permissions=["change"])
def accept(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, TripRegistration.Status.ACCEPTED)


@admin.action(description=gettext_lazy("Wait-list (and tell the company)"), permissions=["change"])
def waitlist(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, TripRegistration.Status.WAITLISTED)


@admin.action(description=gettext_lazy("Decline (and tell the company)"), permissions=["change"])
def decline(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, TripRegistration.Status.DECLINED)


class TripRegistrationForm(VersionCheckedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "stops" in self.fields:
            stops = DelegationStop.objects.select_related("delegation", "city")
            if self.instance.delegation_id:
                stops = stops.filter(delegation=self.instance.delegation_id)
            else:  # those of company trips (not every stop ever logged), named with their trip
                trips = Delegation.objects.filter(
                    Q(registration_open=True) | Q(slots__isnull=False)
                ).values("pk")
                stops = stops.filter(delegation__in=trips)
            self.fields["stops"].queryset = stops.order_by("delegation", "order")
            self.fields["stops"].label_from_instance = lambda stop: f"{stop.delegation} – {stop}"

    def clean(self):
        cleaned_data = super().clean()
        trip = cleaned_data.get("delegation") or self.instance.delegation
        other = [s for s in cleaned_data.get("stops") or () if trip and s.delegation != trip]
        if other:
            self.add_error(
                "stops",
                _("Not a stop of this delegation: %(stops)s.")
                % {"stops": ", ".join(str(stop) for stop in other)},
            )
        return cleaned_data


@admin.register(TripRegistration)
class TripRegistrationAdmin(CRMAdmin):
    form = TripRegistrationForm
    actions = [accept, waitlist, decline]
    list_display = ["organisation", "delegation", "status", "registered_at", "confirmed_at"]
    list_filter = ["status", TRIPS_IN_USE]
    list_select_related = ["organisation", "delegation"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["delegation", "organisation", "profile", "contact", "representatives"]
    readonly_fields = ["registered_at", "confirmed_at", "suggested_counterparts"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("Suggested counterparts"))
    def suggested_counterparts(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    s.counterpart.name,
                    s.score,
                    "; ".join(s.reasons),
                    _("mutual") if s.mutual else (_("requested") if s.requested else ""),
                )
                for s in suggestions(obj)
            ),
        )
        if not rows:
            return _("No suggestion yet: no counterpart at the trip's stops fits.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Counterpart"),
            _("Score"),
            _("Why"),
            rows,
        )


class OfTripChoiceField(forms.ModelChoiceField):
    """A stop or slot among those of every trip, named with its trip."""

    def label_from_instance(self, obj):
        return f"{obj.delegation} – {obj}"


class TripPartsMixin:
    """The stop and slot choices with their trips and cities read in the same query."""

    trip_parts = {
        "stop": DelegationStop.objects.select_related("delegation", "city").order_by(
            "-delegation__start_date", "delegation", "order"
        ),
        "slot": MeetingSlot.objects.select_related("delegation", "stop__city").order_by(
            "-delegation__start_date", "delegation", "starts_at"
        ),
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.trip_parts:
            kwargs.setdefault("queryset", self.trip_parts[db_field.name])
            kwargs.setdefault("form_class", OfTripChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MeetingSlot)
class MeetingSlotAdmin(TripPartsMixin, LocalTimesMixin, CRMAdmin):
    form = MeetingSlotForm
    list_display = ["local_times", "stop", "tables", "delegation"]
    list_filter = [TRIPS_IN_USE]
    list_select_related = ["delegation", "stop__city"]
    search_fields = ["stop__city__name", "delegation__title"]
    autocomplete_fields = ["delegation"]
    show_full_result_count = False


@admin.register(MeetingRequest)
class MeetingRequestAdmin(TripPartsMixin, CRMAdmin):
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
    list_filter = ["status", "priority", "mutual", "pinned", TRIPS_IN_USE]
    list_select_related = [
        "registration__organisation",
        "registration__delegation",
        "counterpart",
        "slot__stop__city",
    ]
    search_fields = ["registration__organisation__name", "counterpart__name"]
    autocomplete_fields = ["delegation", "registration", "counterpart", "meeting"]
    show_full_result_count = False


@admin.action(description=gettext_lazy("Schedule meetings"), permissions=["schedule"])
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
        for line in result.unscheduled_lines():
            modeladmin.message_user(request, f"{delegation}: {line}", messages.WARNING)
