"""The job page fails the stale job it shows, and the worker purges expired jobs as it runs
tasks; run this from cron to catch the rest (a worker killed mid-task, machine lost)."""

from django.core.management.base import BaseCommand

from partners import jobs
from partners.models import Job


class Command(BaseCommand):
    help = (
        "Mark jobs failed whose worker stopped sending heartbeats; purge expired jobs and "
        "orphaned job folders."
    )

    def handle(self, *args, **options):
        running = Job.objects.filter(state=Job.State.RUNNING)
        recovered = [job for job in running if jobs.recover_stale(job)]
        for job in recovered:
            self.stdout.write(f"failed: {job.pk}")
        self.stdout.write(f"{len(recovered)} stale task(s) marked failed.")
        self.stdout.write(f"{Job.objects.purge_expired()} expired job(s) purged.")
        self.stdout.write(f"{Job.objects.purge_orphans()} orphaned job folder(s) purged.")
