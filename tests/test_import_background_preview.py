"""A large sheet keeps the two steps: the worker's dry run is shown as a preview on the
progress page, and only a confirmation imports the same stored file in the same mode.

Runs on the immediate backend (tasks run inside the request), like test_background_jobs.py.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from partners import tasks
from partners.models import ImportRun, Job, Organisation
from partners.roles import ADMINISTRATORS, TRADE_OFFICERS
from tests.backoffice import client_for, user_with_role
from tests.factories import CityFactory, CompanyFactory, HomeCityFactory
from tests.import_files import xlsx

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:partners_companyprofile_import")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_IMPORT_BACKGROUND_ROWS = 3
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def leipzig():
    city = HomeCityFactory(name="Leipzig")
    CityFactory(name="Nanjing", local_name="南京")
    return city


def rows(count, first=0):
    return [[f"Firma {n} GmbH", f"HRB {n}", "Leipzig", "5", "C", ""] for n in range(first, count)]


def start(client, data, **extra) -> str:
    response = client.post(
        IMPORT_URL, {"import_file": SimpleUploadedFile("big.xlsx", data), **extra}
    )
    assert response.status_code == 302
    return response.url


def job_id_of(url: str) -> str:
    return url.strip("/").split("/")[-1]


def swap_the_stored_file(job_id):
    job = Job.objects.get(pk=job_id)
    with job.file.open("wb") as file:
        file.write(xlsx(rows(40, first=10)))


def test_the_preview_counts_updates_and_unchanged_rows_against_the_database(leipzig):
    CompanyFactory(name="Alte Firma 0 GmbH", register_number="HRB 0", city=leipzig)
    client = client_for(user_with_role(ADMINISTRATORS))

    page = client.get(start(client, xlsx(rows(5))))

    assert "5 rows: 4 new, 1 to update, 0 unchanged, 0 with errors." in page.text
    assert page.text.count('<tr class="update">') == 1
    assert Organisation.objects.get(register_number="HRB 0").name == "Alte Firma 0 GmbH"


def test_the_preview_shows_only_the_first_rows_of_a_long_sheet(settings):
    settings.CRM_IMPORT_BACKGROUND_ROWS = 3
    client = client_for(user_with_role(ADMINISTRATORS))

    page = client.get(start(client, xlsx(rows(130))))

    assert page.text.count('<tr class="new">') == 100
    assert "Showing the first 100 of 130 rows." in page.text


def test_skip_invalid_offers_the_confirmation_and_imports_only_the_valid_rows():
    client = client_for(user_with_role(ADMINISTRATORS))
    sheet = rows(4) + [
        ["Ohne Ort GmbH", "HRB 98", "Atlantis", "5", "C", ""],
        ["Viele GmbH", "HRB 99", "Leipzig", "viele", "C", ""],
    ]
    job_url = start(client, xlsx(sheet), skip_invalid="on")

    page = client.get(job_url)
    assert "Confirm import" in page.text
    assert "<td>6</td><td>Ort</td>" in page.text  # Every error with its row and column.
    assert "<td>7</td><td>Mitarbeiter</td>" in page.text
    client.post(job_url + "confirm/")

    assert Organisation.objects.count() == 4
    assert ImportRun.objects.get().mode == ImportRun.Mode.SKIP_INVALID
    assert "Created 4, updated 0, unchanged 0, invalid rows skipped 2." in client.get(job_url).text


def test_another_administrator_may_confirm_but_a_trade_officer_may_not():
    job_url = start(client_for(user_with_role(ADMINISTRATORS)), xlsx(rows(4)))

    assert client_for(user_with_role(TRADE_OFFICERS)).post(job_url + "confirm/").status_code == 404
    assert not Organisation.objects.exists()
    assert client_for(user_with_role(ADMINISTRATORS)).post(job_url + "confirm/").status_code == 302
    assert Organisation.objects.count() == 4


def test_confirming_needs_a_post_with_the_csrf_token():
    owner = user_with_role(ADMINISTRATORS)
    job_url = start(client_for(owner), xlsx(rows(4)))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)

    assert client_for(owner).get(job_url + "confirm/").status_code == 405
    assert strict.post(job_url + "confirm/").status_code == 403
    assert not Organisation.objects.exists()


def test_a_stored_file_swapped_after_the_preview_is_not_imported():
    client = client_for(user_with_role(ADMINISTRATORS))
    job_url = start(client, xlsx(rows(4)))
    swap_the_stored_file(job_id_of(job_url))

    page = client.post(job_url + "confirm/", follow=True)

    assert "The stored file is not the one that was uploaded" in page.text
    assert not Organisation.objects.exists()


def test_a_file_swapped_after_the_confirmation_is_refused_by_the_worker():
    owner = user_with_role(ADMINISTRATORS)
    job_url = start(client_for(owner), xlsx(rows(4)))
    job_id = job_id_of(job_url)
    swap_the_stored_file(job_id)
    # As if confirmed before the swap.
    Job.objects.filter(pk=job_id).update(stage=Job.Stage.IMPORT, state=Job.State.QUEUED)

    tasks.import_sheet.enqueue(job_id=job_id)

    assert Job.objects.get(pk=job_id).outcome == "rejected"
    assert "The stored file is not the one that was uploaded" in client_for(owner).get(job_url).text
    assert not Organisation.objects.exists()


def test_a_running_dry_run_says_that_nothing_is_written_yet():
    owner = user_with_role(ADMINISTRATORS)
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        stage=Job.Stage.PREVIEW,
        state=Job.State.RUNNING,
        created_by=owner,
        file_name="big.xlsx",
        progress=2000,
        total=20000,
        heartbeat_at=timezone.now(),
    )
    job_id = job.pk

    page = client_for(owner).get(f"/jobs/{job_id}/")

    assert "Checking every row (preview, nothing is written)" in page.text
    assert "Confirm import" not in page.text


def test_the_import_page_says_which_sheets_run_in_the_background(settings):
    settings.CRM_IMPORT_BACKGROUND_ROWS = 5000
    client = client_for(user_with_role(ADMINISTRATORS))

    assert "Sheets over 5000 rows are previewed and imported in the background" in (
        client.get(IMPORT_URL).text
    )
    with translation.override("de"):
        german = client.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE="de").text
    assert "im Hintergrund" in german
