"""Marks background tasks failed whose worker stopped mid-task (killed, machine lost).

The progress page does this for the job it shows; run this from cron to catch the rest.
"""

from django.core.management.base import BaseCommand

from partners import jobs


class Command(BaseCommand):
    help = "Mark tasks failed whose worker stopped sending heartbeats."

    def handle(self, *args, **options):
        recovered = [job_id for job_id in jobs.all_ids() if jobs.recover_stale(job_id)]
        for job_id in recovered:
            self.stdout.write(f"failed: {job_id}")
        self.stdout.write(f"{len(recovered)} stale task(s) marked failed.")
