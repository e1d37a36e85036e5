"""The times of a trip are typed and shown in the local time of the city they happen in:
a 09:00 meeting in Nanjing is typed as 09:00, not as 02:00 in the office's time zone. So
are a meeting slot's (its stop's city) and a logged meeting's (its city)."""

import datetime
from contextlib import suppress

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dates import at_wall_clock, local_day_and_times, local_times, plausible, utc_offset
from .versions import HistoryDisplay, VersionCheckedForm

TIMES = ["starts_at", "ends_at"]


class LocalTimeWidget(AdminSplitDateTime):
    """The admin's date and time inputs, with the zone a time is typed in under them. In
    that note's place Django's script would tell how far the browser's clock is from the
    office's, which a time typed for Nanjing has nothing to do with: it adds its note only
    where the page has none (``timezonewarning``)."""

    def __init__(self, note, attrs=None):
        super().__init__(attrs)
        self.note = note

    def render(self, name, value, attrs=None, renderer=None):
        # The id the inputs' aria-describedby names (AdminSplitDateTime).
        return format_html(
            '{}<div class="help timezonewarning" id="id_{}_timezone_warning_helptext">{}</div>',
            super().render(name, value, attrs, renderer),
            name,
            self.note,
        )


class WallClockField(forms.SplitDateTimeField):
    """A date and time as typed, without a zone; the form puts it in the city's zone."""

    widget = AdminSplitDateTime

    def compress(self, data_list):
        # Read in UTC, which has no gaps or repeats, so the wall time comes back as typed.
        with timezone.override(datetime.UTC):
            value = super().compress(data_list)
        return value and timezone.make_naive(value, datetime.UTC)


class LocalTimesForm(VersionCheckedForm):
    """``starts_at`` and ``ends_at`` in the zone of the city of the record chosen in the
    field ``located_by`` (the one posted); in the office's zone while none is chosen."""

    located_by: str
    local_time_help: str

    @staticmethod
    def city_of(located):
        """The city of the record in ``located_by`` (a stop's city; a city itself)."""
        return located

    @classmethod
    def zone(cls, located):
        return cls.city_of(located).tzinfo if located else timezone.get_default_timezone()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Absent from a form that shows them read-only (a user who may only view).
        times = [name for name in TIMES if name in self.fields]
        # A form without times (the delegation page's meeting rows) looks up no city.
        located = times and getattr(self.instance, self.located_by, None)
        help_text = self.local_time_help
        if located:
            # The offset on the record's day: Berlin's is +1 in winter, +2 in summer.
            at = timezone.localtime(self.instance.starts_at or timezone.now(), self.zone(located))
            help_text = _("Local time in %(city)s (%(offset)s).") % {
                "city": self.city_of(located),
                "offset": utc_offset(at),
            }
        for name in times:
            model_field = self.fields[name]
            self.fields[name] = WallClockField(
                label=model_field.label,
                required=model_field.required,
                widget=LocalTimeWidget(note=help_text),
                validators=[plausible],
            )
            if self.instance.pk and (value := self.initial.get(name)):
                self.initial[name] = timezone.make_naive(value, self.zone(located))

    def local_zone(self):
        """The zone of the record chosen: the one posted, else the instance's."""
        located = getattr(self, "cleaned_data", {}).get(self.located_by)
        return self.zone(located or getattr(self.instance, self.located_by, None))

    def clean(self):
        # Before the checks of super(), which may refuse the form: the model's checks run
        # anyway, and must not see a time without its zone.
        cleaned_data = self.cleaned_data
        zone = self.zone(cleaned_data.get(self.located_by))
        for name in TIMES:
            shown = name in self.fields
            typed = cleaned_data.get(name) if shown else self.wall_clock(name)
            if typed is None:
                continue
            value = at_wall_clock(typed, zone)
            if value is None:
                self.add_error(
                    name if shown else self.located_by,
                    _("This time does not exist in %(zone)s: the clocks go forward then.")
                    % {"zone": zone},
                )
            elif shown:
                cleaned_data[name] = value
            else:
                setattr(self.instance, name, value)
        return super().clean()

    def shown_then(self, record, field, value) -> str:
        # A time changed meanwhile on its city's clock then, as the history shows it (a
        # corrected zone reads 14:00 (UTC+9) → 14:00 (UTC+8), not 07:00 → 08:00 Berlin).
        if field.name in TIMES and value is not None:
            return local_day_and_times(value, None, _zone_then(type(self), record))
        return super().shown_then(record, field, value)

    def wall_clock(self, name):
        """A time this form does not edit (a meeting row of the delegation page) as the
        city's clock reads it: 10:00 stays 10:00 when another city is posted."""
        value = getattr(self.instance, name)
        if value is None or self.located_by not in self.cleaned_data:
            return None
        return timezone.make_naive(value, self.zone(getattr(self.instance, self.located_by)))


class MeetingForm(LocalTimesForm):
    located_by = "city"
    local_time_help = gettext_lazy("In the local time of the meeting's city.")

    def add_error(self, field, error):
        # A row of the delegation page shows the meeting's date, not its times (the start's
        # local day, Meeting.clean): a start outside the trip's dates marks that date, as
        # an untimed meeting's, not the row as a whole.
        if field is None and hasattr(error, "error_dict") and "starts_at" not in self.fields:
            errors = dict(error.error_dict)
            if "starts_at" in errors and "date" in self.fields:
                errors.setdefault("date", []).extend(errors.pop("starts_at"))
                error = ValidationError(errors)
        super().add_error(field, error)


class LocalTimesColumn:
    """The column of the local times of records with a LocalTimesForm (``form``)."""

    # Where the row shows the date beside it (a meeting's), the times without their day.
    times_with_day = True

    @admin.display(description=gettext_lazy("time (local)"), ordering="starts_at")
    def local_times(self, obj):
        if obj.starts_at is None:
            # Said here: a read-only field of a form shows None as "None".
            return self.get_empty_value_display()
        zone = self.form.zone(getattr(obj, self.form.located_by))
        times = local_times(obj.starts_at, obj.ends_at, zone)
        if not self.times_with_day:
            return times
        # The day as the lists' date columns show it ("10.05.2027"), not ISO.
        day = date_format(timezone.localtime(obj.starts_at, zone).date(), "SHORT_DATE_FORMAT")
        return f"{day} {times}"


class LocalHistory(HistoryDisplay):
    """A record's history with its times on its city's clock ("10 May 2027 09:00 (UTC+8)"),
    not as stored in UTC: each on the city it had then, its own or its stop's."""

    def __init__(self, model, historical_record, *, form):
        super().__init__(model, historical_record)
        self.form = form
        self.zones = {}

    def context_for_delta_changes(self, delta):
        if any(change.field in TIMES for change in delta.changes):
            self.zones = {
                "old": _zone_then(self.form, delta.old_record),
                "new": _zone_then(self.form, delta.new_record),
            }
        return super().context_for_delta_changes(delta)

    def prepare_delta_change_value(self, change, value):
        if change.field in TIMES and value is not None:
            zone = self.zones["old" if value is change.old else "new"]
            return local_day_and_times(value, None, zone)
        return super().prepare_delta_change_value(change, value)


def _placed_then(form, instance, record):
    """``instance`` on ``record``'s city as it was then: a slot named, and its form read,
    with the time it had on that city's clock ("Jining 09:00 (UTC+8)"), not today's zone."""
    located = _then(form, record)[0]
    if located is not None:
        setattr(instance, form.located_by, located)
    return instance


def _zone_then(form, record):
    city = _then(form, record)[1]
    return city.tzinfo if city else form.zone(None)


def _then(form, record):
    """The version ``record``'s city, or its stop as the stop was then (a stop moved to
    another city takes its slots' local times along) and the stop's city, each as it was
    then (a corrected zone keeps them too); (None, None) where unknown (deleted since, or
    without a history then). ``form``: its LocalTimesForm."""
    try:
        located = getattr(record, form.located_by)
        if located is not None and hasattr(located, "history"):
            located = located.history.as_of(record.history_date)
    except ObjectDoesNotExist:
        return None, None
    city = located and form.city_of(located)
    if city is not located:  # a stop's city, as it was then where its history says
        with suppress(ObjectDoesNotExist):
            city = located.city = city.history.as_of(record.history_date)
    return located, city


class LocalTimesMixin(LocalTimesColumn):
    """An admin's form of local times (``form``: a LocalTimesForm) and its list column."""

    def render_change_form(self, request, context, *args, **kwargs):
        # Django's note under the time inputs ("You are 7 hours ahead") compares the
        # browser's clock with the active zone, and its "Now" gives that zone's time: make
        # it the city's. Rendered here, as the response would render after the override.
        response = super().render_change_form(request, context, *args, **kwargs)
        with timezone.override(context["adminform"].form.local_zone()):
            return response.render()

    def get_historical_record_context_helper(self, request, historical_record):
        return LocalHistory(self.model, historical_record, form=self.form)

    def get_form(self, request, obj=None, **kwargs):
        # A version's times read, and are restored, on the clock its city had then.
        version = getattr(request, "crm_version", None)
        if obj is not None and version is not None:
            _placed_then(self.form, obj, version)  # the form reads its zone from it
        return super().get_form(request, obj, **kwargs)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        # Each version named as it was then too (the history list's object column).
        for record in historical_records:
            record.object_then = _placed_then(self.form, record.instance, record)
