"""Times of a trip's meetings, shown in the stop city's zone (``{% timezone %}``)."""

from datetime import datetime

from django import template

from .. import dates

register = template.Library()


@register.filter(expects_localtime=True)
def utc_offset(value):
    """The offset of the active time zone at ``value``: "UTC+8"."""
    return dates.utc_offset(value) if isinstance(value, datetime) else ""
