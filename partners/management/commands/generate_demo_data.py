"""Fill the database with a realistic demo world: `generate_demo_data --scale N`."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners.demo import DemoWorld


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
        total = sum(counts.values())
        self.stdout.write(
            f"Generated {total:,} rows at scale {scale:g} in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{name} {number:,}" for name, number in counts.items())
        )
