"""The report (/reports/) on paper: the page's tables and charts with its print styles."""

from .render import render_pdf


def report_pdf(report: dict, *, language: str) -> bytes:
    """``report`` is the report page's context (its figures, charts and filter summary)."""
    return render_pdf(
        "partners/reports/report_pdf.html",
        report,
        language=language,
        stylesheets=("partners/reports.css",),
    )
