"""Company delegation trips: who registers, whom they want to meet, and the schedule.

Nothing here is ever public (DESIGN.md, "Company delegation trips").
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..dates import DatePrecision, format_date_span, format_day, utc_offset
from .base import CRM_PERMISSIONS, Shown, TimeStampedModel, clauses, optional_link
from .delegations import Delegation, DelegationStop, Meeting
from .organisations import Organisation, Person
from .profiles import CompanyProfile


class TripRegistration(TimeStampedModel):
    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        CONFIRMED = "confirmed", _("confirmed (e-mail opened)")
        ACCEPTED = "accepted", _("accepted")
        WAITLISTED = "waitlisted", _("wait-listed")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    delegation = models.ForeignKey(
        Delegation, models.CASCADE, related_name="registrations", verbose_name=_("delegation")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="trip_registrations",
        verbose_name=_("company"),
    )
    profile = optional_link(
        CompanyProfile, models.SET_NULL, _("profile"), related_name="trip_registrations"
    )
    contact = optional_link(
        Person,
        models.SET_NULL,
        _("contact"),
        related_name="trip_registrations_as_contact",
        help_text=_("Receives the confirmation and the office's decision by e-mail."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default="de",
        help_text=_("The language the company registered in; e-mails are written in it."),
    )
    representatives = models.ManyToManyField(
        Person, blank=True, related_name="trip_registrations", verbose_name=_("representatives")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    stops = models.ManyToManyField(
        DelegationStop,
        blank=True,
        related_name="trip_registrations",
        verbose_name=_("stops"),
        help_text=_(
            "The stops the company travels to; none chosen: every stop. It meets only there."
        ),
    )
    wishes = models.TextField(_("wishes"), blank=True)
    # The form must not tell a visitor that a company has registered, so a later form for
    # it changes nothing; the officers learn of it here, and whom to ask which is right.
    other_applications = models.TextField(
        _("other applications"),
        blank=True,
        help_text=_(
            "Forms sent for this company later from another address, one per line: ask "
            "the company which contact is right."
        ),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trip registration")
        verbose_name_plural = _("trip registrations")
        default_permissions = CRM_PERMISSIONS
        ordering = ["delegation", Shown("organisation__name").asc()]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "organisation"], name="tripregistration_one_per_company"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.delegation}"

    def clean(self):
        super().clean()
        errors = {}
        company = self.organisation if self.organisation_id else None
        if company and company.kind != Organisation.Kind.COMPANY:
            errors["organisation"] = _("Only a company registers for a trip; %(name)s is not one.")
        if company and self.profile_id and self.profile.organisation_id != company.pk:
            errors["profile"] = _("This profile is another company's, not %(name)s's.")
        if errors:
            raise ValidationError(
                {field: message % {"name": company} for field, message in errors.items()}
            )
        if self.status == self.Status.ACCEPTED and self.delegation_id and self.trip_is_full():
            raise ValidationError(
                {
                    "status": _(
                        "Not accepted: the trip is full (capacity %(capacity)d). Wait-list "
                        "the company, or raise the trip's capacity."
                    )
                    % {"capacity": self.delegation.capacity}
                }
            )

    def save(self, *args, **kwargs):
        Accepted = self.Status.ACCEPTED
        stored = self.pk and TripRegistration.objects.filter(pk=self.pk).values("status").first()
        with transaction.atomic(using=router.db_for_write(TripRegistration, instance=self)):
            super().save(*args, **kwargs)
            # On the trip or off it: its meetings join or leave the agendas.
            if stored and (stored["status"] == Accepted) != (self.status == Accepted):
                meetings_changed(self.requests.all())

    def trip_is_full(self) -> bool:
        """Whether the trip has no place left for this company: as many companies accepted
        as its capacity, this one not among them. The one rule of the change form and the
        "Accept" action."""
        trips = Delegation.objects.filter(pk=self.delegation_id)
        # Inside a transaction (the admin's) the trip stays locked until the acceptance
        # commits, so two officers accepting at once cannot both take the last place.
        if not transaction.get_autocommit(router.db_for_write(Delegation)):
            trips = trips.select_for_update()
        capacity = trips.values_list("capacity", flat=True).get()
        if capacity is None:
            return False
        accepted = TripRegistration.objects.filter(
            delegation=self.delegation_id, status=self.Status.ACCEPTED
        )
        return not accepted.filter(pk=self.pk).exists() and accepted.count() >= capacity


class MeetingSlot(TimeStampedModel):
    delegation = models.ForeignKey(
        Delegation, models.CASCADE, related_name="slots", verbose_name=_("delegation")
    )
    stop = models.ForeignKey(
        DelegationStop, models.CASCADE, related_name="slots", verbose_name=_("stop")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    tables = models.PositiveSmallIntegerField(_("tables"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        default_permissions = CRM_PERMISSIONS
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meetingslot_ends_after_start",
                violation_error_message=_("A slot ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(tables__gte=1),
                name="meetingslot_at_least_one_table",
                violation_error_message=_("A slot has at least one table."),
            ),
        ]

    def __str__(self):
        starts = self.local_starts_at
        return f"{self.stop.city} {starts:%Y-%m-%d %H:%M} ({utc_offset(starts)})"

    def save(self, *args, **kwargs):
        # Its meetings moved with it.
        where = (
            MeetingSlot.objects.filter(pk=self.pk)
            .exclude(starts_at=self.starts_at, ends_at=self.ends_at, stop=self.stop_id)
            .values("pk")
        )
        with transaction.atomic(using=router.db_for_write(MeetingSlot, instance=self)):
            moved = where.exists()  # a new slot has no stored row to differ from
            super().save(*args, **kwargs)
            if moved:
                meetings_changed(self.requests.all())

    @property
    def local_starts_at(self):
        """The start in the stop city's time zone, in which slots are entered and shown."""
        return timezone.localtime(self.starts_at, self.stop.city.tzinfo)

    def clean(self):
        super().clean()
        if self.stop_id and self.delegation_id and self.stop.delegation_id != self.delegation_id:
            raise ValidationError({"stop": _("The stop belongs to another delegation.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A slot ends after it starts.")})
        if self.stop_id and (errors := self.outside_stop()):
            raise ValidationError(errors)

    def outside_stop(self) -> dict:
        """Errors for the times outside the stop's days (days in the stop city), or outside
        its trip's dates at their precision while the stop has none."""
        stop, zone = self.stop, self.stop.city.tzinfo
        first = self.starts_at and timezone.localtime(self.starts_at, zone).date()
        # The day of its last microsecond: a slot may end at midnight after the last day.
        last = (
            self.ends_at
            and timezone.localtime(self.ends_at - datetime.timedelta.resolution, zone).date()
        )
        if stop.arrival or stop.departure:
            early = first and stop.arrival and first < stop.arrival
            late = last and stop.departure and last > stop.departure
        else:  # the first of its times outside the trip's dates is named
            early = first and not stop.delegation.contains_day(first)
            late = not early and last and not stop.delegation.contains_day(last)
        outside = [name for name, out in (("starts_at", early), ("ends_at", late)) if out]
        return {name: self._outside_stop() for name in outside}

    def _outside_stop(self) -> str:
        stop = self.stop
        if not (stop.arrival or stop.departure):
            return _("Outside the delegation's dates: %(dates)s (local dates).") % {
                "dates": stop.delegation.dates_display
            }
        if stop.arrival and stop.departure:
            dates = format_date_span(stop.arrival, stop.departure, DatePrecision.DAY)
        elif stop.arrival:
            dates = _("from %(date)s") % {"date": format_day(stop.arrival)}
        else:
            dates = _("until %(date)s") % {"date": format_day(stop.departure)}
        return _("Outside the stop in %(city)s: %(dates)s (local dates).") % {
            "city": stop.city,
            "dates": dates,
        }


class MeetingRequest(TimeStampedModel):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("high")
        MEDIUM = 2, _("medium")
        LOW = 3, _("low")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("no-show")

    # Requests still to be placed; held and no-show meetings keep their slot and table
    # whatever becomes of the company, and nobody else is put there.
    OPEN_STATUSES = [Status.REQUESTED, Status.ACCEPTED, Status.SCHEDULED]
    SETTLED_STATUSES = [Status.HELD, Status.NO_SHOW]

    delegation = models.ForeignKey(
        Delegation, models.CASCADE, related_name="meeting_requests", verbose_name=_("delegation")
    )
    registration = models.ForeignKey(
        TripRegistration, models.CASCADE, related_name="requests", verbose_name=_("participant")
    )
    counterpart = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="meeting_requests",
        verbose_name=_("counterpart"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    mutual = models.BooleanField(
        _("mutual"), default=False, help_text=_("The counterpart wants this meeting too.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("The scheduler keeps this meeting in its slot.")
    )
    slot = optional_link(MeetingSlot, models.SET_NULL, _("slot"), related_name="requests")
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    meeting = models.OneToOneField(
        Meeting,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_request",
        verbose_name=_("logged meeting"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        default_permissions = CRM_PERMISSIONS
        ordering = ["priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "counterpart"], name="meetingrequest_once_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(pinned=False) | Q(slot__isnull=False),
                name="meetingrequest_pinned_needs_slot",
                violation_error_message=_("Only a meeting with a slot can be pinned."),
            ),
        ]
        indexes = [models.Index(fields=["delegation", "status"], name="meetingrequest_trip_idx")]

    def __str__(self):
        return f"{self.registration.organisation} ↔ {self.counterpart}"

    def clean(self):
        super().clean()
        errors = {}
        trip = self.delegation_id
        if trip and self.registration_id and self.registration.delegation_id != trip:
            errors["registration"] = _("The participant is registered for another delegation.")
        if trip and self.slot_id and self.slot.delegation_id != trip:
            errors["slot"] = _("The slot belongs to another delegation.")
        if self.registration_id and self.registration.organisation_id == self.counterpart_id:
            errors["counterpart"] = _("A company does not meet itself: choose another counterpart.")
        if self.table is not None:
            if not self.slot_id:
                errors["table"] = _("Only a meeting with a slot has a table.")
            elif not 1 <= self.table <= self.slot.tables:
                errors["table"] = _("The slot has tables 1 to %(tables)d.") % {
                    "tables": self.slot.tables
                }
        if self.pinned and not self.slot_id:
            errors["pinned"] = _("Only a meeting with a slot can be pinned.")
        if self.status == self.Status.SCHEDULED and not self.slot_id:
            errors["slot"] = _(
                "A scheduled meeting has a slot: choose one, or set the status to accepted."
            )
        if not errors:
            errors = self.pin_errors(by_hand=self.slot_moved())
        if errors:
            raise ValidationError(errors)

    def slot_moved(self) -> bool:
        """Whether the slot differs from the stored one (a new request's slot too)."""
        stored = MeetingRequest.objects.filter(pk=self.pk, slot=self.slot_id)
        return self.slot_id is not None and not stored.exists()

    def pin_errors(self, *, by_hand: bool = False) -> dict[str, str]:
        """Why its slot cannot hold this open, pinned meeting, by field. A pin bypasses
        the rules the scheduler keeps for every other meeting, so they are checked here:
        on the admin form, and by ``schedule_meetings`` before it solves. So is a slot
        chosen by hand (``by_hand``), pinned or not: the agendas print it as it is."""
        linked = self.slot_id and self.registration_id and self.counterpart_id
        if not ((self.pinned or by_hand) and linked and self.status in self.OPEN_STATUSES):
            return {}
        slot, registration, city = self.slot, self.registration, self.counterpart.city
        if slot.delegation_id != self.delegation_id:
            return {"slot": _("The slot belongs to another delegation.")}
        trip_stops = list(DelegationStop.objects.filter(delegation=self.delegation_id))
        travels_to = list(registration.stops.all()) or trip_stops  # none chosen: every stop
        company = registration.organisation
        errors = {}
        if city and city.pk not in {stop.city_id for stop in trip_stops}:
            errors["counterpart"] = _(
                "The trip has no stop in %(city)s, the counterpart's city: no slot can "
                "hold this meeting."
            ) % {"city": city}
        elif city and city.pk not in {stop.city_id for stop in travels_to}:
            errors["counterpart"] = _(
                "%(company)s does not travel to %(city)s, the counterpart's city (the "
                "stops of its registration)."
            ) % {"company": company, "city": city}
        elif city and slot.stop.city_id != city.pk:
            errors["slot"] = _(
                "The counterpart is in %(city)s, this slot at the stop in %(stop)s: "
                "choose a slot in %(city)s."
            ) % {"city": city, "stop": slot.stop.city}
        elif slot.stop not in travels_to:
            errors["slot"] = _(
                "%(company)s does not travel to this slot's stop, %(stop)s (the stops of "
                "its registration)."
            ) % {"company": company, "stop": slot.stop}
        elif outside := slot.outside_stop():
            errors["slot"] = _("The slot lies outside its stop's dates. %(why)s") % {
                "why": next(iter(outside.values()))
            }
        for name, message in self._pin_clashes(slot, company).items():
            errors.setdefault(name, message)
        return errors

    def _pin_clashes(self, slot: MeetingSlot, company: Organisation) -> dict[str, str]:
        """Another meeting the scheduler cannot move (pinned, held or missed) at the same
        table, or with the company or the counterpart at the same time."""
        fixed = (
            MeetingRequest.objects.filter(delegation=self.delegation_id, slot__isnull=False)
            .filter(
                Q(pinned=True, status__in=self.OPEN_STATUSES) | Q(status__in=self.SETTLED_STATUSES)
            )
            .exclude(pk=self.pk)
            .select_related("slot__stop__city", "registration__organisation", "counterpart")
            .order_by("pk")
        )
        here = [other for other in fixed if other.slot_id == slot.pk]
        if self.table is not None and (taken := [o for o in here if o.table == self.table]):
            return {
                "table": _("Table %(table)d of this slot is taken by %(other)s.")
                % {"table": self.table, "other": taken[0]}
            }
        if len(here) >= slot.tables:
            return {
                "slot": _("Every table of this slot is taken: %(others)s.")
                % {"others": clauses(str(other) for other in here)}
            }
        parties = {company.pk, self.counterpart_id}
        travel = self.delegation.travel_time
        for other in fixed:
            both = parties & {other.registration.organisation_id, other.counterpart_id}
            if not both:
                continue
            party = company if company.pk in both else self.counterpart
            starts, ends = other.slot.starts_at, other.slot.ends_at
            if starts < slot.ends_at and slot.starts_at < ends:
                message = _(
                    "%(party)s has another fixed meeting at that time: %(other)s, %(slot)s."
                )
            elif other.slot.stop.city_id != slot.stop.city_id and (
                starts < slot.ends_at + travel and slot.starts_at < ends + travel
            ):
                message = _(
                    "%(party)s has another fixed meeting less than %(minutes)d minutes away, "
                    "in another city: %(other)s, %(slot)s."
                )
            else:
                continue
            return {
                "slot": message
                % {
                    "party": party,
                    "other": other,
                    "slot": other.slot,
                    "minutes": self.delegation.travel_minutes_or_default,
                }
            }
        return {}


def meetings_changed(requests) -> None:
    """``requests`` (a queryset), whose time, place or trip changed, each take a new
    version: the agenda's calendar event replaces the one imported before (SEQUENCE,
    RFC 5545), and an officer's open form of the meeting is refused."""
    requests.update(version=F("version") + 1, updated_at=timezone.now())


@receiver(pre_delete, sender=MeetingSlot, dispatch_uid="partners-slot-unpins-its-meetings")
def _slot_deleting(sender, instance, **kwargs):
    # Its requests lose the slot (SET_NULL), and a pin without a slot breaks
    # meetingrequest_pinned_needs_slot: deleting a slot, its stop or its trip unpins them.
    MeetingRequest.objects.filter(slot=instance, pinned=True).update(pinned=False)
