"""Each figure of the report, defined once, and the counts made from them.

A ``Figure`` names the kind of record it counts (a key of ``queries.Facts``), which of
those records it counts in a period, and what it counts of each (the record, or e.g. the
profile of a handover). The summary, the timeline, the charts, every sheet, ``export_report``
and the desk count through ``count``; none has a counting rule of its own.

Adding a figure: append a ``Figure`` to ``FIGURES`` (and, for a new kind of record, a
loader in ``queries.load`` and a sheet in ``tables``).
"""

import datetime
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import City, Delegation, FollowUp, Memorandum, ProfileHandover
from .queries import CANCELLED, IN, OUT, Criteria, Fact, Facts, load, selected_cities

REVIEW_HORIZON = datetime.timedelta(days=90)
OPEN_STATUSES = {FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS}
SIGNED, EXPIRED = Memorandum.Status.SIGNED, Memorandum.Status.EXPIRED


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    today: datetime.date


def _always(fact: Fact, period: Period) -> bool:
    return True


def _record(fact: Fact) -> Hashable:
    return fact.pk


@dataclass(frozen=True)
class Figure:
    name: str
    short: str  # its header under its group's (a page's two header rows)
    kind: str  # the facts it counts: "delegations", "meetings", …
    counts: Callable[[Fact, Period], bool] = _always
    # True: only records dated in the period; False: any record up to its end.
    dated: bool = True
    value: Callable[[Fact], Hashable] = _record  # what is counted once per city and total
    group: str = ""  # figures of one group share a header

    @property
    def label(self) -> str:
        """The whole header, where there is one row of them (sheets, CSV, the desk)."""
        if not self.group:
            return self.short
        return format_lazy(_("{group}: {figure}"), group=self.group, figure=self.short)

    def facts(self, facts: Facts, period: Period) -> list[Fact]:
        pool = (
            facts.between(self.kind, period.start, period.end)
            if self.dated
            else facts.all(self.kind)
        )
        return [fact for fact in pool if self.counts(fact, period)]


def in_force(fact: Fact, day: datetime.date) -> bool:
    """Signed by ``day`` and not past ``valid_until`` (an expired one held until then)."""
    if fact.on is None or fact.on > day:
        return False
    if fact.valid_until:
        return fact.status in (SIGNED, EXPIRED) and fact.valid_until >= day
    return fact.status == SIGNED


def _due_for_review(fact: Fact, period: Period) -> bool:
    return (
        in_force(fact, period.end)
        and fact.review_on is not None
        and period.start <= fact.review_on <= period.end + REVIEW_HORIZON
    )


def _overdue(fact: Fact, period: Period) -> bool:
    return fact.status in OPEN_STATUSES and fact.due_on is not None and fact.due_on < period.today


def _delegations(direction: str, name: str, group: str) -> list[Figure]:
    """One direction's delegations: those not cancelled, then each status on its own."""
    not_cancelled = Figure(
        name,
        _("not cancelled"),
        "delegations",
        lambda f, p: f.direction == direction and f.status != CANCELLED,
        group=group,
    )
    by_status = [
        Figure(
            f"{name}_{status}",
            label,
            "delegations",
            lambda f, p, status=status: f.direction == direction and f.status == status,
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
        value=lambda fact: fact.profile,
        group=HANDOVERS,
    ),
    Figure(
        "handover_responses",
        pgettext_lazy("report", "with a response"),
        "handovers",
        lambda f, p: f.response != ProfileHandover.Response.NONE,
        group=HANDOVERS,
    ),
    Figure("memoranda_signed", pgettext_lazy("report", "signed"), "memoranda", group=MEMORANDA),
    Figure(
        "memoranda_in_force",
        pgettext_lazy("report", "in force at period end"),
        "memoranda",
        lambda f, p: in_force(f, p.end),
        dated=False,
        group=MEMORANDA,
    ),
    Figure(
        "memoranda_due_for_review",
        pgettext_lazy("report", "due for review"),
        "memoranda",
        _due_for_review,
        dated=False,
        group=MEMORANDA,
    ),
    Figure(
        "follow_ups_open",
        pgettext_lazy("report", "open"),
        "follow_ups",
        lambda f, p: f.status in OPEN_STATUSES,
        group=FOLLOW_UPS,
    ),
    Figure(
        "follow_ups_done",
        pgettext_lazy("report", "done"),
        "follow_ups",
        lambda f, p: f.status == FollowUp.Status.DONE,
        group=FOLLOW_UPS,
    ),
    Figure(
        "follow_ups_overdue",
        pgettext_lazy("report", "overdue"),
        "follow_ups",
        _overdue,
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
    groups = []
    for figure in FIGURES:
        if figure.group and groups and groups[-1].figures[-1].group == figure.group:
            groups[-1].figures.append(figure)
        else:
            groups.append(HeaderGroup(figure.group or figure.label, [figure]))
    return groups


def count(figure: Figure, facts: Facts, period: Period, city_ids) -> tuple[dict, int]:
    """Distinct values per partner city, and over all of ``city_ids`` (each once)."""
    per_city = {pk: set() for pk in city_ids}
    everywhere = set()
    for fact in figure.facts(facts, period):
        value = figure.value(fact)
        for city in fact.cities:
            if city in per_city:
                per_city[city].add(value)
                everywhere.add(value)
    return {pk: len(values) for pk, values in per_city.items()}, len(everywhere)


def listed(kind: str, facts: Facts, period: Period, city_ids) -> dict[int, tuple[int, ...]]:
    """The records of one kind a sheet lists: those any of its figures counts (or dated in
    the period), with the selected partner cities each belongs to."""
    wanted = set(city_ids)
    found = {}
    pools = [facts.between(kind, period.start, period.end)]
    pools += [f.facts(facts, period) for f in FIGURES if f.kind == kind and not f.dated]
    for pool in pools:
        for fact in pool:
            cities = tuple(city for city in fact.cities if city in wanted)
            if cities:
                found[fact.pk] = cities
    return found


@dataclass
class SummaryRow:
    city: City
    counts: dict  # figure name → count


@dataclass
class Summary:
    rows: list[SummaryRow]
    total: dict  # figure name → count over all selected cities, each record once


def summarise(facts: Facts, period: Period, cities: list[City]) -> Summary:
    city_ids = [city.pk for city in cities]
    counted = {figure.name: count(figure, facts, period, city_ids) for figure in FIGURES}
    rows = [SummaryRow(city, {n: counted[n][0][city.pk] for n in MEASURES}) for city in cities]
    return Summary(rows, {name: counted[name][1] for name in MEASURES})


def period_of(c: Criteria) -> Period:
    return Period(c.start, c.end, c.today)


def summary(c: Criteria, facts: Facts | None = None, cities=None) -> Summary:
    facts = facts or load(c)
    return summarise(facts, period_of(c), cities or selected_cities(c, facts))


@dataclass
class Timeline:
    years: list[int]
    totals: dict  # year → {figure name: count}, each year counted as its own period
    per_city: dict  # year → {figure name: {city id: count}}
    city_names: dict


# The year-by-year table's reach: reading all of a long history for every report costs
# seconds at a million records, and a manager compares the recent years.
TIMELINE_YEARS = 10


def timeline_since(c: Criteria) -> datetime.date:
    """The first day the page's facts must reach back to: the timeline's and the period's."""
    return min(c.start, datetime.date(c.end.year - TIMELINE_YEARS + 1, 1, 1))


def timeline(c: Criteria, facts: Facts | None = None, cities=None) -> Timeline:
    """Year by year, from the first year with activity (at most TIMELINE_YEARS back, or
    the period's start if earlier) up to the period's end."""
    facts = facts or load(c, since=timeline_since(c))
    cities = cities or selected_cities(c, facts)
    city_ids = [city.pk for city in cities]
    first = facts.first_day()
    if first:
        first = max(first, timeline_since(c))
    years = list(range(first.year, c.end.year + 1)) if first and first <= c.end else []
    totals, per_city = {}, {}
    for year in years:
        period = Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), c.today)
        counted = {figure.name: count(figure, facts, period, city_ids) for figure in FIGURES}
        totals[year] = {name: counted[name][1] for name in MEASURES}
        per_city[year] = {name: counted[name][0] for name in MEASURES}
    return Timeline(years, totals, per_city, {city.pk: city.name for city in cities})


def delegations_per_city(timeline: Timeline) -> dict[str, dict[int, int]]:
    """The chart's series: delegations (not cancelled, both directions) per partner city and
    year."""
    return {
        name: {
            year: timeline.per_city[year]["delegations_out"][pk]
            + timeline.per_city[year]["delegations_in"][pk]
            for year in timeline.years
        }
        for pk, name in sorted(timeline.city_names.items(), key=lambda item: item[1])
    }
