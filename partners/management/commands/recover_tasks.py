"""The job page fails the stale job it shows, and the worker purges expired jobs as it runs
tasks; run this from cron to catch the rest (a worker killed mid-task, machine lost)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.tasks import task_backends
from django_tasks_db import DatabaseBackend

from partners import jobs
from partners.models import Job


class Command(BaseCommand):
    help = (
        "Mark jobs failed whose worker stopped sending heartbeats; purge expired jobs, "
        "orphaned job folders and the task queue's finished results as old as a job's files."
    )

    def handle(self, *args, **options):
        running = Job.objects.filter(state=Job.State.RUNNING)
        recovered = [job for job in running if jobs.recover_stale(job)]
        for job in recovered:
            self.stdout.write(f"failed: {job.pk}")
        self.stdout.write(f"{len(recovered)} stale task(s) marked failed.")
        self.stdout.write(f"{Job.objects.purge_expired()} expired job(s) purged.")
        self.stdout.write(f"{Job.objects.purge_orphans()} orphaned job folder(s) purged.")
        # The queue's own rows keep each task's arguments and a failure's traceback.
        if isinstance(task_backends["default"], DatabaseBackend):  # not the tests' immediate one
            days = settings.CRM_JOB_FILES_DAYS
            call_command(
                "prune_db_task_results", queue_name="*", min_age_days=days, stdout=self.stdout
            )
