"""Large imports and report exports run as tasks, with a progress page and a restart.

The flow runs on the immediate backend (the task runs inside the request); the real worker,
killed mid-import, is in test_background_worker.py.
"""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from partners import jobs, tasks
from partners.imports.reader import open_sheet
from partners.models import City, ImportRun, Job, Organisation
from partners.reports import tables
from partners.reports.filters import ReportFilter
from partners.roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS
from tests.backoffice import client_for, user_with_role
from tests.factories import CityFactory, HomeCityFactory, MeetingFactory
from tests.import_files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:partners_companyprofile_import")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_IMPORT_BACKGROUND_ROWS = 3
    settings.CRM_EXPORT_BACKGROUND_ROWS = 2
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def cities():
    HomeCityFactory(name="Leipzig")
    CityFactory(name="Nanjing", local_name="南京")


def rows(count, city="Leipzig"):
    return [[f"Firma {n} GmbH", f"HRB {n}", city, "5", "C", ""] for n in range(count)]


def upload(client, data, name="big.xlsx", **extra):
    file = SimpleUploadedFile(name, data)
    return client.post(IMPORT_URL, {"import_file": file, **extra})


def confirm(client, job_url):
    return client.post(job_url + "confirm/")


def test_a_large_sheet_is_previewed_in_the_background_before_anything_is_written():
    client = client_for(user_with_role(ADMINISTRATORS))

    response = upload(client, xlsx(rows(5)))

    assert response.status_code == 302
    assert not Organisation.objects.exists()
    page = client.get(response.url)
    assert "Preview ready: nothing has been imported yet" in page.text
    assert "5 rows: 5 new, 0 to update, 0 unchanged, 0 with errors." in page.text
    assert page.text.count('<tr class="new">') == 5
    assert "Firma 4 GmbH" in page.text
    assert "Confirm import" in page.text
    assert 'http-equiv="refresh"' not in page.text  # The preview waits for the user.


def test_a_large_sheet_is_imported_in_the_background_once_confirmed():
    anna = user_with_role(ADMINISTRATORS)
    client = client_for(anna)
    job_url = upload(client, xlsx(rows(5))).url

    response = confirm(client, job_url)

    assert response.status_code == 302
    assert Organisation.objects.count() == 5
    page = client.get(job_url)
    assert page.status_code == 200
    assert "5 / 5" in page.text
    assert "Created 5, updated 0" in page.text
    assert 'http-equiv="refresh"' not in page.text  # Finished: no more reloading.
    run = ImportRun.objects.get()
    assert reverse("admin:partners_importrun_change", args=[run.pk]) in page.text
    assert run.user == anna


def test_a_small_sheet_is_previewed_inside_the_request_on_the_same_page():
    client = client_for(user_with_role(ADMINISTRATORS))

    response = upload(client, xlsx(rows(2)))

    assert response.status_code == 302
    assert not Organisation.objects.exists()
    job = Job.objects.get()
    assert (job.outcome, job.task_id) == ("previewed", "")  # No task: run in the request.
    page = client.get(response.url)
    assert "2 rows: 2 new, 0 to update, 0 unchanged, 0 with errors." in page.text
    assert "Confirm import" in page.text
    confirm(client, response.url)
    assert Organisation.objects.count() == 2
    assert Job.objects.get().task_id == ""


def test_a_large_csv_with_one_bad_row_writes_nothing_and_lists_the_row():
    client = client_for(user_with_role(ADMINISTRATORS))
    sheet = rows(4) + [["Ohne Ort GmbH", "HRB 99", "Atlantis", "5", "C", ""]]

    response = upload(client, csv_bytes(sheet), name="big.csv")

    page = client.get(response.url)
    assert not Organisation.objects.exists()
    assert "Atlantis" in page.text
    assert "Confirm import" not in page.text
    assert "Nothing will be imported: correct these rows" in page.text
    assert "5 rows: 4 new, 0 to update, 0 unchanged, 1 with errors." in page.text
    refused = client.post(response.url + "confirm/", follow=True)
    assert "This import has already been confirmed (or cannot be)" in refused.text
    assert not Organisation.objects.exists()


def test_a_number_too_large_for_the_column_is_shown_in_the_preview_not_at_confirm():
    client = client_for(user_with_role(ADMINISTRATORS))
    sheet = csv_bytes([["Big GmbH", "", "Leipzig", "99999999999999999999", "", ""]])

    page = client.get(upload(client, sheet, name="big.csv").url)

    assert "<td>2</td><td>Mitarbeiter</td><td>&quot;99999999999999999999&quot; is too large" in (
        page.text
    )
    assert "Confirm import" not in page.text


@pytest.mark.parametrize("size", [2, 4], ids=["in the request", "in the background"])
def test_an_unexpected_error_at_confirm_fails_the_job_with_a_retry(size):
    client = client_for(user_with_role(ADMINISTRATORS))
    job_url = upload(client, xlsx(rows(size))).url
    Path(Job.objects.get().file.path).unlink()  # the stored upload is lost

    response = confirm(client, job_url)

    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.state, job.outcome) == (Job.State.FAILED, "failed")
    page = client.get(job_url)
    assert "The import stopped on an unexpected error; nothing was written." in page.text
    assert "Start again" in page.text
    assert not Organisation.objects.exists()


def test_only_the_starter_and_staff_allowed_to_import_see_a_job():
    owner = user_with_role(ADMINISTRATORS)
    job_url = upload(client_for(owner), xlsx(rows(4))).url

    assert client_for(user_with_role(ADMINISTRATORS)).get(job_url).status_code == 200
    assert client_for(user_with_role(TRADE_OFFICERS)).get(job_url).status_code == 404
    assert client_for(None).get(job_url).status_code == 302  # To the login page.


@pytest.mark.parametrize("keeps_staff", [True, False])
def test_a_starter_who_lost_the_import_right_can_no_longer_confirm_retry_or_see_it(
    keeps_staff,
):
    owner = user_with_role(ADMINISTRATORS)
    client = client_for(owner)
    job_url = upload(client, xlsx(rows(2))).url
    owner.groups.clear()
    owner.is_staff = keeps_staff
    owner.save()

    assert client.post(job_url + "confirm/").status_code == 404
    assert client.post(job_url + "retry/").status_code == 404
    assert client.get(job_url).status_code == 404
    assert not Organisation.objects.exists()
    assert Job.objects.get().stage == Job.Stage.PREVIEW


def test_a_starter_who_lost_the_report_right_can_no_longer_download_the_export():
    manager = user_with_role(MANAGERS, is_staff=True)
    client = client_for(manager)
    MeetingFactory(city=CityFactory(name="Jining"), date="2019-07-10")
    job_url = client.post("/reports/", {"year": "2019", "format": "xlsx"}).url
    assert client.get(job_url + "download/").status_code == 200

    manager.groups.clear()

    assert client.get(job_url + "download/").status_code == 404


def test_a_large_report_export_is_written_by_a_task_and_downloaded():
    manager = user_with_role(MANAGERS, is_staff=True)
    client = client_for(manager)
    nanjing = CityFactory(name="Jining")
    for _ in range(3):
        MeetingFactory(city=nanjing, date="2019-07-10")

    offer = client.get("/reports/", {"year": "2019", "format": "xlsx"})

    # GET changes nothing: it offers the background export; the button POSTs.
    assert offer.status_code == 200
    assert "Write the workbook in the background" in offer.text
    job_root = Path(settings.MEDIA_ROOT) / "jobs"
    assert not job_root.exists() or not any(job_root.iterdir())
    response = client.post(
        "/reports/", {"year": "2019", "format": "xlsx"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Download the workbook" in page.text
    download = client.get(response.url + "download/")
    assert download.status_code == 200
    path = Job.objects.get().file.path
    assert load_workbook(path, read_only=True).sheetnames[0] == "Summary"
    assert b"".join(download.streaming_content) == Path(path).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_report_export_reports_its_progress_while_it_writes_the_listings(monkeypatch):
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 2)
    jining = CityFactory(name="Jining")
    City.objects.get(name_de="Leipzig").partnerships.create(partner_city=jining)
    for _ in range(5):
        MeetingFactory(city=jining, date="2019-07-10", delegation=None)
    criteria = ReportFilter(QueryDict("year=2019")).criteria()
    total = tasks.export_rows(criteria)
    job = Job.objects.create(kind=Job.Kind.EXPORT, options={"query": "year=2019"})
    seen = []

    with jobs.Progress(job) as progress:
        for table in tasks.with_progress(tables.tables(criteria), progress, total):
            for _row in table.rows:
                if table.name == str(tables.SHEET_NAMES["meetings"]):
                    seen.append(Job.objects.get(pk=job.pk).progress)

    assert total == 5
    # Read from the job's row while the meetings sheet was being written.
    assert seen == [0, 0, 2, 2, 4]


def test_a_job_whose_worker_died_is_marked_failed_and_can_be_started_again():
    owner = user_with_role(ADMINISTRATORS)
    client = client_for(owner)
    data = xlsx(rows(4))
    job = Job(
        kind=Job.Kind.IMPORT,
        stage=Job.Stage.IMPORT,
        created_by=owner,
        file_name="big.xlsx",
        options={"skip_invalid": False, "sha256": hashlib.sha256(data).hexdigest()},
    )
    job.file.save("big.xlsx", ContentFile(data), save=False)
    job.save()
    with jobs.Progress(job) as progress:
        progress.rows(2000, 4, 0)
    # The worker was killed: its last heartbeat stays "running" and grows old.
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    job_id = job.pk

    page = client.get(f"/jobs/{job_id}/")

    assert "The worker stopped while running this task" in page.text
    assert "Start again" in page.text
    response = client.post(f"/jobs/{job_id}/retry/")
    assert response.status_code == 302
    assert Organisation.objects.count() == 4
    assert Job.objects.get(pk=job_id).outcome == "done"


def test_a_finished_job_cannot_be_started_twice():
    client = client_for(user_with_role(ADMINISTRATORS))
    job_url = upload(client, xlsx(rows(4))).url
    confirm(client, job_url)

    assert client.post(job_url + "retry/").status_code == 404
    again = client.post(job_url + "confirm/", follow=True)
    assert again.status_code == 200
    assert "This import has already been confirmed" in again.text
    assert Organisation.objects.count() == 4
    assert ImportRun.objects.count() == 1


def test_rows_are_counted_without_reading_the_whole_sheet():
    for data, name in ((xlsx(rows(7)), "a.xlsx"), (csv_bytes(rows(7)), "a.csv")):
        assert tasks.rows_in(open_sheet(data, name), data) == 7


def test_recover_tasks_marks_jobs_with_a_silent_worker_failed():
    from django.core.management import call_command

    now = timezone.now()
    silent, fresh = (
        Job.objects.create(kind=Job.Kind.EXPORT, state=Job.State.RUNNING, heartbeat_at=beat)
        for beat in (now - timedelta(hours=1), now)
    )

    call_command("recover_tasks", stdout=io.StringIO())

    assert Job.objects.get(pk=silent.pk).outcome == "failed"
    assert Job.objects.get(pk=fresh.pk).outcome == "running"


def test_a_running_job_shows_its_progress_and_reloads_itself_without_script():
    owner = user_with_role(ADMINISTRATORS)
    job_id = Job.objects.create(
        kind=Job.Kind.IMPORT,
        stage=Job.Stage.IMPORT,
        state=Job.State.RUNNING,
        created_by=owner,
        file_name="big.xlsx",
        progress=4000,
        total=20000,
        errors=3,
        heartbeat_at=timezone.now(),
    ).pk

    page = client_for(owner).get(f"/jobs/{job_id}/")

    assert "4000 / 20000" in page.text
    assert '<td class="errors">3</td>' in page.text
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "<script>" not in page.text
    assert 'data-status="running"' in page.text


def test_reports_and_job_pages_and_files_are_kept_out_of_caches():
    manager = user_with_role(MANAGERS, is_staff=True)
    client = client_for(manager)
    jining = CityFactory(name="Jining")
    for _ in range(3):
        MeetingFactory(city=jining, date="2019-07-10")
    job_url = client.post("/reports/", {"year": "2019", "format": "xlsx"}).url
    urls = [
        "/reports/",
        "/reports/?year=2019&format=csv&sheet=summary",
        "/reports/?year=2018&format=xlsx",
        job_url,
        job_url + "download/",
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url
