"""The seed and demo data of `make run`, loaded into an empty database only: loading the
fixtures again would overwrite edited seed records without a history entry."""

import io

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from partners.models import City


class Command(BaseCommand):
    help = (
        "Load the seed, the demo companies, the demo company trip and the seed's placeholder "
        "photo, if the database has no city yet; otherwise leave the data as it is."
    )

    def handle(self, *args, **options):
        if City.objects.exists():
            self.stdout.write(
                "The database has data already: seed and demo data left as they are "
                "(`manage.py loaddata seed demo_companies` loads them again, overwriting)."
            )
            return
        with transaction.atomic():  # all or nothing: a half-loaded demo would be kept as "data"
            call_command("loaddata", "seed", "demo_companies", stdout=self.stdout)
            # loaddata writes no history; the back office compares a stale page with the
            # version its user saw, so every record needs a history entry from the start.
            call_command("populate_history", auto=True, stdout=io.StringIO())
            call_command("demo_company_trip", stdout=self.stdout)
            call_command("seed_media", stdout=self.stdout)
