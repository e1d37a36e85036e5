import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from partners.demo import DemoWorld
from partners.models import organisation_names
from partners.reports.places import refresh_all


def positive_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0
    if not 0 < number <= 1000:
        raise CommandError(f"--scale must be a number above 0 and at most 1000, got {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Generate demo data: scale 1 is about 10,000 records, scale 100 about a million. "
        "Deterministic for a given --seed. Writes no history rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=str, default="1", help="size factor (e.g. 0.1, 1, 100)")
        parser.add_argument("--seed", type=int, default=2019, help="random seed (default 2019)")

    def handle(self, *args, scale, seed, **options):
        scale = positive_number(scale)
        if get_user_model().objects.filter(username="demo-data-officer-1").exists():
            raise CommandError(
                "This database already holds generated demo data (user demo-data-officer-1); "
                "generate into a database without it."
            )
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] > 1 else (lambda message: None)
        # One transaction: an interrupted run leaves the database as it was.
        with transaction.atomic():
            counts = DemoWorld(scale=scale, seed=seed, log=log).build()
            refresh_all()  # bulk inserts send no signals (reports.places)
            organisation_names.refresh_all()
        total = sum(counts.values())
        self.stdout.write(
            f"Generated {total:,} rows at scale {scale:g} in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{name} {number:,}" for name, number in counts.items())
        )
        started = time.monotonic()
        tidy_after_bulk_load()
        self.stdout.write(f"Vacuumed and analysed in {time.monotonic() - started:.1f} s.")


def tidy_after_bulk_load():
    """What autovacuum would do soon after a bulk load, done at once: planner statistics,
    the visibility map (index-only scans) and, on PostgreSQL, the GIN indexes' pending
    lists, which otherwise hold every inserted row and are read in full by each search.
    VACUUM cannot run inside a transaction (a test's): there it is left to autovacuum."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and transaction.get_autocommit():
            for table in apps.get_app_config("partners").db_tables():
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
