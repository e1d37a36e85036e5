"""Template helpers for the security pages (login lockout)."""

import datetime

from django import template

register = template.Library()


@register.filter
def minutes(value: datetime.timedelta | None) -> int:
    """Whole minutes of a duration, rounded up, so a lockout never looks shorter than it is."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)
