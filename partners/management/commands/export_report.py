from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.reports import queries, tables
from partners.reports.filters import ReportFilter
from partners.spreadsheets import write_xlsx


class Command(BaseCommand):
    help = "Write the report (summary and listings) as an XLSX workbook to PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the .xlsx file.")
        parser.add_argument("--year", help="Calendar year (default: the current year).")
        parser.add_argument("--city", help="Slug of one partner city (default: all).")

    def handle(self, *args, path, year, city, **options):
        # The file is always a workbook: written to "report.csv", Excel would show the
        # zip's bytes as text (or refuse it) and a script would read garbage.
        if not path.lower().endswith(".xlsx"):
            raise CommandError(
                _("%(path)s must end in .xlsx: the report is written as an XLSX workbook.")
                % {"path": path}
            )
        filterset = ReportFilter(
            {"year": year or timezone.localdate().year, "partner_city": city or ""}
        )
        if not filterset.is_valid():
            raise CommandError(_describe(filterset.errors, city))
        criteria = filterset.criteria()
        try:
            write_xlsx(path, tables.tables(criteria))
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
        self.stdout.write(
            _("Report %(start)s – %(end)s written to %(path)s")
            % {"start": criteria.start, "end": criteria.end, "path": path}
        )


def _describe(errors, city) -> str:
    """One message per option, in the active language (the form's own messages are too)."""
    problems = [
        f"--{field}: {' '.join(messages)}"
        for field, messages in errors.items()
        if field != "partner_city"
    ]
    if "partner_city" in errors:
        slugs = queries.partner_cities().order_by("slug").values_list("slug", flat=True)
        problems.append(
            _("--city '%(city)s' is not a partner city; partner cities: %(slugs)s")
            % {"city": city, "slugs": ", ".join(slugs) or _("none yet")}
        )
    return "; ".join(problems)
