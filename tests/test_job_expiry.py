"""Jobs live in the database, are shown read-only in the admin, and expire with their files."""

import datetime
import io
import os
import time
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from partners.models import Job
from partners.roles import ADMINISTRATORS
from tests.backoffice import client_for, user_with_role
from tests.factories import HomeCityFactory, UserFactory
from tests.import_files import xlsx

pytestmark = pytest.mark.django_db


def stored_job(days_left: int) -> Job:
    job = Job(kind=Job.Kind.IMPORT, file_name="old.xlsx")
    job.file.save("old.xlsx", ContentFile(b"sheet"), save=False)
    job.expires_at = timezone.now() + datetime.timedelta(days=days_left)
    job.save()
    return job


def test_a_job_expires_after_the_configured_days(settings):
    settings.CRM_JOB_FILES_DAYS = 3
    job = Job.objects.create(kind=Job.Kind.EXPORT)

    assert job.expires_at - job.created_at == pytest.approx(
        datetime.timedelta(days=3), abs=datetime.timedelta(seconds=5)
    )


def test_the_next_upload_purges_expired_jobs_and_their_files(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    HomeCityFactory(name="Leipzig")
    expired, current = stored_job(-1), stored_job(1)
    expired_folder = expired.folder
    assert (expired_folder / "import.xlsx").exists()

    client = client_for(user_with_role(ADMINISTRATORS))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:partners_companyprofile_import"),
            {"import_file": SimpleUploadedFile("p.xlsx", xlsx([["Neu GmbH", "", "Leipzig"]]))},
        )

    assert not Job.objects.filter(pk=expired.pk).exists()
    assert not expired_folder.exists()
    assert Job.objects.filter(pk=current.pk).exists() and current.folder.exists()
    assert Job.objects.count() == 2  # The current one and the new upload.


def test_recover_tasks_purges_expired_jobs_too(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    expired = stored_job(-1)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("recover_tasks", stdout=io.StringIO())

    assert not Job.objects.filter(pk=expired.pk).exists()
    assert not expired.folder.exists()


def folder_with_file(root, name: str, *, hours_old: float):
    folder = root / "jobs" / name
    folder.mkdir(parents=True)
    (folder / "import.csv").write_text("Erika Mustermann;erika@muster.example\n")
    stamp = time.time() - hours_old * 3600
    os.utime(folder, (stamp, stamp))
    return folder


def test_recover_tasks_purges_job_folders_whose_job_is_gone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kept = stored_job(5)
    stamp = time.time() - 5 * 3600
    os.utime(kept.folder, (stamp, stamp))
    orphan = folder_with_file(tmp_path, str(uuid.uuid4()), hours_old=5)
    # An upload saves its file a moment before its row: a young folder may be a job's.
    young = folder_with_file(tmp_path, str(uuid.uuid4()), hours_old=0)
    stranger = folder_with_file(tmp_path, "not-a-job", hours_old=5)
    out = io.StringIO()

    call_command("recover_tasks", stdout=out)

    assert "1 orphaned job folder(s) purged." in out.getvalue()
    assert not orphan.exists()
    assert (kept.folder / "import.xlsx").exists()
    assert young.exists() and stranger.exists()


@pytest.mark.parametrize("jobs", [3, 30])
def test_the_job_list_is_read_only_and_needs_the_same_queries_for_3_and_30(
    client, django_assert_num_queries, jobs
):
    owner = UserFactory(username="root", is_superuser=True, is_staff=True)
    Job.objects.bulk_create(
        [Job(kind=Job.Kind.IMPORT, file_name=f"{n}.xlsx", created_by=owner) for n in range(jobs)]
    )
    client.force_login(owner)
    url = reverse("admin:partners_job_changelist")

    with django_assert_num_queries(6):
        page = client.get(url)

    assert page.status_code == 200
    assert page.text.count("/jobs/") >= jobs
    assert client.get(reverse("admin:partners_job_add")).status_code == 403


def test_a_job_deleted_in_the_admin_takes_its_file_with_it(
    admin_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    job = stored_job(5)
    folder = job.folder
    assert (folder / "import.xlsx").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:partners_job_delete", args=[job.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not folder.exists()


def test_a_delete_rolled_back_keeps_the_jobs_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = stored_job(5)
    pk, folder = job.pk, job.folder

    with pytest.raises(RuntimeError), transaction.atomic():
        job.delete()
        raise RuntimeError("the rest of the write failed")

    assert Job.objects.filter(pk=pk).exists()
    assert (folder / "import.xlsx").exists()


@pytest.mark.parametrize("kind", [Job.Kind.IMPORT, Job.Kind.EXPORT])
def test_an_expired_job_is_gone_even_before_another_job_purged_it(
    settings, tmp_path, django_capture_on_commit_callbacks, kind
):
    # Nobody started another job since: the expired one was not purged yet.
    settings.MEDIA_ROOT = tmp_path
    owner = user_with_role(ADMINISTRATORS)
    job = Job(kind=kind, created_by=owner, file_name="old.xlsx", state=Job.State.DONE)
    if kind == Job.Kind.IMPORT:
        job.result = {"status": "previewed", "can_confirm": True}
    job.file.save("old.xlsx", ContentFile(b"Erika Mustermann"), save=False)
    job.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    job.save()
    folder = job.folder
    client = client_for(owner)
    url = reverse("jobs:detail", args=[job.pk])

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url + "download/").status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url + "confirm/").status_code == 404
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not folder.exists()


def test_recover_tasks_prunes_the_queues_finished_results_as_old_as_a_jobs_files(settings):
    # Each row keeps the task's arguments and a failure's traceback: nothing deleted them.
    settings.CRM_JOB_FILES_DAYS = 7
    now = timezone.now()
    for days, status in ((8, "SUCCESSFUL"), (8, "FAILED"), (1, "SUCCESSFUL"), (30, "READY")):
        DBTaskResult.objects.create(
            status=status,
            finished_at=None if status == "READY" else now - datetime.timedelta(days=days),
            args_kwargs={"args": [], "kwargs": {}},
            task_path="partners.tasks.run_job",
            backend_name="default",
            run_after=now,
        )

    call_command("recover_tasks", stdout=io.StringIO())

    left = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert left == ["READY", "SUCCESSFUL"]
