"""The public calendar page: published delegations of one year, upcoming and past, by month.

A delegation known only to its year has no month: it is listed under the year, not under
January (DESIGN.md, ``date_precision``). Two queries whatever the number of delegations:
the years that have any (for the navigation) and the delegations of the year shown.
"""

import datetime

from django.shortcuts import render
from django.utils import timezone

from ..dates import DatePrecision, format_date_span, last_day
from ..models import Delegation, Shown


def _year(request, years: list[int], today: datetime.date) -> int:
    """The year asked for; a bad or absent ``year`` falls back, as the list filters do."""
    try:
        asked = int(request.GET["year"])
        if datetime.MINYEAR <= asked <= datetime.MAXYEAR:
            return asked
    except (KeyError, ValueError):
        pass
    if today.year in years or not years:
        return today.year
    # This year has nothing: the latest year with delegations, else the next one coming.
    return max((y for y in years if y <= today.year), default=min(years))


def _by_month(delegations, *, newest_first=False) -> list[tuple[str, list]]:
    """(heading, delegations) per month in order; year-only ones under the year itself."""
    groups: dict[tuple[int, int], list] = {}
    for delegation in delegations:
        start = delegation.start_date
        month = 0 if delegation.date_precision == DatePrecision.YEAR else start.month
        groups.setdefault((start.year, month), []).append(delegation)
    ordered = sorted(groups.items(), reverse=newest_first)
    return [(_heading(year, month), items) for (year, month), items in ordered]


def _heading(year: int, month: int) -> str:
    precision = DatePrecision.MONTH if month else DatePrecision.YEAR
    return format_date_span(datetime.date(year, month or 1, 1), None, precision)


def calendar(request):
    today = timezone.localdate()
    published = Delegation.objects.published().filter(start_date__isnull=False)
    years = [day.year for day in published.dates("start_date", "year")]
    year = _year(request, years, today)
    delegations = list(
        published.filter(start_date__year=year)
        .select_related("origin_city")
        .order_by("start_date", Shown("title"))
    )
    # A year-only or month-only record is upcoming until its year or month is over.
    upcoming, past = [], []
    for d in delegations:
        ended = last_day(d.end_date or d.start_date, d.date_precision) < today
        (past if ended else upcoming).append(d)
    context = {
        "year": year,
        "years": years,
        "previous_year": max((y for y in years if y < year), default=None),
        "next_year": min((y for y in years if y > year), default=None),
        "upcoming": _by_month(upcoming),
        "past": _by_month(reversed(past), newest_first=True),
    }
    return render(request, "partners/calendar.html", context)
