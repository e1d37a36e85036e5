"""Benchmark of the company-profile import against two baselines measured in the same run.

    python bench/bench_import.py            # SQLite and PostgreSQL, 10,000 and 100,000 rows
    python bench/bench_import.py --quick    # 2,000 rows, SQLite only
    python bench/bench_import.py --database-url postgres://… --rows 100000 --runs 3

For each database and size, each run: our import of new rows, then of the same rows
updated (every row changed; history and ImportRun written), then
  (a) django-import-export's default ModelResources, row by row: organisations, then profiles
      with a foreign key and an M2M column, read with its XLSX format; measured once per
      database on the first SAMPLE rows of the smallest sheet (its rate per row does not
      depend on the file size, and the full run would take most of an hour);
  (b) the fair floor: the sheet read by python-calamine, the same lookups (cities, sectors,
      interests by name, existing companies by register number, 250 per query) and Django's
      bulk writes with django-simple-history's history rows into the tables the import
      writes (organisations, contacts, profiles, interests, target cities), new and update
      runs, in one transaction each.
Each figure is the median of --runs runs (default 3), each in its own process so that its
peak memory (max RSS) is its own. The import's tables of each database given are emptied
first: give it a database of its own. Default databases: a SQLite file under the system's
temporary folder and postgres://postgres@127.0.0.1:5432/crm_import_bench (created here;
BENCH_PG_URL overrides it).
"""

import argparse
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


def generate(
    path: Path, rows: int, employees_offset: int, *, label: str = "", targets=TARGETS
) -> None:
    """A sheet of ``rows`` companies in Leipzig; another ``employees_offset`` changes every
    row's head count. ``label`` keeps names and register numbers apart from others'."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for n in range(rows):
        sheet.write_row(
            n + 1,
            0,
            [
                f"Firma {label}{n} GmbH",
                f"HRB {label}{n}",
                "Leipzig",
                "C",
                n % 500 + employees_offset,
                1950 + n % 70,
                "; ".join(INTERESTS[: 1 + n % 3]),
                targets[n % len(targets)],
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
    result = import_profiles(source=Path(path).read_bytes(), filename=Path(path).name, user=None)
    elapsed = time.perf_counter() - started
    assert not result.errors, result.errors[:3]
    return {"seconds": elapsed, "rows": result.total_rows, "summary": result.summary()}


def child_floor(path: str, run: str):
    from django.db import transaction
    from python_calamine import CalamineWorkbook
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from partners.models import City, CompanyProfile, Interest, Organisation, Sector

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()[1:]
    cities = {name: pk for pk, name in City.objects.values_list("pk", "name_de")}
    sectors = dict(Sector.objects.values_list("code", "pk"))
    interests = {}
    for pk, *labels in Interest.objects.values_list("pk", "code", "name_de", "name_en"):
        interests.update((label, pk) for label in labels if label)
    registers = [row[1] for row in rows]
    existing = {}
    for start in range(0, len(registers), 250):
        chunk = Organisation.objects.filter(register_number__in=registers[start : start + 250])
        existing.update(chunk.values_list("register_number", "pk"))
    with transaction.atomic():
        if run == "new":
            _floor_create(rows, cities, sectors, interests, bulk_create_with_history)
        else:
            profiles = {}
            organisations = list(existing.values())
            for start in range(0, len(organisations), 1000):
                chunk = organisations[start : start + 1000]
                for profile in CompanyProfile.objects.filter(organisation_id__in=chunk):
                    profiles[profile.organisation_id] = profile
            for row in rows:
                profiles[existing[row[1]]].employees = int(row[4])
            bulk_update_with_history(
                list(profiles.values()), CompanyProfile, ["employees"], batch_size=1000
            )
    return {"seconds": time.perf_counter() - started, "rows": len(rows)}


def _floor_create(rows, cities, sectors, interests, bulk_create_with_history):
    from partners.models import CompanyProfile, Organisation, Person

    organisations = [
        Organisation(
            name=row[0],
            name_key=row[0].lower(),
            register_number=row[1],
            city_id=cities[row[2]],
            kind="company",
            slug=f"o-{n}",
        )
        for n, row in enumerate(rows)
    ]
    bulk_create_with_history(organisations, Organisation, batch_size=1000)
    contacts = [
        Person(full_name=row[8], email=row[9], organisation=organisation)
        for organisation, row in zip(organisations, rows, strict=True)
    ]
    bulk_create_with_history(contacts, Person, batch_size=1000)
    profiles = [
        CompanyProfile(
            organisation=organisation,
            contact=contact,
            sector_id=sectors[row[3]],
            employees=int(row[4]),
            founded_year=int(row[5]),
            consent_to_share=row[10] == "ja",
            status="ready",
            summary=row[12],
            slug=f"p-{n}",
        )
        for n, (organisation, contact, row) in enumerate(
            zip(organisations, contacts, rows, strict=True)
        )
    ]
    bulk_create_with_history(profiles, CompanyProfile, batch_size=1000)
    for key, column, index, target in (
        ("interests", 6, interests, "interest_id"),
        ("target_cities", 7, cities, "city_id"),
    ):
        through = getattr(CompanyProfile, key).through
        through.objects.bulk_create(
            [
                through(companyprofile_id=profile.pk, **{target: index[name.strip()]})
                for profile, row in zip(profiles, rows, strict=True)
                for name in row[column].split(";")
            ],
            batch_size=1000,
        )


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


def median_of(runs: list[dict]) -> dict:
    """The run of median duration (its rows and peak memory with it)."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def show(name: str, r: dict) -> float:
    rate = r["rows"] / r["seconds"]
    print(f"{name:<48}{r['rows']:>8}{r['seconds']:>8.1f}{rate:>10.0f}{r['peak_mb']:>9.0f}")
    return rate


def sheets(rows: int) -> tuple[Path, Path]:
    new, changed = WORK / f"new-{rows}.xlsx", WORK / f"update-{rows}.xlsx"
    if not new.exists():
        generate(new, rows, 1)
        generate(changed, rows, 2)
    return new, changed


def bench(label: str, url: str, sizes: list[int], runs: int) -> None:
    measure(url, "setup")
    print(f"\n== {label}: median of {runs} runs", flush=True)
    print(f"{'run':<48}{'rows':>8}{'s':>8}{'rows/s':>10}{'peak MB':>9}")
    sample = show(
        f"(a) default ModelResource, {SAMPLE}-row sample",
        measure(url, "default", str(sheets(sizes[0])[0])),
    )
    for rows in sizes:
        new, changed = sheets(rows)
        found = {"ours new": [], "ours update": [], "floor new": [], "floor update": []}
        for _run in range(runs):
            measure(url, "setup")
            found["ours new"].append(measure(url, "ours", str(new)))
            found["ours update"].append(measure(url, "ours", str(changed)))
            measure(url, "setup")
            found["floor new"].append(measure(url, "floor", str(new), "new"))
            found["floor update"].append(measure(url, "floor", str(changed), "update"))
        rates = {
            key: show(f"{'ours' if key.startswith('ours') else '(b) floor'}, {key.split()[1]}",
                      median_of(results))
            for key, results in found.items()
        }  # fmt: skip
        for run in ("new", "update"):
            ours, floor = rates[f"ours {run}"], rates[f"floor {run}"]
            print(
                f"-> {rows} rows, {run}: ours {ours / floor:.2f}x the fair floor, "
                f"{ours / sample:.1f}x (a)",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    parser.add_argument("--quick", action="store_true", help="2,000 rows, SQLite only")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--database-url", action="append", help="instead of the defaults")
    parser.add_argument("--rows", help="sizes, e.g. 10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    WORK.mkdir(exist_ok=True)
    sizes = [2000] if args.quick else [10_000, 100_000]
    if args.rows:
        sizes = [int(size) for size in args.rows.split(",")]
    urls = args.database_url or []
    if not urls:
        if args.only != "postgresql":
            urls.append(f"sqlite:///{WORK / 'bench.sqlite3'}")
        if not args.quick and args.only != "sqlite":
            prepare_postgres()
            urls.append(PG_URL)
    for url in urls:
        bench(url.split("://")[0], url, sizes, 1 if args.quick else args.runs)


if __name__ == "__main__":
    main()
