"""Benchmark of the company-profile import against two baselines measured in the same run.

    python bench/bench_import.py            # SQLite and PostgreSQL, 10,000 and 100,000 rows
    python bench/bench_import.py --quick    # 2,000 rows, SQLite only

For each database and size: our import of new rows and of the same rows updated (with
history and ImportRun written), then
  (a) django-import-export's default ModelResources, row by row: organisations, then profiles
      with a foreign key and an M2M column, read with its XLSX format; measured once per
      database on the first SAMPLE rows of the 10,000-row sheet (its rate per row does not
      depend on the file size, and the full run would take most of an hour);
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
SAMPLE = 2000
WORK = Path(tempfile.gettempdir()) / "crm-bench-import"
TARGETS = ["Nanjing", "Jining", "Leipzig"] + [f"Stadt {n}" for n in range(20)]
HEADERS = [
    "Firma",
    "Handelsregisternummer",
    "Ort",
    "Branche",
    "Mitarbeiter",
    "Gründungsjahr",
    "Interessen",
    "Zielstädte",
    "Ansprechpartner",
    "E-Mail Ansprechpartner",
    "Freigabe",
    "Status",
    "Kurzprofil",
]
INTERESTS = ["cooperation", "Vertrieb", "investment", "Forschung"]


def generate(path: Path, rows: int, employees_offset: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for n in range(rows):
        sheet.write_row(
            n + 1,
            0,
            [
                f"Firma {n} GmbH",
                f"HRB {n}",
                "Leipzig",
                "C",
                n % 500 + employees_offset,
                1950 + n % 70,
                "; ".join(INTERESTS[: 1 + n % 3]),
                TARGETS[n % len(TARGETS)],
                f"Person {n}",
                f"p{n}@example.org",
                "ja" if n % 2 else "nein",
                "bereit",
                "Hersteller von Teilen",
            ],
        )
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

    tables = [
        t
        for t in connection.introspection.table_names()
        if t.startswith("partners_")
        and any(k in t for k in ("organisation", "companyprofile", "person", "importrun"))
    ]
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
        City.objects.get_or_create(
            name=name,
            defaults={"country": "DE" if name != "Nanjing" and name != "Jining" else "CN"},
        )


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
        [
            CompanyProfile(organisation=o, employees=int(r[4]), slug=f"p-{i}")
            for i, (o, r) in enumerate(zip(organisations, rows, strict=True))
        ],
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
        organisation = fields.Field(
            "organisation",
            "Handelsregisternummer",
            widgets.ForeignKeyWidget(Organisation, "register_number"),
        )
        sector = fields.Field("sector", "Branche", widgets.ForeignKeyWidget(Sector, "code"))
        employees = fields.Field("employees", "Mitarbeiter")
        founded_year = fields.Field("founded_year", "Gründungsjahr")
        interests = fields.Field(
            "interests",
            "Interessen",
            widgets.ManyToManyWidget(Interest, separator=";", field="code"),
        )

        class Meta:
            model = CompanyProfile
            fields = ["organisation", "sector", "employees", "founded_year", "interests"]
            import_id_fields = ["organisation"]

    started = time.perf_counter()
    full = XLSX().create_dataset(Path(path).read_bytes())
    # Charge the sample its share of reading the sheet, not the whole sheet.
    reading = (time.perf_counter() - started) * SAMPLE / len(full)
    dataset = tablib.Dataset(*full[:SAMPLE], headers=full.headers)
    del full
    # Interest codes only: the default widget does not know German names.
    codes = {"Vertrieb": "distribution", "Forschung": "research"}
    column = dataset.headers.index("Interessen")
    dataset = tablib.Dataset(
        *[
            tuple(
                ";".join(codes.get(x.strip(), x.strip()) for x in v.split(";"))
                if i == column
                else v
                for i, v in enumerate(row)
            )
            for row in dataset
        ],
        headers=dataset.headers,
    )
    started = time.perf_counter()
    for resource in (OrganisationResource(), ProfileResource()):
        result = resource.import_data(dataset, dry_run=False, raise_errors=True)
        assert not result.has_validation_errors()
    return {"seconds": reading + time.perf_counter() - started, "rows": len(dataset)}


def child(argv):
    setup_django()
    mode, *args = argv
    outcome = {
        "setup": child_setup,
        "ours": child_ours,
        "floor": child_floor,
        "default": child_default_resource,
    }[mode](*args)
    print(json.dumps({**(outcome or {}), "peak_mb": peak_mb()}))


# --- parent side ----------------------------------------------------------------------------


def measure(database_url: str, *args) -> dict:
    # DEBUG off as in production: with it on, Django keeps every query's SQL in memory.
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_postgres():
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE crm_import_bench"],
        capture_output=True,
        check=False,
    )


def show(name: str, r: dict) -> float:
    rate = r["rows"] / r["seconds"]
    print(f"{name:<46}{r['rows']:>8}{r['seconds']:>8.1f}{rate:>10.0f}{r['peak_mb']:>9.0f}")
    return rate


def sheets(rows: int) -> tuple[Path, Path]:
    new, changed = WORK / f"new-{rows}.xlsx", WORK / f"update-{rows}.xlsx"
    if not new.exists():
        generate(new, rows, 1)
        generate(changed, rows, 2)
    return new, changed


def bench(label: str, url: str, sizes: list[int]) -> None:
    measure(url, "setup")
    print(f"\n== {label}", flush=True)
    print(f"{'run':<46}{'rows':>8}{'s':>8}{'rows/s':>10}{'peak MB':>9}")
    sample = show(
        f"(a) default ModelResource, {SAMPLE}-row sample",
        measure(url, "default", str(sheets(sizes[0])[0])),
    )
    for rows in sizes:
        new, changed = sheets(rows)
        measure(url, "setup")
        ours = min(
            show("ours, new rows", measure(url, "ours", str(new))),
            show("ours, update run (every row changed)", measure(url, "ours", str(changed))),
        )
        show("ours, same file again (unchanged)", measure(url, "ours", str(changed)))
        floor = show(
            "(b) floor: openpyxl read-only + bulk_create",
            measure(url, "floor", str(new), "openpyxl"),
        )
        show("(b') floor with python-calamine", measure(url, "floor", str(new), "calamine"))
        print(
            f"-> {rows} rows: slower of our runs = {ours / sample:.1f}x (a), "
            f"{ours / floor:.0%} of (b)",
            flush=True,
        )


def main():
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2:])
    WORK.mkdir(exist_ok=True)
    quick = "--quick" in sys.argv
    sizes = [2000] if quick else [10_000, 100_000]
    # `--only postgresql` or `--only sqlite` runs one of the two.
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    if only != "postgresql":
        bench("SQLite", f"sqlite:///{WORK / 'bench.sqlite3'}", sizes)
    if not quick and only != "sqlite":
        prepare_postgres()
        bench("PostgreSQL", PG_URL, sizes)


if __name__ == "__main__":
    main()
