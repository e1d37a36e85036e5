"""Benchmark of the company-profile import against two baselines measured in the same run.

    python bench/bench_import.py            # SQLite and PostgreSQL, 10,000 and 100,000 rows
    python bench/bench_import.py --quick    # 2,000 rows, SQLite only

For each database and size: our import of new rows and of the same rows updated (with
history and ImportRun written), then
  (a) django-import-export's default ModelResources, row by row: organisations, then profiles
      with a foreign key and an M2M column, read with its XLSX format; measured on a sample
      (SAMPLE rows) because it is slow, and reported as rows/s;
  (b) the floor: openpyxl read-only + bulk_create of organisations and profiles, nothing else
      (b') the same floor with python-calamine as the reader.
Each measurement runs in its own process so that its peak memory (max RSS) is its own.
PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_import_bench (created here).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/crm_import_bench")
SAMPLE = 5000
WORK = Path(tempfile.gettempdir()) / "crm-bench-import"
TARGETS = ["Nanjing", "Jining", "Leipzig"] + [f"Stadt {n}" for n in range(20)]
HEADERS = ["Firma", "Handelsregisternummer", "Ort", "Branche", "Mitarbeiter", "Gründungsjahr",
           "Interessen", "Zielstädte", "Ansprechpartner", "E-Mail Ansprechpartner", "Freigabe",
           "Status", "Kurzprofil"]  # fmt: skip
INTERESTS = ["cooperation", "Vertrieb", "investment", "Forschung"]


def generate(path: Path, rows: int, employees_offset: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for n in range(rows):
        sheet.write_row(n + 1, 0, [
            f"Firma {n} GmbH", f"HRB {n}", "Leipzig", "C", n % 500 + employees_offset,
            1950 + n % 70, "; ".join(INTERESTS[: 1 + n % 3]), TARGETS[n % len(TARGETS)],
            f"Person {n}", f"p{n}@example.org", "ja" if n % 2 else "nein", "bereit",
            "Hersteller von Teilen",
        ])  # fmt: skip
    workbook.close()


# --- child side: one measurement in a fresh process ----------------------------------------


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_data():
    from django.db import connection

    tables = [t for t in connection.introspection.table_names() if t.startswith("partners_")
              and any(k in t for k in ("organisation", "companyprofile", "person", "importrun"))]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")  # Autocommit: the pragma applies.
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("PRAGMA foreign_keys = ON")


def child_setup():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from partners.models import City

    reset_data()
    for name in TARGETS:
        City.objects.get_or_create(name=name, defaults={"country": "DE" if name != "Nanjing"
                                                        and name != "Jining" else "CN"})  # fmt: skip


def child_ours(path: str):
    from partners.imports import import_profiles

    started = time.perf_counter()
    result = import_profiles(source=Path(path), filename=Path(path).name, user=None)
    elapsed = time.perf_counter() - started
    assert not result.errors, result.errors[:3]
    return {"seconds": elapsed, "rows": result.total_rows, "summary": result.summary()}


def child_floor(path: str, reader: str):
    from partners.models import CompanyProfile, Organisation

    reset_data()
    started = time.perf_counter()
    rows = []
    if reader == "openpyxl":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    else:
        import python_calamine

        rows = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        rows = rows[1:]
    organisations = [
        Organisation(name=r[0], register_number=r[1], kind="company", slug=f"o-{i}")
        for i, r in enumerate(rows)
    ]
    Organisation.objects.bulk_create(organisations, batch_size=1000)
    CompanyProfile.objects.bulk_create(
        [CompanyProfile(organisation=o, employees=int(r[4]), slug=f"p-{i}")
         for i, (o, r) in enumerate(zip(organisations, rows, strict=True))],  # fmt: skip
        batch_size=1000,
    )
    return {"seconds": time.perf_counter() - started, "rows": len(rows)}


def child_default_resource(path: str):
    """django-import-export's default row-by-row ModelResource import, reading included."""
    import tablib
    from import_export import fields, resources, widgets
    from import_export.formats.base_formats import XLSX

    from partners.models import City, CompanyProfile, Interest, Organisation, Sector

    reset_data()

    class OrganisationResource(resources.ModelResource):
        name = fields.Field("name", "Firma")
        register_number = fields.Field("register_number", "Handelsregisternummer")
        city = fields.Field("city", "Ort", widgets.ForeignKeyWidget(City, "name"))

        class Meta:
            model = Organisation
            fields = ["name", "register_number", "city", "kind"]
            import_id_fields = ["register_number"]

        def before_save_instance(self, instance, row, **kwargs):
            instance.kind = "company"

    class ProfileResource(resources.ModelResource):
        organisation = fields.Field("organisation", "Handelsregisternummer",
                                    widgets.ForeignKeyWidget(Organisation, "register_number"))  # fmt: skip
        sector = fields.Field("sector", "Branche", widgets.ForeignKeyWidget(Sector, "code"))
        employees = fields.Field("employees", "Mitarbeiter")
        founded_year = fields.Field("founded_year", "Gründungsjahr")
        interests = fields.Field("interests", "Interessen",
                                 widgets.ManyToManyWidget(Interest, separator=";", field="code"))  # fmt: skip

        class Meta:
            model = CompanyProfile
            fields = ["organisation", "sector", "employees", "founded_year", "interests"]
            import_id_fields = ["organisation"]

    started = time.perf_counter()
    full = XLSX().create_dataset(Path(path).read_bytes())
    dataset = tablib.Dataset(*full[:SAMPLE], headers=full.headers)
    # Interest codes only: the default widget does not know German names.
    codes = {"Vertrieb": "distribution", "Forschung": "research"}
    column = dataset.headers.index("Interessen")
    dataset = tablib.Dataset(
        *[tuple(";".join(codes.get(x.strip(), x.strip()) for x in v.split(";"))
                if i == column else v for i, v in enumerate(row)) for row in dataset],  # fmt: skip
        headers=dataset.headers,
    )
    for resource in (OrganisationResource(), ProfileResource()):
        result = resource.import_data(dataset, dry_run=False, raise_errors=True)
        assert not result.has_validation_errors()
    return {"seconds": time.perf_counter() - started, "rows": len(dataset)}


def child(argv):
    setup_django()
    mode, *args = argv
    outcome = {"setup": child_setup, "ours": child_ours, "floor": child_floor,
               "default": child_default_resource}[mode](*args)  # fmt: skip
    print(json.dumps({**(outcome or {}), "peak_mb": peak_mb()}))


# --- parent side ----------------------------------------------------------------------------


def measure(database_url: str, *args) -> dict:
    # DEBUG off as in production: with it on, Django keeps every query's SQL in memory.
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0",
           "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40}  # fmt: skip
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"{args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_postgres():
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                    "CREATE DATABASE crm_import_bench"], capture_output=True, check=False)  # fmt: skip


def bench(label: str, url: str, sizes: list[int]) -> None:
    measure(url, "setup")
    print(f"\n== {label}")
    print(f"{'run':<44}{'rows':>8}{'s':>8}{'rows/s':>10}{'peak MB':>9}")
    for rows in sizes:
        new, changed = WORK / f"new-{rows}.xlsx", WORK / f"update-{rows}.xlsx"
        if not new.exists():
            generate(new, rows, 1)
            generate(changed, rows, 2)
        measure(url, "setup")
        results = {
            "ours, new rows": measure(url, "ours", str(new)),
            "ours, update run (every row changed)": measure(url, "ours", str(changed)),
            "ours, same file again (unchanged)": measure(url, "ours", str(changed)),
            "(b) floor: openpyxl read-only + bulk_create": measure(url, "floor", str(new), "openpyxl"),
            "(b') floor with python-calamine": measure(url, "floor", str(new), "calamine"),
            f"(a) default ModelResource, {min(rows, SAMPLE)}-row sample": measure(url, "default", str(new)),
        }  # fmt: skip
        for name, r in results.items():
            rate = r["rows"] / r["seconds"]
            r["rate"] = rate
            print(f"{name:<44}{r['rows']:>8}{r['seconds']:>8.1f}{rate:>10.0f}{r['peak_mb']:>9.0f}")
        ours = min(results["ours, new rows"]["rate"], results["ours, update run (every row changed)"]["rate"])
        default = next(r["rate"] for k, r in results.items() if k.startswith("(a)"))
        floor = results["(b) floor: openpyxl read-only + bulk_create"]["rate"]
        print(f"{rows} rows: slower of our runs = {ours / default:.1f}x (a), "
              f"{ours / floor:.0%} of (b)")  # fmt: skip


def main():
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2:])
    WORK.mkdir(exist_ok=True)
    quick = "--quick" in sys.argv
    sizes = [2000] if quick else [10_000, 100_000]
    bench("SQLite", f"sqlite:///{WORK / 'bench.sqlite3'}", sizes)
    if not quick:
        prepare_postgres()
        bench("PostgreSQL", PG_URL, sizes)


if __name__ == "__main__":
    main()
