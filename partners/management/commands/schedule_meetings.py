from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partners.models import Delegation
from partners.scheduling.trips import schedule_meetings


class Command(BaseCommand):
    help = (
        "Assign a company trip's meeting requests to its slots: nobody in two meetings at "
        "once, counterparts only at their own city's stop, no table overbooked; a meeting "
        "for every company before a second for any, then mutual and high-priority requests "
        "first; pinned meetings kept, and refused when no schedule may keep them."
    )

    def add_arguments(self, parser):
        parser.add_argument("delegation_slug")
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        parser.add_argument(
            "--seconds", type=float, default=8.0, help="Time the solver may take (default 8)."
        )

    def handle(self, delegation_slug, dry_run, seconds, **options):
        if not seconds > 0:  # CP-SAT would refuse its model and leave the greedy schedule
            raise CommandError(f"--seconds: {seconds} is not a time; give more than 0.")
        try:
            delegation = Delegation.objects.get(slug=delegation_slug)
        except Delegation.DoesNotExist:
            open_trips = Delegation.objects.filter(slots__isnull=False).distinct()
            slugs = ", ".join(open_trips.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"No delegation with the slug {delegation_slug!r}. Trips with slots: {slugs}."
            ) from None
        try:
            result = schedule_meetings(delegation=delegation, dry_run=dry_run, seconds=seconds)
        except ValueError as error:
            raise CommandError(str(error)) from error
        summary = result.summary()
        if dry_run:
            summary = _("%(summary)s (dry run, nothing saved)") % {"summary": summary}
        self.stdout.write(summary)
        for line in result.unscheduled_lines():
            self.stdout.write(line)
