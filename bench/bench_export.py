"""Export 100,000 meetings: the report's XLSX writer against bare openpyxl write-only.

Also the admin export of all meetings (django-import-export's form, streamed), as XLSX
and CSV, through the Django test client as an Administrator, the streamed body consumed.

Run: python bench/bench_export.py [ROWS]. Uses a throw-away SQLite database unless
DATABASE_URL is set. Prints rows/s and peak Python memory (tracemalloc) of each, measured
in the same run; the target is at least the baseline's rows/s at under 2x its memory.

``python bench/bench_export.py profiles`` measures instead, on the company profiles already
in DATABASE_URL's database (e.g. one filled by ``generate_demo_data --scale 10``), the admin
export of all of them (XLSX, CSV) against a bare openpyxl write-only workbook of the same
columns read with the same joins, and counts the statements each export runs.
"""

import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
workdir = tempfile.mkdtemp(prefix="bench-export-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from partners import models as m  # noqa: E402
from partners.reports import queries, tables  # noqa: E402
from partners.roles import ADMINISTRATORS  # noqa: E402
from partners.spreadsheets import write_xlsx  # noqa: E402

PROFILES = sys.argv[1:2] == ["profiles"]
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 and not PROFILES else 100_000


def build_world():
    call_command("migrate", verbosity=0)
    m.Meeting.objects.all().delete()
    home, _ = m.City.objects.get_or_create(name="Leipzig", country="DE", defaults={"is_home": True})
    partner, _ = m.City.objects.get_or_create(name="Nanjing", country="CN")
    m.Partnership.objects.get_or_create(home_city=home, partner_city=partner, kind="twinning")
    day = datetime.date(2019, 1, 1)
    m.Meeting.objects.bulk_create(
        (
            m.Meeting(
                date=day + datetime.timedelta(days=i % 365),
                city=partner,
                kind=m.Meeting.Kind.MEETING,
                title=f"Gespräch Nr. {i} über Kooperation – 南京",
            )
            for i in range(ROWS)
        ),
        batch_size=5000,
    )


def ours(path):
    criteria = queries.Criteria.for_year(2019)
    write_xlsx(path, [tables.meetings_table(tables.Report.of(criteria))])


def baseline(path):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Meetings")
    sheet.append(["Date", "City", "Kind", "Title", "Delegation", "Visibility"])
    fields = ["date", "city__name", "kind", "title", "delegation__title", "visibility"]
    for row in m.Meeting.objects.values_list(*fields).iterator(chunk_size=2000):
        sheet.append(row)
    workbook.save(path)


def administrator_client():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    client = Client()
    client.force_login(user)
    return client


def admin_export(file_format):
    """The admin export's download of every meeting, written to ``path``."""
    client = administrator_client()

    def export(path):
        response = client.post("/admin/partners/meeting/export/", {"format": file_format})
        assert response.status_code == 200 and response.streaming, response.status_code
        with open(path, "wb") as target:
            for chunk in response.streaming_content:
                target.write(chunk)
        response.close()

    return export


def measure(function):
    path = Path(workdir) / f"{function.__name__}.xlsx"
    started = time.perf_counter()
    function(path)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    function(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return ROWS / seconds, peak, path.stat().st_size


def profile_baseline(path):
    """The profile sheet's columns, as plain values, with the joins and prefetches."""
    from partners.admin.resources import CompanyProfileSheetResource, cell_value
    from partners.imports.sheet import COLUMNS

    resource = CompanyProfileSheetResource()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Profiles")
    sheet.append([column.de for column in COLUMNS])
    # The joins and prefetches the admin export applies (filter_export), else N+1 queries.
    profiles = resource.filter_export(resource.get_queryset()).order_by("pk")
    for profile in profiles.iterator(chunk_size=2000):
        sheet.append([cell_value(profile, column) for column in COLUMNS])
    workbook.save(path)


def profile_export(file_format):
    client = administrator_client()

    def export(path):
        response = client.post(
            "/admin/partners/companyprofile/export/", {"format": file_format, "resource": "0"}
        )
        assert response.status_code == 200 and response.streaming, response.status_code
        with open(path, "wb") as target:
            for chunk in response.streaming_content:
                target.write(chunk)
        response.close()

    export.__name__ = f"profiles_{file_format}"
    return export


def statements(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function(Path(workdir) / "count.out")
    return len(queries)


def main_profiles():
    global ROWS
    ROWS = m.CompanyProfile.objects.count()
    functions = [
        ("openpyxl", profile_baseline),
        ("admin xlsx", profile_export("0")),
        ("admin csv", profile_export("1")),
    ]
    results = {name: measure(function) for name, function in functions}
    base_rate, base_peak, _ = results["openpyxl"]
    header = f"{'':10} {'rows/s':>10} {'peak MiB':>9} {'file KiB':>9} {'queries':>8}"
    print(f"{header}  ({ROWS:,} profiles)")
    for (name, (rate, peak, size)), (_, function) in zip(results.items(), functions, strict=True):
        print(
            f"{name:10} {rate:10,.0f} {peak / 2**20:9.1f} {size / 1024:9,.0f} "
            f"{statements(function):8}  {rate / base_rate:.2f}x the floor"
        )


def main():
    if PROFILES:
        return main_profiles()
    build_world()
    functions = [
        ("baseline", baseline),
        ("ours", ours),
        ("admin xlsx", admin_export("0")),
        ("admin csv", admin_export("1")),
    ]
    results = {name: measure(function) for name, function in functions}
    base_rate, base_peak, _ = results["baseline"]
    print(f"{'':10} {'rows/s':>10} {'peak MiB':>9} {'file KiB':>9}   ({ROWS:,} meetings)")
    for name, (rate, peak, size) in results.items():
        print(f"{name:10} {rate:10,.0f} {peak / 2**20:9.1f} {size / 1024:9,.0f}")
    for name in ("ours", "admin xlsx", "admin csv"):
        rate, peak, _ = results[name]
        print(
            f"{name}: {rate / base_rate:.2f}x the baseline's rows/s,",
            f"{peak / base_peak:.2f}x its peak memory",
        )
    rate, peak, _ = results["ours"]
    print(
        "report target: >= 1.00x rows/s, < 2.00x memory:",
        "met" if rate >= base_rate and peak < 2 * base_peak else "MISSED",
    )


if __name__ == "__main__":
    main()
