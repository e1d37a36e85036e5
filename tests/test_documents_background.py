"""A delegation's handouts with many profiles are printed by the worker (issue 18, point 5):
GET offers a button, its POST starts a job, the job page serves the PDF when done.

The tasks run on the immediate backend (inside the request), as in test_background_jobs.
"""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from pypdf import PdfReader

from partners.models import Job
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role

pytestmark = pytest.mark.django_db
LIMIT = 3
# Session, user, delegation, the two permission lookups, the count of profiles.
BUTTON_PAGE_QUERIES = 6


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_DOCUMENT_BACKGROUND_PROFILES = LIMIT
    with translation.override("en"):
        yield


@pytest.fixture
def officer():
    return client_for(user_with_role(TRADE_OFFICERS))


def trip_with_profiles(count):
    trip = f.DelegationFactory(title="Trade mission to Nanjing")
    names = [f"Handout Company {number:02d} GmbH" for number in range(count)]
    for name in names:
        f.ProfileHandoverFactory(delegation=trip, profile__organisation__name=name)
    return trip, names


def handouts_url(trip, lang="en"):
    return f"/admin/partners/delegation/{trip.pk}/handouts.pdf?lang={lang}"


def pdf_pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_large_batch_is_offered_as_a_button_and_get_writes_nothing(officer):
    trip, _names = trip_with_profiles(LIMIT + 1)

    response = officer.get(handouts_url(trip))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "more than 3 company profiles" in response.text
    assert 'method="post" action="?lang=en"' in response.text
    assert "Print in the background" in response.text
    assert not Job.objects.exists()


def test_the_button_page_makes_as_many_queries_for_many_profiles(
    officer, django_assert_num_queries
):
    small, _ = trip_with_profiles(LIMIT + 1)
    large, _ = trip_with_profiles(LIMIT + 10)
    officer.get(handouts_url(small))  # session and content types warmed up
    with django_assert_num_queries(BUTTON_PAGE_QUERIES):
        assert officer.get(handouts_url(small)).status_code == 200
    with django_assert_num_queries(BUTTON_PAGE_QUERIES):
        assert officer.get(handouts_url(large)).status_code == 200


def test_the_post_prints_the_batch_in_a_job_with_one_page_per_profile(officer):
    trip, names = trip_with_profiles(LIMIT + 2)

    response = officer.post(handouts_url(trip, "de"))

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.outcome, job.progress, job.total) == ("documents", "done", 5, 5)
    assert Path(job.file.path).parent == job.folder  # kept under the job's folder
    page = officer.get(response["Location"])
    assert "Finished" in page.text and "5 / 5" in page.text
    assert f'href="/jobs/{job.pk}/download/"' in page.text
    assert 'http-equiv="refresh"' not in page.text
    download = officer.get(f"/jobs/{job.pk}/download/")
    assert f'filename="handouts-{trip.slug}-de.pdf"' in download["Content-Disposition"]
    pages = pdf_pages(download)
    assert len(pages) == len(names)
    for text, name in zip(pages, sorted(names), strict=True):
        assert name in text
        assert "Produkte" in text  # printed in the language asked for


def test_a_small_batch_is_still_printed_in_the_request(officer):
    trip, names = trip_with_profiles(LIMIT)

    response = officer.get(handouts_url(trip))

    assert response.status_code == 200
    assert len(pdf_pages(response)) == len(names)
    assert not Job.objects.exists()


def test_without_the_view_right_there_is_neither_a_pdf_nor_a_job(db):
    trip, _ = trip_with_profiles(LIMIT + 1)
    nobody = client_for(f.UserFactory(is_staff=True))

    assert nobody.get(handouts_url(trip)).status_code == 403
    assert nobody.post(handouts_url(trip)).status_code == 403
    assert not Job.objects.exists()


def test_the_job_and_its_pdf_are_hidden_from_staff_without_the_view_right(officer):
    trip, _ = trip_with_profiles(LIMIT + 1)
    officer.post(handouts_url(trip))
    job = Job.objects.get()
    other = f.UserFactory(is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="view_reports"))
    outsider = client_for(other)

    assert outsider.get(f"/jobs/{job.pk}/").status_code == 404
    assert outsider.get(f"/jobs/{job.pk}/download/").status_code == 404
    colleague = client_for(user_with_role(TRADE_OFFICERS))
    assert colleague.get(f"/jobs/{job.pk}/download/").status_code == 200


def test_a_batch_is_laid_out_in_chunks_that_report_progress_and_join_into_one_pdf(
    monkeypatch,
):
    from partners import documents
    from partners.documents import handouts

    monkeypatch.setattr(handouts, "CHUNK", 2)
    trip, names = trip_with_profiles(5)
    heard = []

    pdf = documents.handouts_pdf(
        documents.profiles_for_delegation(trip),
        language="en",
        delegation=trip,
        progress=lambda done, total: heard.append((done, total)),
    )

    assert heard == [(2, 5), (4, 5), (5, 5)]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert [name in page for name, page in zip(names, pages, strict=True)] == [True] * 5
    assert not any(" / 5" in page or " / 2" in page for page in pages)  # no batch count


def test_the_right_to_view_trips_alone_prints_no_profiles(officer):
    """The handouts are the profiles' pages: without the right to view company profiles
    a user sees neither the trip's handouts, nor their link, nor a colleague's job."""
    small, _ = trip_with_profiles(LIMIT)
    large, _ = trip_with_profiles(LIMIT + 1)
    officer.post(handouts_url(large))
    job = Job.objects.get()
    user = f.UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_delegation"))
    trips_only = client_for(user)

    assert trips_only.get(handouts_url(small)).status_code == 403
    assert trips_only.post(handouts_url(large)).status_code == 403
    assert Job.objects.count() == 1
    assert trips_only.get(f"/jobs/{job.pk}/download/").status_code == 404
    page = trips_only.get(f"/admin/partners/delegation/{small.pk}/change/")
    assert page.status_code == 200
    assert "handouts.pdf" not in page.text


def trip_with_counterparts(count):
    trip = f.DelegationFactory(title="Trade mission to Nanjing")
    city = f.CityFactory()  # a partner city: home-city organisations are no counterparts
    names = [f"Counterpart {trip.pk}-{number:02d} Co." for number in range(count)]
    for name in names:
        meeting = f.MeetingFactory(delegation=trip, city=city)
        meeting.organisations.add(f.OrganisationFactory(name=name, city=city))
    return trip, names


def briefing_url(trip, lang="en"):
    return f"/admin/partners/delegation/{trip.pk}/briefing.pdf?lang={lang}"


def test_a_briefing_with_many_counterparts_is_printed_by_the_worker(settings, officer):
    settings.CRM_DOCUMENT_BACKGROUND_COUNTERPARTS = 2
    small, _ = trip_with_counterparts(2)
    assert pdf_pages(officer.get(briefing_url(small)))  # still printed in the request
    large, names = trip_with_counterparts(3)
    offer = officer.get(briefing_url(large))
    assert "more than 2 counterparts" in offer.text
    assert not Job.objects.exists()  # GET writes nothing

    response = officer.post(briefing_url(large, "de"))

    job = Job.objects.get()
    assert (response["Location"], job.kind) == (f"/jobs/{job.pk}/", "briefing")
    page = officer.get(response["Location"]).text
    assert "Finished" in page and "Company profiles printed" not in page
    download = officer.get(f"/jobs/{job.pk}/download/")
    assert f'filename="briefing-{large.slug}-de.pdf"' in download["Content-Disposition"]
    text = " ".join(pdf_pages(download))
    assert all(name in text for name in names)
    # A failed briefing starts again as a briefing, not as the trip's handouts.
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)
    assert officer.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert (job.outcome, job.file.name) == ("done", f"jobs/{job.pk}/briefing.pdf")
    # Only those who may read a briefing see the job and its file.
    handouts_only = f.UserFactory(is_staff=True)
    handouts_only.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[f"view_{model}" for model in
                          ("delegation", "profilehandover", "companyprofile", "organisation",
                           "person")]
        )
    )  # fmt: skip
    assert client_for(handouts_only).get(f"/jobs/{job.pk}/download/").status_code == 404
