"""Delegations (trips and visits), their stops and members, and meetings."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from ..dates import (
    DatePrecision,
    first_day,
    format_date_span,
    format_day,
    keep_wall_clock,
    last_day,
    local_day_and_times,
)
from .base import (
    CRM_PERMISSIONS,
    CountedInReport,
    LoggedModel,
    PublishableModel,
    PublishableQuerySet,
    Shown,
    SluggedMixin,
    TimeStampedModel,
    clauses,
    copy_translations,
    in_brackets,
    optional_link,
)
from .organisations import Organisation, Person
from .places import City


class DelegationQuerySet(PublishableQuerySet):
    def to_or_from(self, city):
        """Trips that set out from ``city`` or stopped there, each once.

        ``id IN (… UNION ALL …)`` of two indexed lookups: ORing the origin with a JOIN of
        the stops made PostgreSQL read every trip (and DISTINCT them).
        """
        set_out = Delegation.objects.filter(origin_city=city).order_by().values("pk")
        stopped = DelegationStop.objects.filter(city=city).values("delegation_id")
        return self.filter(pk__in=set_out.union(stopped, all=True))


class Delegation(SluggedMixin, PublishableModel):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("outbound")
        INBOUND = "inbound", _("inbound")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CONFIRMED = "confirmed", _("confirmed")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    DatePrecision = DatePrecision
    slug_source = "title"
    url_name = "partners:delegation"

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    origin_city = models.ForeignKey(
        City,
        models.PROTECT,
        related_name="delegations_from",
        verbose_name=_("origin city"),
    )
    lead_organisation = optional_link(
        Organisation, models.PROTECT, _("lead organisation"), related_name="led_delegations"
    )
    supporting_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="supported_delegations",
        verbose_name=_("supporting organisations"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Public report text."))
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("Internal."))
    # Company delegation trips: companies register on the public page while open.
    registration_open = models.BooleanField(_("registration open"), default=False)
    registration_closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Companies that can join; empty: no limit."),
    )
    travel_minutes = models.PositiveSmallIntegerField(
        _("travel time between cities (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "The least time the meeting schedule leaves between one company's meetings in "
            "two cities of this trip; empty: the office's default."
        ),
    )

    # history: registered with the translated fields in partners/translation.py

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        default_permissions = CRM_PERMISSIONS
        # The reports pages (/reports/) are about delegations first; the right lives here.
        permissions = [("view_reports", _("Can view reports"))]
        ordering = [F("start_date").desc(nulls_first=True), Shown("title").asc()]
        indexes = [
            # Public delegation list: published(), newest first (PostgreSQL's DESC is NULLS
            # FIRST, as the ordering asks).
            models.Index(
                fields=["visibility", "-start_date", "title"], name="delegation_published_idx"
            ),
            # Admin changelist and reports: every delegation in the default ordering.
            models.Index(fields=["-start_date", "title"], name="delegation_start_title_idx"),
            # Atom feed: the 50 published delegations changed last, read off this index
            # instead of sorting every published delegation.
            models.Index(
                fields=["-updated_at"],
                name="delegation_feed_idx",
                condition=Q(visibility="public"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="delegation_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "confirmed"]) | Q(start_date__isnull=False),
                name="delegation_confirmed_has_start",
                violation_error_message=_(
                    "A confirmed or completed delegation needs a start date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=False) | Q(end_date__isnull=True),
                name="delegation_end_needs_start",
                violation_error_message=_("An end date needs a start date."),
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.end_date and not self.start_date:
            errors["start_date"] = _("An end date needs a start date.")
        if self.status in (self.Status.COMPLETED, self.Status.CONFIRMED) and not self.start_date:
            errors["start_date"] = _("A confirmed or completed delegation needs a start date.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        from .trips import meetings_changed  # trips build on delegations

        Cancelled = self.Status.CANCELLED
        stored = self.pk and Delegation.objects.filter(pk=self.pk).values("status").first()
        with transaction.atomic(using=router.db_for_write(Delegation, instance=self)):
            super().save(*args, **kwargs)
            # Cancelled, or taken up again: every meeting's calendar event says so.
            if stored and (stored["status"] == Cancelled) != (self.status == Cancelled):
                meetings_changed(self.meeting_requests.all())

    @property
    def travel_minutes_or_default(self) -> int:
        """The least minutes between one party's meetings in two cities of the trip."""
        minutes = self.travel_minutes
        return settings.CRM_TRAVEL_MINUTES if minutes is None else minutes

    @property
    def travel_time(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.travel_minutes_or_default)

    def contains_day(self, day: datetime.date) -> bool:
        """Whether ``day`` lies within the dates at their precision; yes while unknown, or
        while they contradict each other (an end before the start): the trip's own check
        refuses those, and its stops and meetings are not measured against them."""
        if not self.start_date or (self.end_date and self.end_date < self.start_date):
            return True
        if first_day(self.start_date, self.date_precision) > day:
            return False
        # A day's trip without an end date has no known last day; "2018" ends with the year.
        if not self.end_date and self.date_precision == DatePrecision.DAY:
            return True
        return day <= last_day(self.end_date or self.start_date, self.date_precision)

    @property
    def dates_display(self) -> str:
        """The dates at their precision in the active language: "25.–30. Juni 2019"."""
        return format_date_span(self.start_date, self.end_date, self.date_precision)


class DelegationStop(TimeStampedModel):
    delegation = models.ForeignKey(
        Delegation, models.CASCADE, related_name="stops", verbose_name=_("delegation")
    )
    city = models.ForeignKey(
        City, models.PROTECT, related_name="delegation_stops", verbose_name=_("city")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    arrival = models.DateField(_("arrival"), null=True, blank=True)
    departure = models.DateField(_("departure"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        default_permissions = CRM_PERMISSIONS
        ordering = ["delegation", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "order"], name="delegationstop_unique_order"
            ),
            models.CheckConstraint(
                condition=Q(arrival__isnull=True)
                | Q(departure__isnull=True)
                | Q(departure__gte=F("arrival")),
                name="delegationstop_departure_after_arrival",
                violation_error_message=_("Departure cannot be before arrival."),
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.city}"

    def clean(self):
        super().clean()
        if self.arrival and self.departure and self.departure < self.arrival:
            raise ValidationError({"departure": _("Departure cannot be before arrival.")})
        # The trip's dates as posted with it (None: a stop checked without its trip).
        if delegation := getattr(self, "delegation", None):
            outside = {
                name: _("Outside the delegation's dates: %(dates)s.")
                % {"dates": delegation.dates_display}
                for name in ("arrival", "departure")
                if (day := getattr(self, name)) and not delegation.contains_day(day)
            }
            if outside:
                raise ValidationError(outside)
        if self.pk and self.city_id:
            self.clean_slots()

    def save(self, *args, **kwargs):
        # Moved to another city, its slots keep their local times: saved with it, or not.
        from .trips import MeetingRequest, meetings_changed  # trips build on delegations

        with transaction.atomic(using=router.db_for_write(DelegationStop, instance=self)):
            moved, skipped = self.on_its_clock()[1:] if self.pk and self.city_id else ([], [])
            if skipped:  # saved without clean(), which says so on the city
                raise ValidationError({"city": self._skipped(skipped)})
            elsewhere = self.pk and DelegationStop.objects.filter(pk=self.pk).exclude(
                city=self.city_id
            )
            if elsewhere and elsewhere.exists():  # its meetings' place changed
                meetings_changed(MeetingRequest.objects.filter(slot__stop=self))
            super().save(*args, **kwargs)
            for record in moved:
                record.save()

    def on_its_clock(self) -> tuple[list, list, list[str]]:
        """Its slots, at the local times they had in the city stored, read in its city as
        set: a 09:00 slot in Nanjing is at 09:00 in Berlin once the stop moves there. The
        meetings logged in them follow while they are in the stored city (one logged
        elsewhere keeps its city and times).

        Returns its slots (their stop this one, as set), the slots and meetings to save
        (whose times or city moved), and the times (as stored) that the city's clocks
        skip, whose slots are left out of the first list."""
        slots = list(self.slots.select_related("stop__city"))
        stored = slots and slots[0].stop.city
        for slot in slots:
            slot.stop = self  # the dates and city as set, not as stored
        if not stored or stored == self.city:
            return slots, [], []
        meetings = list(Meeting.objects.filter(meeting_request__slot__stop=self, city=stored))
        for meeting in meetings:
            meeting.city = self.city
        zone = self.city.tzinfo
        if stored.tzinfo == zone:  # Nanjing to Jining: the meetings change city, not times
            return slots, meetings, []
        moved, skipped = keep_wall_clock([*slots, *meetings], stored.tzinfo, zone)
        times = [local_day_and_times(r.starts_at, r.ends_at, stored.tzinfo) for r in skipped]
        # The meetings change city whether or not their times move (Berlin to Warsaw).
        changed = [*(s for s in slots if s in moved), *(m for m in meetings if m not in skipped)]
        return [slot for slot in slots if slot not in skipped], changed, times

    def _skipped(self, skipped: list[str]) -> str:
        # A meeting logged in a slot mostly has the slot's times: named once.
        return _(
            "The clocks in %(city)s skip these local times of its meeting slots or "
            "meetings (they go forward then): %(times)s. Move them first."
        ) % {"city": self.city, "times": clauses(dict.fromkeys(skipped))}

    def clean_slots(self):
        """Its slots, and so the meetings scheduled in them, stay within its dates as
        changed, at their local times in its city as changed (on_its_clock): each slot
        checked by its own rule (MeetingSlot.outside_stop)."""
        # Without dates of its own, the trip's dates (or the city posted) moved them out.
        dated = self.arrival or self.departure
        fields = {"starts_at": "arrival", "ends_at": "departure"} if dated else {}
        outside = {}
        slots, _moved, skipped = self.on_its_clock()
        for slot in slots:
            for name in slot.outside_stop():
                outside.setdefault(fields.get(name, "city"), []).append(
                    local_day_and_times(slot.starts_at, slot.ends_at, self.city.tzinfo)
                )
        errors = {"city": [self._skipped(skipped)]} if skipped else {}
        for field, times in outside.items():
            message = (
                ngettext(
                    "A meeting slot in %(city)s would lie outside these dates: "
                    "%(slots)s. Move or delete it first.",
                    "%(count)d meeting slots in %(city)s would lie outside these "
                    "dates: %(slots)s. Move or delete them first.",
                    len(times),
                )
                if dated
                else ngettext(
                    "A meeting slot in %(city)s would lie outside the delegation's "
                    "dates, %(dates)s: %(slots)s. Move or delete it first.",
                    "%(count)d meeting slots in %(city)s would lie outside the "
                    "delegation's dates, %(dates)s: %(slots)s. Move or delete them "
                    "first.",
                    len(times),
                )
            )
            errors.setdefault(field, []).append(
                message
                % {
                    "count": len(times),
                    "city": self.city,
                    "dates": self.delegation.dates_display,
                    "slots": clauses(times),
                }
            )
        if errors:
            raise ValidationError(errors)


class DelegationMember(TimeStampedModel):
    class Role(models.TextChoices):
        HEAD = "head", _("head")
        MEMBER = "member", _("member")
        HOST = "host", _("host")

    delegation = models.ForeignKey(
        Delegation, models.CASCADE, related_name="members", verbose_name=_("delegation")
    )
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        related_name="delegation_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    position_at_time = models.CharField(
        _("position at the time"),
        max_length=200,
        blank=True,
        help_text=_("Filled from the person's current position when left blank."),
    )
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        default_permissions = CRM_PERMISSIONS
        ordering = ["delegation", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "person"], name="delegationmember_unique_person"
            ),
        ]

    def __str__(self):
        return in_brackets().format(self.person, self.get_role_display())

    def save(self, *args, **kwargs):
        if self.person_id:
            copy_translations(self, "position_at_time", self.person, "position")
        super().save(*args, **kwargs)


class Meeting(CountedInReport, LoggedModel):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        PRESENTATION = "presentation", _("presentation")
        SIGNING = "signing", _("signing")
        SITE_VISIT = "site_visit", _("site visit")
        CALL = "call", _("call")
        EVENT = "event", _("event")

    delegation = optional_link(Delegation, models.CASCADE, _("delegation"), related_name="meetings")
    date = models.DateField(_("date"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    city = models.ForeignKey(City, models.PROTECT, related_name="meetings", verbose_name=_("city"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=250)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="meetings", verbose_name=_("organisations")
    )
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="meetings", verbose_name=_("attendees")
    )
    notes = models.TextField(_("internal notes"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        default_permissions = CRM_PERMISSIONS
        permissions = [("delete_own_meeting", _("Can delete meetings they logged"))]
        ordering = [F("date").desc(nulls_last=True), Shown("title").asc()]
        indexes = [
            # A delegation's meetings by date (delegation pages, reports).
            models.Index(fields=["delegation", "date"], name="meeting_delegation_date_idx"),
            # Meetings in a period (reports for one year, the admin's date filter).
            models.Index(fields=["date"], name="meeting_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=False) | Q(delegation__isnull=False),
                name="meeting_date_or_delegation",
                violation_error_message=_("A meeting outside a delegation needs a date."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        # On a new delegation's page the delegation is set but not saved yet (no id).
        in_delegation = self.delegation_id is not None or self.delegation is not None
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A meeting ends after it starts.")
        if self.starts_at:
            # The day of the meeting is the day in its city, as on the slot it came from.
            zone = self.city.tzinfo if self.city_id else timezone.get_default_timezone()
            local_day = timezone.localtime(self.starts_at, zone).date()
            if not self.date:
                self.date = local_day
            elif self.date != local_day:
                errors["date"] = _(
                    "The meeting starts on %(date)s in its city's local time; give that date."
                ) % {"date": format_day(local_day)}
            if in_delegation and not self.delegation.contains_day(local_day):
                errors["starts_at"] = _(
                    "Outside the delegation's dates: %(dates)s (local dates)."
                ) % {"dates": self.delegation.dates_display}
        elif self.date and in_delegation and not self.delegation.contains_day(self.date):
            errors["date"] = _("Outside the delegation's dates: %(dates)s.") % {
                "dates": self.delegation.dates_display
            }
        if not self.date and not in_delegation:
            errors["date"] = _("A meeting outside a delegation needs a date.")
        if errors:
            raise ValidationError(errors)
