"""Dates shown with the precision they are known to (DESIGN.md, ``date_precision``).

A trip known only by its year is shown as "2018", not "1 Jan 2018". A day or a month is
written in Django's formats (crm/formats/); a span's patterns are translatable strings, so
German gets "25.–30. Juni 2019", English "25–30 June 2019" and Chinese "2019年6月25日至30日".
"""

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# Kiribati's Line Islands begin each day first (UTC+14 all year).
FIRST_TO_BEGIN_THE_DAY = ZoneInfo("Pacific/Kiritimati")


def latest_today(now: datetime | None = None) -> date:
    """Today in the time zone that begins each day first: the latest day that has begun
    anywhere on earth (at ``now``). A day after it lies in the future everywhere."""
    return timezone.localdate(now, FIRST_TO_BEGIN_THE_DAY)


# The years a record of the office can be dated in, and a report can ask for.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def plausible(value) -> None:
    """A form's validator for a date or time: a year outside these is a typing error (and
    0001 or 9999 break time-zone arithmetic and calendar feeds)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            gettext_lazy("Enter a date between the years %(first)d and %(last)d."),
            code="implausible",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class DatePrecision(models.TextChoices):
    DAY = "day", gettext_lazy("day")
    MONTH = "month", gettext_lazy("month")
    YEAR = "year", gettext_lazy("year")


def first_day(start: date, precision: str) -> date:
    """The first day of the day, month or year that ``start`` stands for at ``precision``."""
    if precision == DatePrecision.YEAR:
        return start.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return start.replace(day=1)
    return start


def last_day(end: date, precision: str) -> date:
    """The last day of the day, month or year that ``end`` stands for at ``precision``."""
    if precision == DatePrecision.YEAR:
        return date(end.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return end.replace(day=calendar.monthrange(end.year, end.month)[1])
    return end


def _month_name(number: int) -> str:
    # Chinese writes a month with its numeral (6月), not with the calendar's month name.
    return f"{number}月" if get_language() == "zh-hans" else MONTHS[number]


def format_day(d: date) -> str:
    """One day in the active language: "25. Juni 2019", "25 June 2019", "2019年6月25日"."""
    return date_format(d)


def _month(d: date) -> str:
    return date_format(d, "YEAR_MONTH_FORMAT")


def _span(start: str, end: str) -> str:
    """Two dates that share nothing but their precision: Chinese joins them with 至."""
    return _("%(start)s – %(end)s") % {"start": start, "end": end}


def format_date_span(start: date | None, end: date | None, precision: str) -> str:
    """Render ``start``–``end`` at ``precision`` in the active language."""
    if start is None:
        return ""
    end = end or start
    if precision == DatePrecision.YEAR:
        if start.year == end.year:
            return _("%(year)s") % {"year": start.year}  # Chinese: 2018年
        return _("%(start_year)s–%(end_year)s") % {"start_year": start.year, "end_year": end.year}
    if precision == DatePrecision.MONTH:
        if (start.year, start.month) == (end.year, end.month):
            return _month(start)
        if start.year == end.year:
            return _("%(start_month)s–%(end_month)s %(year)s") % {
                "start_month": _month_name(start.month),
                "end_month": _month_name(end.month),
                "year": start.year,
            }
        return _span(_month(start), _month(end))
    if start == end:
        return format_day(start)
    if (start.year, start.month) == (end.year, end.month):
        return _("%(start_day)s–%(end_day)s %(month)s %(year)s") % {
            "start_day": start.day,
            "end_day": end.day,
            "month": _month_name(start.month),
            "year": start.year,
        }
    if start.year == end.year:
        return _("%(start_day)s %(start_month)s – %(end_day)s %(end_month)s %(year)s") % {
            "start_day": start.day,
            "start_month": _month_name(start.month),
            "end_day": end.day,
            "end_month": _month_name(end.month),
            "year": start.year,
        }
    return _span(format_day(start), format_day(end))


def during_delegation(start: date | None, end: date | None, precision: str) -> str:
    """A record without a day of its own, dated by its delegation's dates at their
    precision and marked as such: it did not happen on the trip's first day."""
    if start is None:
        return ""
    return _("during the delegation, %(dates)s") % {
        "dates": format_date_span(start, end, precision)
    }


def logged_on(day: date) -> str:
    """A record without a date of its own, dated by the day it was logged and marked as
    such (a follow-up without a due date)."""
    return _("logged %(date)s") % {"date": format_day(day)}


def utc_offset(value: datetime) -> str:
    """ "UTC+8", "UTC+5:30", "UTC-3": an aware time's offset, as travellers read it
    anywhere (abbreviations such as CST name several zones)."""
    minutes = int(value.utcoffset().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def local_times(starts_at: datetime, ends_at: datetime | None, zone) -> str:
    """ "20:00–21:30 (UTC+8)": a meeting's times in ``zone`` (its city's), as travellers
    read them there."""
    starts = timezone.localtime(starts_at, zone)
    span = f"{starts:%H:%M}"
    if ends_at is not None:
        span += f"–{timezone.localtime(ends_at, zone):%H:%M}"
    return f"{span} ({utc_offset(starts)})"


def at_wall_clock(typed: datetime, zone) -> datetime | None:
    """The moment at which ``zone``'s clocks read ``typed`` (a time without zone); None
    for a time they skip (the clocks go forward then)."""
    value = timezone.make_aware(typed, zone)
    # A time the clocks skip comes back from UTC as another one.
    if timezone.make_naive(value.astimezone(UTC), zone) != typed:
        return None
    return value


def keep_wall_clock(records, was, zone) -> tuple[list, list]:
    """``records`` (with ``starts_at`` and ``ends_at``) moved so that ``zone``'s clocks
    read what ``was``'s read at their times: a 09:00 slot in Nanjing is at 09:00 in Berlin
    once its stop moves there. Returns those moved (not those whose times stay: Warsaw's
    clocks read as Berlin's) and those left as they are: a time of theirs is one that
    ``zone``'s clocks skip."""
    moved, skipped = [], []
    for record in records:
        times = [record.starts_at, record.ends_at]
        local = [value and at_wall_clock(timezone.make_naive(value, was), zone) for value in times]
        if any(value and not new for value, new in zip(times, local, strict=True)):
            skipped.append(record)
        elif local != times:
            record.starts_at, record.ends_at = local
            moved.append(record)
    return moved, skipped


def local_day_and_times(starts_at: datetime, ends_at: datetime | None, zone) -> str:
    """ "10. Mai 2027 09:00–09:45 (UTC+8)": the local day and times, naming one slot or
    meeting in a message."""
    day = format_day(timezone.localtime(starts_at, zone).date())
    return f"{day} {local_times(starts_at, ends_at, zone)}"
