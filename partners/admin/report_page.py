"""/reports/: activity per partner city for managers, as a page, XLSX, CSV or PDF.

GET never writes anything: the page and its downloads are computed and streamed per
request. A workbook too large to write while the browser waits is offered as a button
that starts a background export with POST.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import documents, tasks
from ..dates import DatePrecision, format_date_span
from ..models import City, Memorandum
from ..reports import charts, figures, opportunities, queries, tables
from ..reports.filters import ReportFilter
from ..spreadsheets import iter_csv, list_separator
from .documents import asked_language
from .pages import attachment
from .streaming import xlsx_file

FORMATS = ("html", "xlsx", "csv", "pdf")
# The page's per-city tables show this many cities at a time, so that its cost does not
# grow with the partner cities; the downloads and the PDF list every one.
CITIES_PER_PAGE = 50
DELIMITERS = {"comma": ",", "semicolon": ";"}


# Internal figures: kept out of every cache, as the admin's pages are.
@never_cache
@login_required
def report(request):
    if not request.user.has_perm("partners.view_reports"):
        raise PermissionDenied
    query = request.POST if request.method == "POST" else request.GET
    filterset = ReportFilter(_criteria_query(query))
    output = query.get("format", "html")
    sheet = tables.sheet_key(query.get("sheet", "summary"))
    delimiter = query.get("delimiter", "")
    problems = _parameter_problems(output, sheet, query.get("sheet", ""), delimiter)
    problems += _unknown_parameters(query) + _repeated_parameters(query)
    language = None
    if output == "pdf":
        # As the other documents: ``?lang=`` prints it in another language than the page's.
        try:
            language = asked_language(request, get_language())
        except BadRequest as error:
            problems.append(str(error))
    if problems or (filterset.is_bound and not filterset.is_valid()):
        return _page(request, filterset, problems=problems, status=400)
    criteria = filterset.criteria()
    if request.method == "POST":
        # The only write: a background export the user asked for with the button.
        job = tasks.start_export(query=_criteria_query(query).urlencode(), user=request.user)
        return redirect("jobs:detail", job_id=job.pk)
    if output == "xlsx" and tasks.exports_in_background(criteria):
        return _page(request, filterset, criteria=criteria, background=True)
    if output == "xlsx":
        return _xlsx_response(criteria)
    if output == "csv":
        return _csv_response(criteria, sheet, DELIMITERS.get(delimiter) or list_separator())
    if output == "pdf":
        return _pdf_response(request, filterset, criteria, language)
    return _page(request, filterset, criteria=criteria)


PAGE_PARAMETERS = ("format", "sheet", "delimiter", "page", "lang", "csrfmiddlewaretoken")


def _criteria_query(query: QueryDict) -> QueryDict:
    """The filter's part of the query string, without the page's own parameters."""
    kept = query.copy()
    for name in PAGE_PARAMETERS:
        kept.pop(name, None)
    return kept


def _unknown_parameters(query: QueryDict) -> list[str]:
    # Ignored, a mistyped filter (``city``, export_report's option) would show every
    # partner city's figures as if they were the one city's.
    known = [*ReportFilter.base_filters, *PAGE_PARAMETERS]
    named = ", ".join(name for name in known if name != "csrfmiddlewaretoken")
    return [
        _("Unknown parameter “%(name)s”: the report takes %(known)s.")
        % {"name": name, "known": named}
        for name in query
        if name not in known
    ]


def _repeated_parameters(query: QueryDict) -> list[str]:
    # Each filter takes one value, and a form reads the last one given: a second partner
    # city in the address would show the other city's figures alone, as if asked for.
    return [
        _("“%(name)s” is given more than once: the report takes one value of each parameter.")
        % {"name": name}
        for name, values in query.lists()
        if len(values) > 1
    ]


def _parameter_problems(output: str, sheet, asked_sheet: str, delimiter: str) -> list[str]:
    problems = []
    if output not in FORMATS:
        problems.append(
            _("Unknown format “%(format)s”: choose one of %(formats)s.")
            % {"format": output, "formats": ", ".join(FORMATS)}
        )
    if output == "csv" and sheet is None:
        problems.append(
            _("Unknown sheet “%(sheet)s” for CSV: choose one of %(sheets)s.")
            % {"sheet": asked_sheet, "sheets": ", ".join(tables.SHEETS)}
        )
    if delimiter and delimiter not in DELIMITERS:
        problems.append(
            _("Unknown delimiter “%(delimiter)s”: choose comma or semicolon.")
            % {"delimiter": delimiter}
        )
    return problems


def _xlsx_response(criteria: queries.Criteria):
    name = tables.filename(criteria, "xlsx")
    return FileResponse(xlsx_file(tables.tables(criteria)), as_attachment=True, filename=name)


def _csv_response(criteria: queries.Criteria, sheet: str, delimiter: str):
    name = tables.filename(criteria, "csv", sheet)
    return StreamingHttpResponse(
        iter_csv(tables.table(criteria, sheet), delimiter),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


def _pdf_response(request, filterset, criteria: queries.Criteria, language: str):
    # Names, dates and the file name in the document's language (render_pdf prints in it);
    # a refusal, raised before the printing switches language, in the page's.
    with translation.override(language):
        report = {**_report_context(criteria), "filter_summary": _filter_summary(criteria)}
        name = tables.filename(criteria, "pdf")
    try:
        # The page's print styles, shared with its PDF.
        pdf = documents.render_pdf(
            "partners/reports/report_pdf.html",
            report,
            language=language,
            stylesheets=("partners/reports.css",),
        )
    except documents.DocumentsUnavailable as error:
        return _page(request, filterset, criteria=criteria, problems=[str(error)], status=503)
    return attachment(pdf, name, "application/pdf")


def _filter_summary(criteria: queries.Criteria) -> list[tuple[str, object]]:
    # Period, home city, partner cities, direction and organisation; the page's
    # "How we count" says the rest. The period as the language writes dates (the sheets
    # keep ISO dates).
    period = format_date_span(criteria.start, criteria.end, DatePrecision.DAY)
    return [(_("Period"), period), *tables.criteria_notes(criteria)[1:5]]


def _page(request, filterset, *, criteria=None, problems=(), status=200, background=False):
    context = {
        **admin.site.each_context(request),
        "title": _("Reports"),
        "filter": filterset,
        "problems": problems,
        "background": background,
        "background_rows": settings.CRM_EXPORT_BACKGROUND_ROWS,
    }
    if criteria:
        links = _unplaced_links(request.user, criteria)
        context.update(_report_context(criteria, page=request.GET.get("page", 1), links=links))
        context["download_query"] = _criteria_query(request.GET).urlencode()
        context["filter_summary"] = _filter_summary(criteria)
    return render(request, "partners/reports/report.html", context, status=status)


def _report_context(criteria: queries.Criteria, page=None, links=None) -> dict:
    """The report's tables and charts; ``page``: the page of partner cities (any value a
    user may type) both per-city tables show, or None for every city (the PDF). The totals
    always count every city. ``links``: the lists of what no row counts (``_unplaced_links``;
    None in the PDF)."""
    links = links or {}
    # The page reads the cities' ids, then one query for the cities it names (its rows',
    # opportunity rows' and chart's): hundreds of cities cost more than the rest of the page.
    cities = list(criteria.cities()) if page is None else None
    city_ids = criteria.city_ids() if cities is None else [city.pk for city in cities]
    summary, timeline = figures.summary_and_timeline(criteria, city_ids)
    report = opportunities.of(criteria)
    other = _("Other partner cities")
    series = charts.top_series(figures.delegations_per_city(timeline), other)  # by city id
    opportunity_rows, pages = report.rows, None
    if cities is None:
        # Cities in name order in both tables, as many pages as the longer one needs.
        longer = max(len(city_ids), len(opportunity_rows))
        pages = Paginator(range(longer), CITIES_PER_PAGE).get_page(page)
        shown = slice(pages.start_index() - 1, pages.end_index()) if pages.object_list else slice(0)
        city_ids, opportunity_rows = city_ids[shown], opportunity_rows[shown]
        named = {*city_ids, *(row[0] for row in opportunity_rows), *series} - {None, other}
        by_id = City.objects.only(*queries.CITY_FIELDS).with_namesakes().in_bulk(named)
        cities = [by_id[pk] for pk in city_ids if pk in by_id]
    else:
        by_id = {city.pk: city for city in cities}
    measures = figures.MEASURES
    return {
        "criteria": criteria,
        "cities_page": pages,
        "rows": [(row.city, [row.counts[m] for m in measures]) for row in summary.rows_of(cities)],
        "total": [summary.total[m] for m in measures],
        "timeline_rows": [
            [year, *(timeline.totals[year][m] for m in measures)] for year in timeline.years
        ],
        "delegations_chart": charts.grouped_bars(
            _("Delegations per year and partner city"),
            _("Delegations (not cancelled) per year, one bar per partner city."),
            timeline.years,
            {
                (by_id[key].distinct_name if key in by_id else key): bars
                for key, bars in series.items()
            },
        ),
        "memoranda_chart": charts.line(
            _("Memoranda in force"),
            _("Number of memoranda in force at the end of each year."),
            {year: timeline.totals[year]["memoranda_in_force"] for year in timeline.years},
        ),
        "sheets": tables.SHEET_NAMES,
        "header_groups": figures.header_groups(),
        "shared": figures.SHARED,
        "list_separator": list_separator(),
        "opportunities": {
            **_opportunity_context(
                report, report.named(opportunity_rows, by_id.values()), criteria
            ),
            "unplaced_link": links.get("opportunities"),
        },
        "unplaced_intro": (
            _("Of the period, but in no partner city of %(city)s (in no row, not in the total):")
            % {"city": criteria.home_city}
            if criteria.home_city
            else _("Of the period, but of no partner city (in no row, not in the total):")
        ),
        # ("Meetings: 3", its list or None) for each kind of record of no partner city
        "unplaced": [
            (
                _("%(kind)s: %(count)s")
                % {"kind": tables.SHEET_NAMES[kind.replace("_", "-")], "count": charts.number(n)},
                links.get(kind),
            )
            for kind, n in summary.counted.unplaced_records.items()
            if n
        ],
    }


# The back-office list of each kind's records in no partner city: its model, and the
# period as its list filters it (the memoranda the report counts are the signed ones).
UNPLACED_LISTS = {
    "delegations": ("delegation", "start_date"),
    "meetings": ("meeting", "counted_on"),
    "handovers": ("profilehandover", "counted_on"),
    "memoranda": ("memorandum", "counted_on"),
    "follow_ups": ("followup", "counted_on"),
    "opportunities": ("opportunity", ""),
}
SIGNED = [s for s in Memorandum.Status if s not in queries.UNSIGNED]


def _unplaced_links(user, criteria: queries.Criteria) -> dict[str, str]:
    """Where a list's filters select what the note counts: no home city, direction or
    organisation chosen (a list has no filter of theirs), and lists the user may open. The
    opportunities' list holds all of theirs: the report counts them by their stage log."""
    if criteria.home_city or criteria.direction or criteria.organisation:
        return {}
    links = {}
    for kind, (model, day) in UNPLACED_LISTS.items():
        if not user.has_perm(f"partners.view_{model}"):
            continue
        query = {"report_place": "none"}
        if day:
            query |= {f"{day}__gte": criteria.start, f"{day}__lte": criteria.end}
        if kind == "memoranda":
            query["status__in"] = ",".join(SIGNED)
        links[kind] = f"{reverse(f'admin:partners_{model}_changelist')}?{urlencode(query)}"
    return links


def _opportunity_context(
    report: opportunities.OpportunityReport, rows: list, criteria: queries.Criteria
) -> dict:
    return {
        "headers": opportunities.headers(),
        "rows": [(city, opportunities.values(row)) for city, row in rows],
        "any": bool(report.rows),  # on any page: the rows are the page's cities only
        "total": opportunities.values(report.total),
        "definitions": opportunities.DEFINITIONS,
        "unplaced": _unplaced_opportunities(report.unplaced, criteria),
        "funnel": charts.funnel(
            _("Opportunities: from idea to won"),
            _("Of the opportunities started in the period, how many reached each stage."),
            [
                (opportunities.Stage(stage).label, report.total.funnel[stage])
                for stage in opportunities.FUNNEL_STAGES
            ],
        ),
    }


def _unplaced_opportunities(figures: opportunities.Figures, c: queries.Criteria) -> str:
    """The note under the opportunities' total on those of no partner city, or ""."""
    if not opportunities.has_any(figures):
        return ""
    return _(
        "%(unplaced)s: open %(open)s, expected jobs %(jobs)s, expected investment EUR "
        "%(eur)s, won %(won)s, lost %(lost)s."
    ) % {
        "unplaced": tables.unplaced_label(c),
        "open": charts.number(figures.open),
        "jobs": charts.number(figures.expected_jobs),
        "eur": charts.number(figures.expected_investment_eur),
        "won": charts.number(figures.won),
        "lost": charts.number(figures.lost),
    }
