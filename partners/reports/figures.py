"""Each figure of the report, defined once, and the counts made from them.

A ``Figure`` names the kind of record it counts (a kind of ``queries.placed``), the
condition on those records for a period, and what it counts of each (the record, or e.g.
the profile of a handover). ``count`` turns every figure of every period asked for into
conditional ``COUNT`` aggregates, one query per kind grouped by partner city: the
summary, the timeline, the charts, every sheet, ``export_report`` and the desk count
through it; none has a counting rule of its own.

Adding a figure: append a ``Figure`` to ``FIGURES`` (and, for a new kind of record, a
``queries.placed`` branch and a sheet in ``tables``).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from itertools import batched, groupby

from django.db.models import Count, Min, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import City, Delegation, FollowUp, Memorandum, ProfileHandover
from .cache import asked_by, until_next_write
from .queries import CANCELLED, ELSEWHERE, IN, KINDS, OUT, Criteria, on_trips_of_home_city, placed

REVIEW_HORIZON = datetime.timedelta(days=90)
SIGNED, EXPIRED, TERMINATED = (
    Memorandum.Status.SIGNED,
    Memorandum.Status.EXPIRED,
    Memorandum.Status.TERMINATED,
)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    today: datetime.date


def _always(period: Period) -> Q:
    return Q()


@dataclass(frozen=True)
class Figure:
    name: str
    short: str  # its header under its group's (a page's two header rows)
    kind: str  # the records it counts: "delegations", "meetings", …
    where: Callable[[Period], Q] = _always  # which of them, in a period
    # True: only records dated in the period; False: any record up to its end.
    dated: bool = True
    value: str = "pk"  # what is counted once per city and total
    group: str = ""  # figures of one group share a header

    @property
    def label(self) -> str:
        """The whole header, where there is one row of them (sheets, CSV, the desk)."""
        if not self.group:
            return self.short
        return format_lazy(_("{group}: {figure}"), group=self.group, figure=self.short)

    def condition(self, period: Period) -> Q:
        """The rows of ``queries.placed`` this figure counts in the period."""
        within = _dated_in(period) if self.dated else Q(on__lte=period.end)
        return within & self.where(period)


def in_force(day: datetime.date) -> Q:
    """Signed by ``day``, not past ``valid_until`` and not terminated by then: an expired
    one held until ``valid_until``, a terminated one until the day before ``terminated_on``
    (one terminated without a date never counts)."""
    held = (
        Q(status=SIGNED)
        | Q(status=EXPIRED, valid_until__isnull=False)
        | Q(status=TERMINATED, terminated_on__gt=day)
    )
    return Q(on__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day)) & held


def _delegations(direction: str, name: str, group: str) -> list[Figure]:
    """One direction's delegations: those not cancelled, then each status on its own."""
    not_cancelled = Figure(
        name,
        _("not cancelled"),
        "delegations",
        lambda p: Q(direction=direction) & ~Q(status=CANCELLED),
        group=group,
    )
    by_status = [
        Figure(
            f"{name}_{status}",
            label,
            "delegations",
            lambda p, status=status: Q(direction=direction, status=status),
            group=group,
        )
        for status, label in Delegation.Status.choices
    ]
    return [not_cancelled, *by_status]


HANDOVERS, MEMORANDA, FOLLOW_UPS = _("Profile handovers"), _("Memoranda"), _("Follow-ups")
FIGURES = [
    *_delegations(OUT, "delegations_out", _("Delegations outbound")),
    *_delegations(IN, "delegations_in", _("Delegations inbound")),
    Figure("meetings", _("Meetings"), "meetings"),
    Figure("handovers", pgettext_lazy("report", "handovers"), "handovers", group=HANDOVERS),
    Figure(
        "profiles_handed_over",
        pgettext_lazy("report", "distinct profiles"),
        "handovers",
        value="profile",
        group=HANDOVERS,
    ),
    Figure(
        "handover_responses",
        pgettext_lazy("report", "with a response"),
        "handovers",
        lambda p: ~Q(response=ProfileHandover.Response.NONE),
        group=HANDOVERS,
    ),
    Figure("memoranda_signed", pgettext_lazy("report", "signed"), "memoranda", group=MEMORANDA),
    Figure(
        "memoranda_in_force",
        pgettext_lazy("report", "in force at period end"),
        "memoranda",
        lambda p: in_force(p.end),
        dated=False,
        group=MEMORANDA,
    ),
    Figure(
        "memoranda_due_for_review",
        pgettext_lazy("report", "due for review"),
        "memoranda",
        lambda p: in_force(p.end) & Q(review_on__range=(p.start, p.end + REVIEW_HORIZON)),
        dated=False,
        group=MEMORANDA,
    ),
    Figure(
        "follow_ups_open",
        pgettext_lazy("report", "open"),
        "follow_ups",
        lambda p: Q(status__in=FollowUp.OPEN_STATUSES),
        group=FOLLOW_UPS,
    ),
    Figure(
        "follow_ups_done",
        pgettext_lazy("report", "done"),
        "follow_ups",
        lambda p: Q(status=FollowUp.Status.DONE),
        group=FOLLOW_UPS,
    ),
    Figure(
        "follow_ups_overdue",
        pgettext_lazy("report", "overdue"),
        "follow_ups",
        lambda p: Q(status__in=FollowUp.OPEN_STATUSES, due_on__lt=p.today),
        group=FOLLOW_UPS,
    ),
]
BY_NAME = {figure.name: figure for figure in FIGURES}
MEASURES = [figure.name for figure in FIGURES]
# The figures a record may appear in two rows of (a trip to two partner cities, a profile
# handed over in two): their total counts each once, so it may be less than the column's sum.
SHARED = {f.name for f in FIGURES if f.kind == "delegations"} | {"profiles_handed_over"}


@dataclass(frozen=True)
class HeaderGroup:
    label: str  # the group's header, or a lone figure's label
    figures: list[Figure]  # under it, each with its short label (none for a lone figure)


def header_groups() -> list[HeaderGroup]:
    """The figures in order, neighbours of one group under one header (a page's two rows)."""
    runs = (list(run) for _key, run in groupby(FIGURES, key=lambda f: f.group or f.name))
    return [HeaderGroup(run[0].group or run[0].label, run) for run in runs]


@dataclass
class Counted:
    """One period's counts: per partner city, and over the cities asked for (each record
    once)."""

    # figure name → {city id: count}: a Counter, 0 for a city it does not hold (most cities
    # count nothing of most figures in a year, and the counts are kept: ``cache``)
    per_city: dict = field(default_factory=dict)
    total: dict = field(default_factory=dict)  # figure name → count
    # What no row and no total counts: the records that belong to no partner city (the
    # NULL place of ``queries.placed``), per figure and, per kind, those dated in the period.
    unplaced: dict = field(default_factory=dict)  # figure name → count
    unplaced_records: dict = field(default_factory=dict)  # kind → count


def count(
    c: Criteria, periods: dict[Hashable, Period], city_ids
) -> tuple[dict[Hashable, Counted], datetime.date | None]:
    """Every figure for every period, and the first day a counted record falls on.

    One query per kind of record counts per partner city, as conditional aggregates; a
    total is the sum of its cities, except for the ``SHARED`` figures, which a second
    query counts over the selected cities. Each kind's counts are kept until the next
    write to a table they read (``cache``): logging a meeting counts meetings again only.
    """
    # What the counts depend on, as plain values (the cache's key).
    asked = (*asked_by(c), list(periods.items()), sorted(city_ids))
    counted = {key: Counted({f.name: Counter() for f in FIGURES}) for key in periods}
    first_days = []
    for kind in KINDS:
        compute = lambda kind=kind: _count_kind(kind, c, periods, set(city_ids))  # noqa: E731
        # "-4": the value holds the unplaced records as counted since; a shared cache may
        # keep older ones.
        name = f"figures-counted-4-{kind}"
        per_key, first_day = until_next_write(name, asked, compute, kind=kind)
        first_days.append(first_day)
        for key, part in per_key.items():
            counted[key].per_city.update(part.per_city)
            counted[key].total.update(part.total)
            counted[key].unplaced.update(part.unplaced)
            counted[key].unplaced_records.update(part.unplaced_records)
    return counted, min(filter(None, first_days), default=None)


# Periods counted by one query: each adds a column per figure (eleven for delegations),
# and a query may have at most 1664 (PostgreSQL) or 2000 (SQLite). A report of a year has
# eleven periods; one from 1900 to 2100 has some two hundred, counted in batches.
PERIODS_PER_QUERY = 50


def _count_kind(kind: str, c: Criteria, periods: dict[Hashable, Period], selected: set[int]):
    """One kind's figures, counted per period, and the first day a counted record falls on:
    one query per ``PERIODS_PER_QUERY`` periods."""
    per_key, first_days = {}, []
    for keys in batched(periods, PERIODS_PER_QUERY):
        counted, first_day = _count_periods(kind, c, {k: periods[k] for k in keys}, selected)
        per_key |= counted
        first_days.append(first_day)
    return per_key, min(filter(None, first_days), default=None)


def _count_periods(kind: str, c: Criteria, periods: dict[Hashable, Period], selected: set[int]):
    """``_count_kind`` for a few periods, in one query. The same query counts the records
    of no partner city (its row of NULL place). With partner cities chosen, those records
    are left out; with a home city chosen, so are its records in partner cities that are
    not its own, which a second query counts (Leipzig's partner city on Dresden's trip)."""
    of_kind = [f for f in FIGURES if f.kind == kind]
    per_key = {
        key: Counted(
            {f.name: Counter() for f in of_kind},
            unplaced=dict.fromkeys((f.name for f in of_kind), 0),
            unplaced_records={kind: 0},
        )
        for key in periods
    }
    first_days = []
    rows = _plain(placed(kind, c)).filter(on__lte=max(p.end for p in periods.values()))
    if all(f.dated for f in of_kind):
        rows = rows.filter(on__gte=min(p.start for p in periods.values()))
    pairs = [(key, figure) for key in periods for figure in of_kind]
    columns = {f"n{i}": pair for i, pair in enumerate(pairs)}  # alias → (period, figure)
    aggregates = {
        alias: Count(
            figure.value,
            distinct=figure.name in SHARED,
            filter=figure.condition(periods[key]),
        )
        for alias, (key, figure) in columns.items()
    }
    # Each period's records of the kind, whatever figure counts them (a dropped follow-up).
    dated = {
        f"d{i}": Count("pk", distinct=kind == "delegations", filter=_dated_in(period))
        for i, period in enumerate(periods.values())
    }
    grouped = rows.values("place").annotate(first_day=Min("on"), **aggregates, **dated)
    elsewhere = False
    for row in grouped.order_by():
        if row["place"] is None and c.counts_unplaced:
            for alias, (key, figure) in columns.items():
                per_key[key].unplaced[figure.name] = row[alias]
            for i, key in enumerate(periods):
                per_key[key].unplaced_records[kind] = row[f"d{i}"]
        elif row["place"] in selected:
            first_days.append(row["first_day"])
            for alias, (key, figure) in columns.items():
                if row[alias]:
                    per_key[key].per_city[figure.name][row["place"]] = row[alias]
        elif row["place"] not in (None, ELSEWHERE) and c.counts_unplaced:
            elsewhere = True
    if elsewhere:
        _count_elsewhere(kind, c, rows, columns, aggregates, dated, selected, per_key)
    for key, figure in columns.values():
        per_key[key].total[figure.name] = sum(per_key[key].per_city[figure.name].values())
    shared = {a: aggregates[a] for a, (_, figure) in columns.items() if figure.name in SHARED}
    if shared:
        totals = rows.filter(place__in=selected).aggregate(**shared)
        for alias, value in totals.items():
            key, figure = columns[alias]
            per_key[key].total[figure.name] = value
    return per_key, min(filter(None, first_days), default=None)


def _count_elsewhere(kind, c, rows, columns, aggregates, dated, selected, per_key):
    """The unplaced counts of ``_count_periods`` again, over the rows of no partner city
    and those of the home city's trips in another home city's partner city (a trip counted
    in a row is not counted again for its stops elsewhere)."""
    if kind == "delegations":  # the home city's trips only
        outside = rows.filter(Q(place__isnull=True) | ~Q(place__in=selected))
        outside = outside.exclude(pk__in=rows.filter(place__in=selected).values("pk"))
    else:
        elsewhere = ~Q(place__in=selected) & on_trips_of_home_city(c, kind)
        outside = rows.filter(Q(place__isnull=True) | elsewhere)
    counts = outside.aggregate(**aggregates, **dated)
    for alias, (key, figure) in columns.items():
        per_key[key].unplaced[figure.name] = counts[alias]
    for i, key in enumerate(per_key):
        per_key[key].unplaced_records[kind] = counts[f"d{i}"]


def _dated_in(period: Period) -> Q:
    """The rows of ``queries.placed`` whose day falls in the period."""
    return Q(on__range=(period.start, period.end))


def _plain(rows: QuerySet) -> QuerySet:
    """Counting reads no translated field: the rows skip modeltranslation's language pass
    over every value (35 ms of a report at demo scale 100)."""
    return rows.rewrite(False) if hasattr(rows, "rewrite") else rows


def listed(kind: str, c: Criteria, period: Period, city_ids) -> dict[int, dict[int, None]]:
    """The records of one kind a sheet lists: those any of its figures counts (or dated in
    the period), with the selected partner cities each belongs to (a trip's in stop order)."""
    shown = _dated_in(period)
    for figure in FIGURES:
        if figure.kind == kind:
            shown |= figure.condition(period)
    rows = placed(kind, c).filter(shown, place__in=list(city_ids))
    if kind == "delegations":
        rows = rows.order_by("pk", "stops__order", "stops__pk")
    found = defaultdict(dict)  # pk → its cities, each once, in order
    for pk, place in rows.values_list("pk", "place"):
        found[pk][place] = None
    return found


@dataclass
class SummaryRow:
    city: City
    counts: dict  # figure name → count


@dataclass
class Summary:
    counted: Counted
    cities: list[City] = field(default_factory=list)  # ``rows``, in order

    @property
    def total(self) -> dict:
        """Figure name → count over all selected cities, each record once."""
        return self.counted.total

    @property
    def rows(self) -> list[SummaryRow]:
        return self.rows_of(self.cities)

    def rows_of(self, cities: list[City]) -> list[SummaryRow]:
        """The rows of some of the cities: the page shows a few dozen of hundreds."""
        per_city = self.counted.per_city
        return [
            SummaryRow(city, {name: per_city[name][city.pk] for name in MEASURES})
            for city in cities
        ]


def period_of(c: Criteria) -> Period:
    return Period(c.start, c.end, c.today)


def summary(c: Criteria, cities=None) -> Summary:
    cities = list(c.cities()) if cities is None else cities
    city_ids = [city.pk for city in cities]
    counted, _first = count(c, {"period": period_of(c)}, city_ids)
    return Summary(counted["period"], cities)


@dataclass
class Timeline:
    years: list[int]
    totals: dict  # year → {figure name: count}, each year counted as its own period
    per_city: dict  # year → {figure name: {city id: count}}
    city_ids: list[int]


# The year-by-year table's reach: reading all of a long history for every report costs
# seconds at a million records, and a manager compares the recent years.
TIMELINE_YEARS = 10


def timeline_since(c: Criteria) -> datetime.date:
    """The first day the timeline reaches back to: ten years, or the period's start."""
    return min(c.start, datetime.date(c.end.year - TIMELINE_YEARS + 1, 1, 1))


def summary_and_timeline(
    c: Criteria, city_ids: list[int] | None = None
) -> tuple[Summary, Timeline]:
    """The period's summary, and year by year from the first year with a counted record
    (at most TIMELINE_YEARS back, or the period's start if earlier) up to the period's
    end: one count for both. The summary's rows are ``rows_of`` the cities shown (a page
    shows a few dozen of hundreds); ``city_ids``: ``c.city_ids()``, if the caller has them."""
    city_ids = c.city_ids() if city_ids is None else city_ids
    periods = {"period": period_of(c)}
    for year in range(timeline_since(c).year, c.end.year + 1):
        periods[year] = Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), c.today)
    counted, first_day = count(c, periods, city_ids)
    first = max(first_day, timeline_since(c)) if first_day else None
    years = list(range(first.year, c.end.year + 1)) if first and first <= c.end else []
    timeline = Timeline(
        years,
        {year: counted[year].total for year in years},
        {year: counted[year].per_city for year in years},
        city_ids,
    )
    return Summary(counted["period"]), timeline


def delegations_per_city(timeline: Timeline) -> dict[int, dict[int, int]]:
    """The chart's series: delegations (not cancelled, both directions) per partner city
    (by id) and year."""
    return {
        pk: {
            year: timeline.per_city[year]["delegations_out"][pk]
            + timeline.per_city[year]["delegations_in"][pk]
            for year in timeline.years
        }
        for pk in timeline.city_ids
    }
