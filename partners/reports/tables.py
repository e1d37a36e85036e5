"""The report as tables: the summary and one listing per kind of record.

The same tables feed the XLSX workbook, the CSV download and ``export_report``. A listing
shows exactly the records its figures count (``figures.listed``), with the partner
city each belongs to; its rows come from ``values_list().iterator()``: no model instances.
Headers, sheet names and translated texts (a city's name, a delegation's title) are in the
active language, else German, as on the pages.
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import batched

from django.conf import settings
from django.db import connection
from django.db.models import StringAgg, Value
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext, pgettext_lazy

from ..dates import DatePrecision, during_delegation, first_day, format_date_span, logged_on
from ..models import (
    Delegation,
    FollowUp,
    Meeting,
    Memorandum,
    ProfileHandover,
    Shown,
    Visibility,
    clauses,
    is_translated,
)
from ..models.base import clause_separator, german_slug, in_chinese
from ..spreadsheets import Column, PartialDate, Table
from . import figures, opportunities, queries

CHUNK = 2000
VISIBILITY = dict(Visibility.choices)


def _text(header, width=20, labels=None):
    return Column(header, "text", width, labels or {})


def _date(header):
    return Column(header, "date", 12)


@dataclass(frozen=True)
class Computed:
    """A column's cell worked out from several fields read (``paths``) by ``value``."""

    paths: tuple[str, ...]
    value: Callable


# A month's or year's date cell in the workbook reads as its text in the listings.
NUMBER_FORMATS = {
    # Translators: Excel's number format of a month ("June 2019"); [$-409] sets English
    # month names whatever the reader's Excel language, [$-407] German ones.
    DatePrecision.MONTH: pgettext_lazy("Excel number format", "[$-409]mmmm yyyy"),
    # Translators: Excel's number format of a year ("2019").
    DatePrecision.YEAR: pgettext_lazy("Excel number format", "yyyy"),
}


def _at_precision(day, precision):
    """A day known to the day as a date cell; one known to the month or year as its first
    day, shown as the admin list and the public pages show it ("Juni 2019", "2018"),
    never as "1 June": a date cell that sorts among the others in XLSX, text in CSV."""
    if day is None or precision == DatePrecision.DAY:
        return day
    text = format_date_span(day, None, precision)
    return PartialDate(first_day(day, precision), text, str(NUMBER_FORMATS[precision]))


def _own_or_trip(trip: str | tuple[str, ...], *own: str) -> Computed:
    """A record's own day (the first of ``own`` set), else its delegation's (``trip``, or
    the first of several set) dates at their precision, marked as such: a meeting without
    a date did not happen on the trip's first day."""
    trips = (trip,) if isinstance(trip, str) else trip

    def value(*read):
        day = next((day for day in read[: len(own)] if day is not None), None)
        spans = batched(read[len(own) :], 3)
        span = next((span for span in spans if span[0] is not None), None)
        return day if day is not None or span is None else during_delegation(*span)

    columns = ("start_date", "end_date", "date_precision")
    return Computed((*own, *(f"{path}__{name}" for path in trips for name in columns)), value)


def _day_or_text(header):
    # "any": a date cell for a known day, month or year, a text cell for a trip's dates.
    return Column(header, "any", 14)


@dataclass(frozen=True)
class Report:
    """One report's criteria with its partner cities (the rows), read once for all tables."""

    criteria: queries.Criteria
    cities: list


def _listing(report: Report, key: str, queryset, columns: dict, partner_column=None) -> Table:
    """The sheet ``key`` listing ``queryset``'s records that the report lists: ``columns``
    maps each field read (or ``Computed`` from several) to its column; the partner cities
    of each record come last."""
    partner_column = partner_column or _text(_("Partner city"))
    kind = key.replace("-", "_")
    specs = [
        spec if isinstance(spec, Computed) else Computed((spec,), lambda value: value)
        for spec in columns
    ]
    fields = list(dict.fromkeys(path for spec in specs for path in spec.paths))

    def cells(row):
        *values, partner_cities = row
        read = dict(zip(fields, values, strict=True))
        return (
            *(spec.value(*(read[path] for path in spec.paths)) for spec in specs),
            partner_cities,
        )

    rows = map(cells, _rows(report, kind, queryset, fields))
    return Table(str(SHEET_NAMES[key]), [*columns.values(), partner_column], rows)


def _rows(report: Report, kind: str, queryset, fields: list[str]):
    """The query's rows of the records the listing shows, their partner cities last."""
    c = report.criteria
    city_ids = [city.pk for city in report.cities]
    listed = figures.listed(kind, c, figures.period_of(c), city_ids)
    names = {city.pk: city.distinct_name for city in report.cities}
    # modeltranslation reads a model's own translated fields in the active language, but
    # not those across a relation (``city__name``): each is read as the pages show it.
    across = [path for path in fields if "__" in path and is_translated(queryset.model, path)]
    aliases = {path: f"shown_{i}" for i, path in enumerate(across)}
    queryset = queryset.annotate(**{alias: Shown(path) for path, alias in aliases.items()})
    fields = [aliases.get(path, path) for path in fields]
    for pk, *values in queryset.values_list("pk", *fields).iterator(chunk_size=CHUNK):
        if pk in listed:
            yield (*values, clauses(names[city] for city in listed[pk]))


def summary_table(report: Report) -> Table:
    result = figures.summary(report.criteria, report.cities)
    columns = [_text(_("Partner city"), 18), _text(_("Country"), 8)]
    columns += [Column(figure.label, "number", 14) for figure in figures.FIGURES]
    rows = [
        [row.city.name, row.city.country.code] + [row.counts[n] for n in figures.MEASURES]
        for row in result.rows
    ]
    total = [_("Total (each record once)"), ""] + [result.total[n] for n in figures.MEASURES]
    unplaced = [unplaced_label(report.criteria), ""]
    unplaced += [result.counted.unplaced[n] for n in figures.MEASURES]
    footer = _with_unplaced(report.criteria, total, unplaced)
    notes = criteria_notes(report.criteria)
    return Table(str(SHEET_NAMES["summary"]), columns, rows, notes, footer=footer)


def _with_unplaced(c: queries.Criteria, total: list, unplaced: list) -> list[list]:
    """The footer: the total, and the line of what no row counts where the report counts
    it. With partner cities chosen nothing outside them was counted: a line of zeros
    would say there was nothing."""
    return [total, unplaced] if c.counts_unplaced else [total]


def delegations_table(report: Report) -> Table:
    columns = {
        "title": _text(_("Title"), 40),
        "direction": _text(_("Direction"), 10, dict(Delegation.Direction.choices)),
        "status": _text(_("Status"), 11, dict(Delegation.Status.choices)),
        Computed(("start_date", "date_precision"), _at_precision): _day_or_text(_("Start")),
        Computed(("end_date", "date_precision"), _at_precision): _day_or_text(_("End")),
        "origin_city__name": _text(_("Origin city")),
        "stop_names": _text(_("Stops"), 30),
        "lead_organisation__name": _text(_("Lead organisation"), 30),
        "visibility": _text(_("Visibility"), 10, VISIBILITY),
    }
    queryset = (
        queries.in_period("delegations", report.criteria)
        .annotate(stop_names=_stop_names())
        .order_by("start_date", "title", "pk")
    )
    return _listing(report, "delegations", queryset, columns, _text(_("Partner cities"), 24))


def _stop_names():
    # SQLite before 3.44 cannot order inside an aggregate; there stops come in insert order.
    ordered = (
        {"order_by": "stops__order"}
        if connection.features.supports_aggregate_order_by_clause
        else {}
    )
    return StringAgg(Shown("stops__city__name"), Value(clause_separator()), **ordered)


def meetings_table(report: Report) -> Table:
    columns = {
        _own_or_trip("delegation", "date"): _day_or_text(_("Date")),
        "city__name": _text(_("City")),
        "kind": _text(_("Kind"), 12, dict(Meeting.Kind.choices)),
        "title": _text(_("Title"), 40),
        "delegation__title": _text(_("Delegation"), 40),
        "visibility": _text(_("Visibility"), 10, VISIBILITY),
    }
    queryset = queries.in_period("meetings", report.criteria).order_by("on", "pk")
    return _listing(report, "meetings", queryset, columns)


def memoranda_table(report: Report) -> Table:
    columns = {
        "title": _text(_("Title"), 40),
        "kind": _text(_("Kind"), 16, dict(Memorandum.Kind.choices)),
        "status": _text(_("Status"), 11, dict(Memorandum.Status.choices)),
        _own_or_trip("delegation", "signed_on"): _day_or_text(_("Signed on")),
        "signed_in__name": _text(_("Signed in")),
        "valid_until": _date(_("Valid until")),
        "terminated_on": _date(_("Terminated on")),
        "review_on": _date(_("Review on")),
        "visibility": _text(_("Visibility"), 10, VISIBILITY),
    }
    c = report.criteria
    queryset = queries.memoranda(c).filter(on__lte=c.end).order_by("on", "title", "pk")
    return _listing(report, "memoranda", queryset, columns)


def handovers_table(report: Report) -> Table:
    columns = {
        # Logged at a meeting of a trip: the meeting's trip is its trip (``queries``).
        _own_or_trip(
            ("delegation", "meeting__delegation"), "handed_over_on", "meeting__date"
        ): _day_or_text(_("Handed over on")),
        "profile__organisation__name": _text(_("Company"), 30),
        "recipient__name": _text(_("Recipient"), 30),
        "recipient__city__name": _text(_("Recipient city")),
        "delegation__title": _text(_("Delegation"), 40),
        # A handover logged at a meeting of a trip counts as of that trip: its meeting says why.
        "meeting__title": _text(_("Meeting"), 40),
        "response": _text(_("Response"), 16, dict(ProfileHandover.Response.choices)),
    }
    queryset = queries.in_period("handovers", report.criteria).order_by("on", "pk")
    return _listing(report, "handovers", queryset, columns)


def follow_ups_table(report: Report) -> Table:
    columns = {
        "title": _text(_("Title"), 40),
        "kind": _text(_("Kind"), 12, dict(FollowUp.Kind.choices)),
        "status": _text(_("Status"), 12, dict(FollowUp.Status.choices)),
        Computed(("due_on", "on"), _due_or_logged): _day_or_text(_("Due on")),
        "owner__username": _text(_("Owner"), 16),
        # Each link that can make a follow-up a partner city's (queries.places): why it
        # counted for the partner city in the last column.
        "delegation__title": _text(_("Delegation"), 40),
        "meeting__title": _text(_("Meeting"), 40),
        "memorandum__title": _text(_("Memorandum"), 40),
        "opportunity__title": _text(_("Opportunity"), 40),
    }
    queryset = queries.in_period("follow_ups", report.criteria).order_by("on", "pk")
    return _listing(report, "follow-ups", queryset, columns)


def _due_or_logged(due_on, on):
    # Without a due date a follow-up counts by the day it was logged (``on``): that day,
    # marked, rather than a blank.
    return due_on if due_on is not None else logged_on(on)


def opportunities_table(report: Report) -> Table:
    """The pipeline per partner city (partners.reports.opportunities), total as footer."""
    pipeline = opportunities.of(report.criteria)
    columns = [_text(_("Partner city"), 18)]
    columns += [Column(header, "number", 14) for header in opportunities.headers()]
    named = pipeline.named()
    rows = [[city.distinct_name, *opportunities.values(figures)] for city, figures in named]
    total = [_("Total"), *opportunities.values(pipeline.total)]
    unplaced = [unplaced_label(report.criteria), *opportunities.values(pipeline.unplaced)]
    notes = [(str(term), str(text)) for term, text in opportunities.DEFINITIONS]
    footer = _with_unplaced(report.criteria, total, unplaced)
    return Table(str(SHEET_NAMES["opportunities"]), columns, rows, notes, footer=footer)


def criteria_notes(c: queries.Criteria) -> list[tuple[str, object]]:
    """The filter used, written under the summary so a sheet explains itself."""
    everyone = _("all")
    cities = everyone
    if c.partner_cities is not None:
        cities = pgettext("list separator", ", ").join(city.distinct_name for city in c.cities())
    return [
        (_("Period"), f"{date_format(c.start, 'Y-m-d')} – {date_format(c.end, 'Y-m-d')}"),
        (_("Home city"), c.home_city.name if c.home_city else everyone),
        (_("Partner city"), cities),
        (_("Direction"), str(dict(Delegation.Direction.choices).get(c.direction, everyone))),
        (_("Organisation"), c.organisation.name if c.organisation else everyone),
        (_("Report date"), c.today),
        (_("How we count"), str(SHARED_NOTE)),
    ]


# The line under the total: the records of the period in no partner city's row.
UNPLACED = gettext_lazy("Not in any partner city (not in the total)")


def unplaced_label(c: queries.Criteria) -> str:
    """The line of what no row counts: with a home city chosen, that is what lies in no
    partner city of that home city (its trips to another home city's partners too)."""
    if c.home_city is None:
        return str(UNPLACED)
    return _("Not in any partner city of %(city)s (not in the total)") % {"city": c.home_city}


SHARED_NOTE = gettext_lazy(
    "Each meeting, handover, memorandum and follow-up belongs to one partner city, so its "
    "total is the sum of the rows. A trip to two partner cities, or a profile handed over "
    "in two, appears in both rows and once in the total."
)

# Sheet key (the ``sheet`` parameter of the CSV download, stable) → name in the workbook.
SHEET_NAMES = {
    "summary": pgettext_lazy("report sheet", "Summary"),
    "delegations": pgettext_lazy("report sheet", "Delegations"),
    "meetings": pgettext_lazy("report sheet", "Meetings"),
    "memoranda": pgettext_lazy("report sheet", "Memoranda"),
    "handovers": pgettext_lazy("report sheet", "Handovers"),
    "follow-ups": pgettext_lazy("report sheet", "Follow-ups"),
    "opportunities": pgettext_lazy("report sheet", "Opportunities"),
}
BUILDERS: dict[str, Callable[[Report], Table]] = {
    "summary": summary_table,
    "delegations": delegations_table,
    "meetings": meetings_table,
    "memoranda": memoranda_table,
    "handovers": handovers_table,
    "follow-ups": follow_ups_table,
    "opportunities": opportunities_table,
}
SHEETS = list(BUILDERS)


def tables(c: queries.Criteria) -> list[Table]:
    """Every sheet of the workbook, in order; the listings run lazily as they are written."""
    report = Report(c, list(c.cities()))
    return [build(report) for build in BUILDERS.values()]


def sheet_key(name: str) -> str | None:
    """The sheet a ``sheet`` parameter names: its key or its name in any language."""
    name = name.strip().lower()
    if name in BUILDERS:
        return name
    # A link or a bookmark made in another language than the reader's ("Übersicht").
    for language, _name in settings.LANGUAGES:
        with override(language):
            for key, label in SHEET_NAMES.items():
                if str(label).lower() == name:
                    return key
    return None


def table(c: queries.Criteria, key: str) -> Table:
    return BUILDERS[key](Report(c, list(c.cities())))


def filename(c: queries.Criteria, extension: str, sheet: str = "") -> str:
    """``bericht-2026-nanjing.xlsx``: the file says which report it holds."""
    parts = [pgettext("file name", "report")]
    whole_year = c.start.year == c.end.year and (c.start.month, c.start.day) == (1, 1)
    if whole_year and (c.end.month, c.end.day) == (12, 31):
        parts.append(str(c.start.year))
    else:
        parts += [c.start.isoformat(), c.end.isoformat()]
    if c.home_city:
        parts.append(c.home_city.slug)
    if c.partner_cities is not None:
        parts += [city.slug for city in c.cities()[:3]]
    if c.direction:
        parts.append(str(dict(Delegation.Direction.choices)[c.direction]))
    if c.organisation:
        parts.append(c.organisation.slug)
    if sheet:
        parts.append(str(SHEET_NAMES[sheet]))
    return "-".join(_file_word(part) for part in parts) + f".{extension}"


def _file_word(text) -> str:
    # ASCII where the words are Latin, spelt as slugs spell German ("Übersicht" →
    # "uebersicht", not "ubersicht"); Chinese ones stay as written ("报告").
    text = str(text)
    return slugify(text, allow_unicode=True) if in_chinese(text) else german_slug(text)
