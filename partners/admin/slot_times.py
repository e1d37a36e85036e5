"""A meeting slot's times are typed and shown in the local time of its stop's city: a
09:00 meeting in Nanjing is typed as 09:00, not as 02:00 in the office's time zone."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dates import utc_offset
from .versions import VersionCheckedForm

TIMES = ["starts_at", "ends_at"]
LOCAL_TIME_HELP = gettext_lazy("In the local time of the stop's city.")


class WallClockField(forms.SplitDateTimeField):
    """A date and time as typed, without a zone; the form puts it in the stop's zone."""

    widget = AdminSplitDateTime

    def compress(self, data_list):
        # Read in UTC, which has no gaps or repeats, so the wall time comes back as typed.
        with timezone.override(datetime.UTC):
            value = super().compress(data_list)
        return value and timezone.make_naive(value, datetime.UTC)


class MeetingSlotForm(VersionCheckedForm):
    starts_at = WallClockField(label=capfirst(gettext_lazy("starts at")), help_text=LOCAL_TIME_HELP)
    ends_at = WallClockField(label=capfirst(gettext_lazy("ends at")), help_text=LOCAL_TIME_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zone = self.instance.stop.city.tzinfo
            for name in TIMES:
                self.initial[name] = timezone.make_naive(getattr(self.instance, name), zone)

    def clean(self):
        cleaned_data = super().clean()
        stop = cleaned_data.get("stop")
        zone = stop.city.tzinfo if stop else timezone.get_default_timezone()
        for name in TIMES:
            typed = cleaned_data.get(name)
            if typed is None:
                continue
            value = timezone.make_aware(typed, zone)
            # A time the clocks skip comes back from UTC as another one.
            if timezone.make_naive(value.astimezone(datetime.UTC), zone) != typed:
                self.add_error(
                    name,
                    _("This time does not exist in %(zone)s: the clocks go forward then.")
                    % {"zone": zone},
                )
            else:
                cleaned_data[name] = value
        return cleaned_data


class LocalSlotTimesMixin:
    """The slot admin's form and its list column of local times."""

    form = MeetingSlotForm

    @admin.display(description=gettext_lazy("time (local)"), ordering="starts_at")
    def local_times(self, slot):
        zone = slot.stop.city.tzinfo
        starts = timezone.localtime(slot.starts_at, zone)
        ends = timezone.localtime(slot.ends_at, zone)
        return f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M} ({utc_offset(starts)})"
