"""Times of a trip's meetings, shown in the stop city's zone (``{% timezone %}``)."""

from datetime import datetime

from django import template

from .. import dates

register = template.Library()


@register.filter(expects_localtime=True)
def utc_offset(value):
    """The offset of the active time zone at ``value``: "UTC+8"."""
    return dates.utc_offset(value) if isinstance(value, datetime) else ""


@register.simple_tag
def local_times(starts_at, ends_at, zone):
    """ "20:00–21:30 (UTC+8)": a meeting's times in ``zone`` (its city's), as travellers
    read them there; "" when the start is not known."""
    if not isinstance(starts_at, datetime):
        return ""
    return dates.local_times(starts_at, ends_at if isinstance(ends_at, datetime) else None, zone)
