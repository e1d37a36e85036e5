"""The names kept for the admin search and the import (``models.organisation_names``,
``models.folding``), worked out again. Every write through the app keeps them: run this after
writes around it (raw SQL, another client, a queryset ``update()`` of an organisation's name
or of a record's organisations). ``--check`` is for monitoring.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners.models import folding, organisation_names


class Command(BaseCommand):
    help = "Keep again on memoranda and opportunities the names of their organisations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only report out-of-date records; fail if any"
        )

    def handle(self, *args, check=False, **options):
        with transaction.atomic():
            stale = {
                model: organisation_names.stale(model)
                for model in map(apps.get_model, organisation_names.PATHS)
            }
            keys = organisation_names.stale_name_keys()
            folded = folding.refresh(write=not check)
            self.stdout.write(f"partners.Organisation (import match key): {len(keys)} out of date")
            self.stdout.write(f"Names folded for the admin search: {folded} out of date")
            for model, pks in stale.items():
                self.stdout.write(f"{model._meta.label}: {len(pks)} out of date")
            if check:
                if keys or folded or any(stale.values()):
                    raise CommandError(
                        "Some records are out of date: run refresh_organisation_names."
                    )
                return
            organisation_names.refresh_name_keys()
            for model, pks in stale.items():
                organisation_names.refresh(model, pks)
        count = len(keys) + sum(map(len, stale.values()))
        self.stdout.write(f"Kept the names again on {count} record(s).")
        self.stdout.write(f"Folded {folded} name(s) again for the admin search.")
