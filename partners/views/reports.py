"""/reports/: activity per partner city for managers, as a page, XLSX or CSV."""

import tempfile

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import charts, freshness, report_tables, reports, reports_opportunities, tasks
from ..filters import ReportFilter, rendered_once
from ..models import City
from ..spreadsheets import iter_csv, write_xlsx

FORMATS = ("html", "xlsx", "csv")


@login_required
def report(request):
    if not request.user.has_perm("partners.view_reports"):
        raise PermissionDenied
    filterset = ReportFilter(
        request.GET or None, queryset=City.objects.partners_of_home_cities().order_by("name")
    )
    output = request.GET.get("format", "html")
    sheet = request.GET.get("sheet", "")
    problems = _parameter_problems(output, sheet)
    if problems or (filterset.is_bound and not filterset.is_valid()):
        return _page(request, filterset, problems=problems, status=400)
    criteria = (
        reports.Criteria(**filterset.criteria_kwargs())
        if filterset.is_bound
        else (reports.Criteria.for_year(timezone.localdate().year))
    )
    if output == "xlsx" and tasks.exports_in_background(criteria):
        job_id = tasks.start_export(query=request.GET.urlencode(), user=request.user)
        return redirect("jobs:detail", job_id=job_id)
    if output == "xlsx":
        return _xlsx_response(criteria)
    if output == "csv":
        return _csv_response(criteria, sheet)
    return _page(request, filterset, criteria=criteria)


def _parameter_problems(output: str, sheet: str) -> list[str]:
    problems = []
    if output not in FORMATS:
        problems.append(
            _("Unknown format “%(format)s”: choose html, xlsx or csv.") % {"format": output}
        )
    if output == "csv" and sheet.lower() not in {s.lower() for s in report_tables.SHEETS}:
        problems.append(
            _("Unknown sheet “%(sheet)s” for CSV: choose one of %(sheets)s.")
            % {"sheet": sheet, "sheets": ", ".join(report_tables.SHEETS)}
        )
    return problems


def _filename(criteria: reports.Criteria, extension: str) -> str:
    return f"report-{criteria.start:%Y%m%d}-{criteria.end:%Y%m%d}.{extension}"


def _xlsx_response(criteria: reports.Criteria):
    # Written to a temporary file (constant memory), streamed from there; the file is
    # deleted when the response closes it.
    target = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_xlsx(target.name, report_tables.tables(criteria))
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=_filename(criteria, "xlsx"))


def _csv_response(criteria: reports.Criteria, sheet: str):
    table = report_tables.table(criteria, sheet)
    response = StreamingHttpResponse(iter_csv(table), content_type="text/csv; charset=utf-8")
    name = _filename(criteria, "csv").replace("report-", f"{sheet.lower()}-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(request, filterset, *, criteria=None, problems=(), status=200):
    context = {
        **admin.site.each_context(request),
        "title": _("Reports"),
        # The admin's model list would tell a manager without model rights "nothing here".
        "is_nav_sidebar_enabled": False,
        "filter": filterset,
        "problems": problems,
        "filter_fields": _filter_fields(filterset),
    }
    if criteria:
        query = request.GET.urlencode()
        # Seconds at a million records (and a table of every partner city), so counted
        # and rendered once per generation of the data, per language.
        context["criteria"] = criteria
        context["results"] = freshness.cached(
            "report-results",
            (*criteria.key(), translation.get_language(), query),
            lambda: _results(criteria, query),
        )
    return render(request, "partners/reports/report.html", context, status=status)


def _filter_fields(filterset) -> str:
    return rendered_once(
        filterset,
        lambda: render_to_string(
            "partners/reports/report.html#filter-fields", {"filter": filterset}
        ),
    )


def _results(criteria: reports.Criteria, download_query: str) -> str:
    context = {**_report_context(criteria), "download_query": download_query}
    return render_to_string("partners/reports/report.html#results", context)


def _report_context(criteria: reports.Criteria) -> dict:
    summary = reports.summary(criteria)
    timeline = reports.timeline(criteria)
    measures = reports.MEASURES
    return {
        "criteria": criteria,
        "summary_rows": summary.rows,
        "rows": [(row.city, [row.counts[m] for m in measures]) for row in summary.rows],
        "total": [summary.total[m] for m in measures],
        "timeline": timeline,
        "timeline_rows": [
            [year, *timeline.totals[year].values(), timeline.in_force_at_year_end[year]]
            for year in timeline.years
        ],
        "delegations_chart": charts.grouped_bars(
            _("Delegations per year and partner city"),
            _("Delegations (not cancelled) per year, one bar per partner city."),
            timeline.years,
            charts.top_series(timeline.delegations_per_city, _("Other partner cities")),
        ),
        "memoranda_chart": charts.line(
            _("Memoranda in force"),
            _("Number of memoranda in force at the end of each year."),
            timeline.in_force_at_year_end,
        ),
        "sheets": report_tables.SHEETS,
        "headers": report_tables.SUMMARY_HEADERS,
        "opportunities": _opportunity_context(criteria),
    }


def _opportunity_context(criteria: reports.Criteria) -> dict:
    figures = reports_opportunities
    report = figures.opportunity_report(
        criteria.start, criteria.end, cities=criteria.partner_cities, today=criteria.today
    )
    Stage = figures.Stage
    return {
        "headers": figures.headers(),
        "rows": [(city, figures.values(row)) for city, row in report.rows],
        "total": figures.values(report.total),
        "definitions": figures.DEFINITIONS,
        "funnel": charts.funnel(
            _("Opportunities: from idea to won"),
            _("Of the opportunities started in the period, how many reached each stage."),
            [(Stage(stage).label, report.total.funnel[stage]) for stage in figures.FUNNEL_STAGES],
        ),
    }
