"""A concurrent write that makes the import break a uniqueness constraint is a clear
file-level error everywhere (service, command, admin, job page), never a 500.

The conflicting company is created for real between the import's read phase and its write
phase: through the service's `progress` callback, or — where the caller passes no callback —
by a Django execute wrapper that inserts it just before the import's first write (the
ImportRun row), on the same connection, inside the import's transaction.
"""

import io
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from partners.imports import BadFile, import_profiles
from partners.models import ImportRun, Organisation
from partners.roles import ADMINISTRATORS
from tests.backoffice import client_for, user_with_role
from tests.factories import CityFactory, CompanyFactory, HomeCityFactory
from tests.import_files import xlsx

pytestmark = pytest.mark.django_db

MESSAGE = "Another change to the same companies was saved while this import ran"
SHEET = [
    ["Erste GmbH", "HRB 1", "Leipzig", "5", "C", ""],
    ["Zweite GmbH", "HRB 2", "Leipzig", "5", "C", ""],
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def leipzig():
    city = HomeCityFactory(name="Leipzig")
    CityFactory(name="Nanjing", local_name="南京")
    return city


@contextmanager
def rival_company_before_the_first_write(city):
    """Inserts a company with register number HRB 2 right before the import writes."""
    state = {"done": False}

    def wrapper(execute, sql, params, many, context):
        first_write = sql.lstrip().upper().startswith('INSERT INTO "PARTNERS_IMPORTRUN"')
        if first_write and not state["done"]:
            state["done"] = True
            CompanyFactory(name="Rivale GmbH", register_number="HRB 2", city=city)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield state
    assert state["done"], "the import never reached its write phase"


def test_a_rival_company_saved_after_the_existence_checks_is_a_file_error(leipzig):
    with rival_company_before_the_first_write(leipzig), pytest.raises(BadFile) as raised:
        import_profiles(source=xlsx(SHEET), filename="a.xlsx")

    assert MESSAGE in raised.value.message
    assert not Organisation.objects.exists()  # The rival was inside the rolled-back write.
    assert not ImportRun.objects.exists()


def test_a_company_saved_while_the_sheet_is_read_is_found_and_updated(leipzig):
    """The existence checks run inside the write transaction, after the sheet is read."""

    def rival(done, total, errors):
        if not Organisation.objects.filter(register_number="HRB 2").exists():
            CompanyFactory(name="Rivale GmbH", register_number="HRB 2", city=leipzig)

    result = import_profiles(source=xlsx(SHEET), filename="a.xlsx", progress=rival)

    assert (result.created, result.updated) == (1, 1)
    assert Organisation.objects.get(register_number="HRB 2").name == "Zweite GmbH"


def test_the_same_sheet_imports_when_run_again_after_the_conflict(leipzig):
    CompanyFactory(name="Rivale GmbH", register_number="HRB 2", city=leipzig)

    result = import_profiles(source=xlsx(SHEET), filename="a.xlsx")

    assert (result.created, result.updated) == (1, 1)  # The rival is now matched and updated.


def test_the_command_reports_the_conflict_without_a_traceback(leipzig, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx(SHEET))

    with rival_company_before_the_first_write(leipzig), pytest.raises(CommandError) as raised:
        call_command("import_profiles", str(path), stdout=io.StringIO())

    assert MESSAGE in str(raised.value)
    assert not Organisation.objects.exists()  # The rival was inside the rolled-back write.
    assert not ImportRun.objects.exists()


def test_the_admin_confirm_step_reports_the_conflict_on_the_job_page(leipzig):
    client = client_for(user_with_role(ADMINISTRATORS))
    upload = SimpleUploadedFile("a.xlsx", xlsx(SHEET))
    job_url = client.post(
        reverse("admin:partners_companyprofile_import"), {"import_file": upload}
    ).url

    with rival_company_before_the_first_write(leipzig):
        response = client.post(job_url + "confirm/", follow=True)

    assert response.status_code == 200
    assert "Rejected: nothing was imported" in response.text
    assert MESSAGE in response.text
    assert not Organisation.objects.exists()


def test_the_job_page_reports_the_conflict(leipzig, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_IMPORT_BACKGROUND_ROWS = 1
    client = client_for(user_with_role(ADMINISTRATORS))
    upload = SimpleUploadedFile("a.xlsx", xlsx(SHEET))
    job_url = client.post(
        reverse("admin:partners_companyprofile_import"), {"import_file": upload}
    ).url

    with rival_company_before_the_first_write(leipzig):
        client.post(job_url + "confirm/")

    page = client.get(job_url)
    assert "Rejected: nothing was imported" in page.text
    assert MESSAGE in page.text
    assert not Organisation.objects.exists()
