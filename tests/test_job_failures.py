"""A background job that cannot finish says so on its page, in the language of the page
that started it, and stops reloading: it never waits for a worker forever, and never shows
the exception's own text (English, naming files and tables).

The tasks are called as the worker calls them, outside any request; the worker's own
language is German (LANGUAGE_CODE), whatever the starter read."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from partners import tasks
from partners.models import Job
from partners.roles import ADMINISTRATORS, MANAGERS

from . import factories as f
from .backoffice import client_for, user_with_role

pytestmark = pytest.mark.django_db

UNEXPECTED = (
    "The task stopped on an unexpected error; nothing was kept. Start it again; if it fails "
    "again, tell the site's maintainers."
)


def in_language(language, message):
    with translation.override(language):
        return gettext(message)


@pytest.fixture(autouse=True)
def german_worker():
    with translation.override("de"):
        yield


@pytest.mark.parametrize(
    "kind, runner", [("documents", "print_handouts"), ("briefing", "print_briefing")]
)
def test_a_trip_deleted_before_the_worker_prints_it_ends_its_job(kind, runner):
    user = user_with_role(ADMINISTRATORS, is_staff=True)
    trip = f.DelegationFactory()
    options = {"delegation": trip.pk, "language": "de", "reader_language": "en"}
    job = Job.objects.create(kind=kind, created_by=user, options=options)
    trip.delete()

    getattr(tasks, runner).call(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.finished and job.outcome == "rejected"
    page = client_for(user).get(f"/jobs/{job.pk}/").text
    assert "Nothing to print" in page
    assert "The delegation was deleted before it was printed" in page
    assert 'http-equiv="refresh"' not in page


def test_the_worker_says_why_nothing_was_printed_in_the_starters_language():
    trip = f.DelegationFactory()  # nothing handed over on it
    options = {"delegation": trip.pk, "language": "de", "reader_language": "zh-hans"}
    job = Job.objects.create(kind="documents", created_by=f.UserFactory(), options=options)

    tasks.print_handouts.call(job_id=str(job.pk))

    job.refresh_from_db()
    message = "No shareable profile is handed over on this trip yet."
    assert in_language("zh-hans", message) != in_language("de", message)
    assert job.result["reason"] == in_language("zh-hans", message)


def test_a_job_failing_midway_says_so_in_the_starters_words_and_can_start_again():
    manager = user_with_role(MANAGERS, is_staff=True)
    options = {"query": "year=2019", "language": "en"}
    job = Job.objects.create(kind="export", created_by=manager, options=options)
    # The job's folder cannot be made: a file has its name (a full or broken disk).
    job.folder.parent.mkdir(parents=True, exist_ok=True)
    job.folder.write_text("in the way")

    with pytest.raises(OSError):  # the task fails too, for the worker's own record
        tasks.export_report.call(job_id=str(job.pk))

    job.refresh_from_db()
    assert (job.state, job.file.name) == (Job.State.FAILED, "")
    assert job.result["reason"] == in_language("en", UNEXPECTED)
    page = client_for(manager).get(f"/jobs/{job.pk}/").text
    assert str(job.folder) not in page and "Errno" not in page
    assert "Start again" in page
