"""Company delegation trips in the back office: registrations, slots, meeting requests."""

from contextlib import suppress

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import mail
from ..models import Delegation, MeetingRequest, MeetingSlot, TripRegistration, clauses
from ..scheduling.matchmaking import suggestions
from ..scheduling.trips import schedule_meetings, too_close_to_travel
from .base import CRMAdmin
from .list_filters import InUseFilter
from .slot_times import LocalTimesForm, LocalTimesMixin
from .versions import VersionCheckedForm


class TripsInUseFilter(InUseFilter):
    """The trips these records belong to, not every delegation ever logged (20,000 at
    scale)."""

    shown = "title"


TRIPS_IN_USE = ("delegation", TripsInUseFilter)


def tell_company(registration: TripRegistration) -> bool | None:
    """The office's decision, by e-mail to the contact, in the language they registered in:
    whether the mail server took it; None without an address to write to."""
    if not (registration.contact and registration.contact.email):
        return None
    with translation.override(registration.language):
        subject = _("Your registration: %(trip)s") % {"trip": registration.delegation.title}
        body = render_to_string("partners/trips/email_decision.txt", {"registration": registration})
    return mail.send(subject, body, registration.contact.email)


def _decide(modeladmin, request, queryset, status):
    """Set the decision and tell each company; accepting never exceeds the trip's capacity."""
    Status = TripRegistration.Status
    decided, full, withdrawn, unconfirmed, freed = [], [], [], [], set()
    with transaction.atomic():
        for registration in queryset.select_related(
            "delegation", "contact", "organisation"
        ).select_for_update(of=("self",)):
            if registration.status == status:
                continue
            if registration.status == Status.WITHDRAWN:  # the company's own decision stands
                withdrawn.append(registration)
                continue
            if registration.status == Status.APPLIED:
                # Nobody has proven the address yet: the form can be sent by anyone.
                unconfirmed.append(registration)
                continue
            if status == Status.ACCEPTED and registration.trip_is_full():
                full.append(registration)
                continue
            if registration.status == Status.ACCEPTED:
                freed.add(registration.delegation)
            registration.status = status
            registration.save()
            decided.append(registration)
    sent = {registration: tell_company(registration) for registration in decided}
    told = sum(result is True for result in sent.values())
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
    refused = [registration for registration, result in sent.items() if result is False]
    _name_companies(modeladmin, request, REFUSED, refused, messages.ERROR)
    _name_companies(modeladmin, request, WITHDREW, withdrawn)
    _name_companies(modeladmin, request, UNCONFIRMED, unconfirmed)
    tell_of_free_places(modeladmin, request, freed)
    _name_companies(modeladmin, request, FULL, full)


REFUSED = gettext_lazy(
    "The mail server refused the e-mail to %(companies)s: the decision is saved; tell them "
    "yourself."
)
WITHDREW = gettext_lazy("Left as they are, the companies withdrew: %(companies)s.")
UNCONFIRMED = gettext_lazy(
    "Left as they are, nobody has confirmed their e-mail yet: %(companies)s. "
    "Decide on their own pages once you know the registration is genuine."
)
FULL = gettext_lazy(
    "Not accepted, the trip is full (capacity reached): %(companies)s. Wait-list them?"
)


def _name_companies(modeladmin, request, message, registrations, level=messages.WARNING):
    """``message`` naming the companies of ``registrations``; nothing without any."""
    if registrations:
        companies = ", ".join(str(registration.organisation) for registration in registrations)
        modeladmin.message_user(request, message % {"companies": companies}, level)


def tell_of_free_places(modeladmin, request, delegations):
    """A place freed on a full trip: the officer is pointed to its wait-list."""
    for delegation in delegations:
        waiting = delegation.registrations.filter(status=TripRegistration.Status.WAITLISTED)
        capacity = delegation.capacity
        if capacity is None or not waiting.exists():
            continue
        accepted = delegation.registrations.filter(status=TripRegistration.Status.ACCEPTED)
        if (free := capacity - accepted.count()) > 0:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(trip)s has %(free)d free place; wait-listed: %(companies)s.",
                    "%(trip)s has %(free)d free places; wait-listed: %(companies)s.",
                    free,
                )
                % {
                    "trip": delegation,
                    "free": free,
                    "companies": ", ".join(str(r.organisation) for r in waiting),
                },
                messages.INFO,
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


def _with_trip(part) -> str:
    return f"{part.delegation} – {part}"


class OfTripForm(VersionCheckedForm):
    """Offers the stops and slots of the trip chosen (the one posted, the one linked with
    ``?delegation=`` from the trip's page, or the record's); before one is chosen, those of
    the trips to come or open for registration, not every stop of every delegation ever
    logged (3,950 at demo scale 10). Each is named with its trip, its city read in the
    same query; one of another trip is refused as such."""

    parts = {  # field: (its city, its order among the trip's, when it is another trip's)
        "stop": ("city", "order", gettext_lazy("The stop belongs to another delegation.")),
        "stops": ("city", "order", gettext_lazy("Not a stop of this delegation.")),
        "slot": (
            "stop__city",
            "starts_at",
            gettext_lazy("The slot belongs to another delegation."),
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trip = self.chosen_trip()
        today = timezone.localdate()
        trips = (
            [trip]
            if trip
            else Delegation.objects.filter(
                Q(start_date__gte=today) | Q(end_date__gte=today) | Q(registration_open=True)
            ).values("pk")
        )
        for name, (place, order, another) in self.parts.items():
            if field := self.fields.get(name):
                field.queryset = (
                    field.queryset.filter(delegation__in=trips)
                    .select_related("delegation", place)
                    .order_by("-delegation__start_date", "delegation", order)
                )
                field.label_from_instance = _with_trip
                field.error_messages["invalid_choice"] = another
                if not trip:
                    field.help_text = _(
                        "Those of the trips to come or open for registration until a "
                        "delegation is chosen and the form saved; then those of that "
                        "delegation."
                    )

    def chosen_trip(self):
        """The id of the trip posted or linked, else the record's."""
        if field := self.fields.get("delegation"):
            value = (
                self.data.get(self.add_prefix("delegation"))
                if self.is_bound
                else self.initial.get("delegation")
            )
            with suppress(ValidationError):
                if trip := field.to_python(value):
                    return trip.pk
        return self.instance.delegation_id


@admin.register(TripRegistration)
class TripRegistrationAdmin(CRMAdmin):
    form = OfTripForm
    actions = [accept, waitlist, decline]
    list_display = ["organisation", "delegation", "status", "registered_at", "confirmed_at"]
    list_filter = ["status", TRIPS_IN_USE, ("other_applications", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "delegation"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["delegation", "organisation", "profile", "contact", "representatives"]
    readonly_fields = [
        "registered_at",
        "confirmed_at",
        "other_applications",
        "suggested_counterparts",
    ]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Status = TripRegistration.Status
        decided = {Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED}
        told = "status" in form.changed_data and obj.status in decided
        freed = change and form.initial.get("status") == Status.ACCEPTED != obj.status
        request.crm_decision = (obj, told, freed)

    def changeform_view(self, request, *args, **kwargs):
        response = super().changeform_view(request, *args, **kwargs)
        # Once the page's transaction has committed: nobody is told of a decision that
        # was not saved.
        if decision := getattr(request, "crm_decision", None):
            registration, told, freed = decision
            if told:
                self._tell(request, registration)
            if freed:
                tell_of_free_places(self, request, [registration.delegation])
        return response

    def _tell(self, request, registration):
        """The decision taken on its own page is mailed as the list's actions mail it."""
        told = tell_company(registration)
        if told is None:
            self.message_user(
                request,
                _("%(company)s has no contact with an e-mail address: tell them yourself.")
                % {"company": registration.organisation},
                messages.WARNING,
            )
        elif told:
            self.message_user(
                request,
                _("%(company)s was told by e-mail.") % {"company": registration.organisation},
            )
        else:
            _name_companies(self, request, REFUSED, [registration], messages.ERROR)

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
                    clauses(s.reasons),
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


class MeetingSlotForm(OfTripForm, LocalTimesForm):
    located_by = "stop"
    local_time_help = gettext_lazy("In the local time of the stop's city.")

    @staticmethod
    def city_of(stop):
        return stop.city


@admin.register(MeetingSlot)
class MeetingSlotAdmin(LocalTimesMixin, CRMAdmin):
    form = MeetingSlotForm
    list_display = ["local_times", "stop", "tables", "delegation"]
    list_filter = [TRIPS_IN_USE]
    list_select_related = ["delegation", "stop__city"]
    search_fields = ["stop__city__name", "delegation__title"]
    autocomplete_fields = ["delegation"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if close := list(too_close_to_travel(obj)):
            # Allowed (the companies may travel to one of the stops only), but said.
            self.message_user(
                request,
                _(
                    "Less than %(minutes)d minutes lie between this slot and %(slots)s in "
                    "another city: nobody will be booked in both."
                )
                % {
                    "minutes": obj.delegation.travel_minutes_or_default,
                    "slots": clauses(map(str, close)),
                },
                messages.WARNING,
            )


@admin.register(MeetingRequest)
class MeetingRequestAdmin(CRMAdmin):
    form = OfTripForm
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
