from django.core.management.base import BaseCommand, CommandError

from partners.demo.company_trip import TRIP_SLUG, load_company_trip
from partners.models import Delegation, Organisation


class Command(BaseCommand):
    help = (
        "Open the seed's planned company trip for the demo: dates, stops with meeting slots, "
        "registrations of the demo companies and their meeting requests (adds only what is "
        "missing)."
    )

    def handle(self, *args, **options):
        if not Delegation.objects.filter(slug=TRIP_SLUG).exists():
            raise CommandError(f"No trip {TRIP_SLUG!r}: run `manage.py loaddata seed` first.")
        if not Organisation.objects.filter(slug="beispiel-praezisionsteile").exists():
            raise CommandError("No demo companies: run `manage.py loaddata demo_companies` first.")
        trip = load_company_trip()
        self.stdout.write(
            f"Company trip {trip.slug}: {trip.start_date} to {trip.end_date}, registration "
            f"open until {trip.registration_closes_on}; {trip.stops.count()} stops, "
            f"{trip.slots.count()} slots, {trip.registrations.count()} registrations, "
            f"{trip.meeting_requests.count()} meeting requests. Try: "
            f"manage.py schedule_meetings {trip.slug} --dry-run"
        )
