"""The report as tables: the summary and one listing per kind of record.

The same tables feed the XLSX workbook, the CSV download and ``export_report``. Rows
come from ``values_list().iterator()``: no model instances, constant memory.
"""

from django.db import connection
from django.db.models import DateField, Q, StringAgg, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import reports, reports_opportunities
from .models import Delegation, FollowUp, Meeting, Memorandum, ProfileHandover, Visibility
from .spreadsheets import Column, Table

CHUNK = 2000

SUMMARY_HEADERS = {
    "delegations_out": gettext_lazy("Delegations outbound"),
    "delegations_in": gettext_lazy("Delegations inbound"),
    "delegations_cancelled": gettext_lazy("Delegations cancelled"),
    "meetings": gettext_lazy("Meetings"),
    "memoranda_signed": gettext_lazy("Memoranda signed"),
    "memoranda_in_force": gettext_lazy("Memoranda in force at period end"),
    "memoranda_due_for_review": gettext_lazy("Memoranda due for review"),
    "profiles_handed_over": gettext_lazy("Profiles handed over"),
    "handover_responses": gettext_lazy("Responses to handovers"),
    "follow_ups_open": gettext_lazy("Follow-ups open"),
    "follow_ups_done": gettext_lazy("Follow-ups done"),
    "follow_ups_overdue": gettext_lazy("Follow-ups overdue"),
}
SHEETS = [
    "Summary",
    "Delegations",
    "Meetings",
    "Memoranda",
    "Handovers",
    "Follow-ups",
    "Opportunities",
]
VISIBILITY = dict(Visibility.choices)


def _text(header, width=20, labels=None):
    return Column(header, "text", width, labels or {})


def _date(header):
    return Column(header, "date", 12)


def summary_table(c: reports.Criteria, notes: list) -> Table:
    result = reports.summary(c)
    columns = [_text(_("Partner city"), 18), _text(_("Country"), 8)]
    columns += [Column(SUMMARY_HEADERS[name], "number", 14) for name in reports.MEASURES]
    rows = [
        [row.city.name, row.city.country.code] + [row.counts[name] for name in reports.MEASURES]
        for row in result.rows
    ]
    rows.append([_("Total (each record once)"), ""] + [result.total[n] for n in reports.MEASURES])
    return Table("Summary", columns, rows, notes)


def delegations_table(c: reports.Criteria) -> Table:
    columns = [
        _text(_("Title"), 40),
        _text(_("Direction"), 10, dict(Delegation.Direction.choices)),
        _text(_("Status"), 11, dict(Delegation.Status.choices)),
        _date(_("Start")),
        _date(_("End")),
        _text(_("Origin city")),
        _text(_("Stops"), 30),
        _text(_("Lead organisation"), 30),
        _text(_("Visibility"), 10, VISIBILITY),
    ]
    # pk__in, so that the city filter's join does not also narrow the list of stops.
    selected = reports.period_delegations(c).filter(reports.delegation_at_any(c.cities()))
    rows = (
        Delegation.objects.filter(pk__in=selected.values("pk"))
        .annotate(stop_names=_stop_names())
        .order_by("start_date", "title")
        .values_list(
            "title",
            "direction",
            "status",
            "start_date",
            "end_date",
            "origin_city__name",
            "stop_names",
            "lead_organisation__name",
            "visibility",
        )
    )
    return Table("Delegations", columns, rows.iterator(chunk_size=CHUNK))


def _stop_names():
    # SQLite before 3.44 cannot order inside an aggregate; there stops come in insert order.
    ordered = (
        {"order_by": "stops__order"}
        if connection.features.supports_aggregate_order_by_clause
        else {}
    )
    return StringAgg("stops__city__name", Value("; "), **ordered)


MEETING_COLUMNS = [
    _date(gettext_lazy("Date")),
    _text(gettext_lazy("City")),
    _text(gettext_lazy("Kind"), 12, dict(Meeting.Kind.choices)),
    _text(gettext_lazy("Title"), 40),
    _text(gettext_lazy("Delegation"), 40),
    _text(gettext_lazy("Visibility"), 10, VISIBILITY),
]
MEETING_FIELDS = ["on", "city__name", "kind", "title", "delegation__title", "visibility"]


def meetings_table(c: reports.Criteria) -> Table:
    rows = (
        reports.period_meetings(c)
        .filter(city__in=c.cities().order_by().values("pk"))
        .annotate(on=Coalesce("date", "delegation__start_date", output_field=DateField()))
        .order_by("on", "pk")
        .values_list(*MEETING_FIELDS)
    )
    return Table("Meetings", MEETING_COLUMNS, rows.iterator(chunk_size=CHUNK))


def memoranda_table(c: reports.Criteria) -> Table:
    columns = [
        _text(_("Title"), 40),
        _text(_("Kind"), 16, dict(Memorandum.Kind.choices)),
        _text(_("Status"), 11, dict(Memorandum.Status.choices)),
        _date(_("Signed on")),
        _text(_("Signed in")),
        _date(_("Valid until")),
        _date(_("Review on")),
        _text(_("Partner city")),
        _text(_("Visibility"), 10, VISIBILITY),
    ]
    signed = Q(signed__range=(c.start, c.end)) & ~Q(status__in=reports.UNSIGNED)
    concerned = reports.memoranda(c).filter(reports.memorandum_at(c.cities()))
    concerned = concerned.filter(signed | reports.in_force_on(c.end))
    rows = (
        Memorandum.objects.filter(pk__in=concerned.values("pk"))
        .annotate(day=Coalesce("signed_on", "delegation__start_date", output_field=DateField()))
        .order_by("day", "title")
        .values_list(
            "title",
            "kind",
            "status",
            "day",
            "signed_in__name",
            "valid_until",
            "review_on",
            "partnership__partner_city__name",
            "visibility",
        )
    )
    return Table("Memoranda", columns, rows.iterator(chunk_size=CHUNK))


def handovers_table(c: reports.Criteria) -> Table:
    columns = [
        _date(_("Handed over on")),
        _text(_("Company"), 30),
        _text(_("Recipient"), 30),
        _text(_("Recipient city")),
        _text(_("Delegation"), 40),
        _text(_("Response"), 16, dict(ProfileHandover.Response.choices)),
    ]
    rows = (
        reports.period_handovers(c)
        .filter(reports.handover_at(c.cities()))
        .annotate(
            day=Coalesce(
                "handed_over_on",
                "meeting__date",
                "delegation__start_date",
                output_field=DateField(),
            )
        )
        .order_by("day", "pk")
        .values_list(
            "day",
            "profile__organisation__name",
            "recipient__name",
            "recipient__city__name",
            "delegation__title",
            "response",
        )
    )
    return Table("Handovers", columns, rows.iterator(chunk_size=CHUNK))


def follow_ups_table(c: reports.Criteria) -> Table:
    columns = [
        _text(_("Title"), 40),
        _text(_("Kind"), 12, dict(FollowUp.Kind.choices)),
        _text(_("Status"), 12, dict(FollowUp.Status.choices)),
        _date(_("Due on")),
        _text(_("Partner city")),
        _text(_("Owner"), 16),
        _text(_("Delegation"), 40),
        _text(_("Memorandum"), 40),
    ]
    rows = (
        reports.period_follow_ups(c)
        .filter(partner_city__in=c.cities().order_by().values("pk"))
        .order_by("due_on", "pk")
        .values_list(
            "title",
            "kind",
            "status",
            "due_on",
            "partner_city__name",
            "owner__username",
            "delegation__title",
            "memorandum__title",
        )
    )
    return Table("Follow-ups", columns, rows.iterator(chunk_size=CHUNK))


def opportunities_table(c: reports.Criteria) -> Table:
    report = reports_opportunities.opportunity_report(
        c.start, c.end, cities=c.partner_cities, today=c.today
    )
    return reports_opportunities.opportunities_table(report)


def criteria_notes(c: reports.Criteria) -> list[tuple[str, str]]:
    """The filter used, written under the summary so a sheet explains itself."""
    everyone = _("all")
    return [
        (_("Period"), f"{date_format(c.start, 'Y-m-d')} – {date_format(c.end, 'Y-m-d')}"),
        (_("Home city"), c.home_city.name if c.home_city else everyone),
        (
            _("Partner city"),
            ", ".join(city.name for city in c.partner_cities)
            if c.partner_cities is not None
            else everyone,
        ),
        (_("Direction"), str(dict(Delegation.Direction.choices).get(c.direction, everyone))),
        (_("Organisation"), c.organisation.name if c.organisation else everyone),
        (_("Report date"), date_format(c.today, "Y-m-d")),
    ]


def tables(c: reports.Criteria) -> list[Table]:
    """Every sheet of the workbook, in order; the listings run lazily as they are written."""
    return [
        summary_table(c, criteria_notes(c)),
        delegations_table(c),
        meetings_table(c),
        memoranda_table(c),
        handovers_table(c),
        follow_ups_table(c),
        opportunities_table(c),
    ]


def table(c: reports.Criteria, name: str) -> Table:
    builders = {
        "summary": lambda: summary_table(c, []),
        "delegations": lambda: delegations_table(c),
        "meetings": lambda: meetings_table(c),
        "memoranda": lambda: memoranda_table(c),
        "handovers": lambda: handovers_table(c),
        "follow-ups": lambda: follow_ups_table(c),
        "opportunities": lambda: opportunities_table(c),
    }
    return builders[name.lower()]()
