"""Every write through the app keeps each record's report city and day (``reports.places``);
run this after writes around it: raw SQL, another client, a queryset ``update()`` of a
record's date, city, delegation or counterparts. ``--check`` is for monitoring.
"""

from django.core.management.base import BaseCommand, CommandError

from partners.reports import places


class Command(BaseCommand):
    help = "Work out again the partner city and day the report counts each record under."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only report out-of-date records; fail if any"
        )

    def handle(self, *args, check=False, **options):
        if check:
            stale = {kind: places.stale(kind) for kind in places.KEPT}
            for kind, pks in stale.items():
                self.stdout.write(f"{kind}: {len(pks)} out of date")
            if any(stale.values()):
                raise CommandError("Some records are out of date: run refresh_report_places.")
            return
        self.stdout.write(f"Worked out again for {places.refresh_all()} record(s).")
