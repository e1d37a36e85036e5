"""The seed's planned company trip can be opened for registration in the demo (issue 17):
`make run`'s loading steps, twice, then the real scheduler and the public pages."""

import datetime
import html
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from partners import models as m
from partners.demo.company_trip import TRIP_SLUG, load_company_trip
from partners.scheduling.trips import schedule_meetings

LANGUAGES = ["de", "en", "zh-hans"]


def load_demo():
    """What `make run` loads, in its order (migrations are the test database's)."""
    call_command("loaddata", "seed", "demo_companies", verbosity=0)
    out = io.StringIO()
    call_command("demo_company_trip", stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            m.DelegationStop,
            m.MeetingSlot,
            m.TripRegistration,
            m.MeetingRequest,
            m.Person,
            m.Organisation,
        )
    }


@pytest.fixture
def trip(db):
    load_demo()
    first = counts()
    assert "schedule_meetings " + TRIP_SLUG in load_demo()  # `make run` a second time
    assert counts() == first
    return m.Delegation.objects.get(slug=TRIP_SLUG)


def test_the_planned_trip_is_open_with_stops_slots_and_registrations(trip):
    assert trip.status == "planned" and trip.visibility == "public"
    assert trip.registration_open and trip.capacity == 6
    assert trip.registration_closes_on < trip.start_date < trip.end_date
    assert trip.start_date.weekday() == 0
    assert [s.city.slug for s in trip.stops.order_by("order")] == ["nanjing", "jining"]
    assert trip.slots.count() == 7
    for record in [*trip.slots.all(), *trip.registrations.all()]:
        record.full_clean()  # within the stops' dates and the trip's capacity
    statuses = sorted(trip.registrations.values_list("status", flat=True))
    assert statuses == ["accepted"] * 6 + ["confirmed", "waitlisted"]
    assert all(r.representatives.exists() for r in trip.registrations.all())


def test_loading_on_a_later_day_after_the_seed_reset_the_trip_adds_nothing(trip):
    before, start = counts(), trip.start_date
    call_command("loaddata", "seed", verbosity=0)  # blanks the trip's dates again
    load_company_trip(today=start + datetime.timedelta(days=40))
    trip.refresh_from_db()
    assert counts() == before
    assert trip.start_date == start and trip.registration_open


def test_the_dry_run_summary_is_in_the_active_language(trip):
    said = {}
    for language in LANGUAGES:
        out = io.StringIO()
        with translation.override(language):
            call_command("schedule_meetings", TRIP_SLUG, "--dry-run", "--seconds", "1", stdout=out)
        said[language] = out.getvalue().splitlines()[0]  # then what stayed out, and why

    assert said["de"].endswith("Teilnehmer ohne Treffen: 0 (Probelauf, nichts gespeichert)")
    assert said["en"].endswith("without a meeting 0 (dry run, nothing saved)")
    assert said["zh-hans"].endswith("（试运行，未保存任何内容）")


def test_the_scheduler_places_the_accepted_companies_requests(trip):
    out = io.StringIO()
    call_command("schedule_meetings", TRIP_SLUG, "--dry-run", "--seconds", "5", stdout=out)
    assert "12" in out.getvalue() and "15" in out.getvalue()
    assert not trip.meeting_requests.filter(status="scheduled").exists()  # a dry run

    result = schedule_meetings(delegation=trip, seconds=5)

    # Each government meets one company per slot: Nanjing has 4 slots for 6 wishes,
    # Jining 3 for 4; everything else fits. The confirmed and wait-listed companies wait.
    assert (result.scheduled, result.total) == (12, 15)
    assert (result.mutual_scheduled, result.mutual_total) == (2, 2)
    assert (result.high_scheduled, result.high_total) == (6, 6)
    assert result.participants_without_meeting == 0
    assert trip.meeting_requests.filter(status="scheduled").count() == 12


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registration_form_opens_in_each_language(trip, language):
    page = Client().get(f"/{language}/delegations/{TRIP_SLUG}/register/")
    assert page.status_code == 200
    assert 'name="contact_email"' in page.text  # the form, not "registration closed"
    offered = set(re.findall(r'name="counterparts" value="(\d+)"', page.text))
    governments = m.Organisation.objects.filter(
        slug__in=["stadtregierung-nanjing", "regionalregierung-jining"]
    )
    assert offered == {str(pk) for pk in governments.values_list("pk", flat=True)}


def demo_markers() -> set[str]:
    """What the demo added that only the office may read."""
    trip = m.Delegation.objects.get(slug=TRIP_SLUG)
    markers = set()
    for registration in trip.registrations.select_related("organisation"):
        markers.add(registration.organisation.name_de)
        markers.update(w for w in [registration.wishes] if w)
        for person in registration.representatives.all():
            markers.update([person.full_name, person.email] if person.email else [person.full_name])
    for counterpart in m.Organisation.objects.filter(slug__startswith="beispiel-").exclude(
        kind="company"
    ):
        markers.update([counterpart.name_de, counterpart.name_en, counterpart.name_zh_hans])
    return markers


SKIP = ("/admin/", "/files/", "/jobs/", "/reports/", "/static/", "/i18n/", "/media/")


def crawl(client, start: list[str], limit: int = 400):
    """Every public page reachable by links from ``start`` (same site), with its body."""
    seen, queue = set(start), list(start)
    while queue and len(seen) <= limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = html.unescape(body.decode(errors="replace"))
        yield url, text
        for link in re.findall(r'(?:href|src)="(/[^"#]*)', text):
            if not link.startswith(SKIP) and link not in seen:
                seen.add(link)
                queue.append(link)


def test_nothing_of_the_demo_registrations_reaches_a_public_page(trip):
    markers = demo_markers()
    assert len(markers) > 20
    start = [f"/{language}/" for language in LANGUAGES]
    for language in LANGUAGES:
        start += [
            f"/{language}/delegations/{TRIP_SLUG}/",
            f"/{language}/delegations/{TRIP_SLUG}/register/",
            f"/{language}/calendar/",
            f"/{language}/feeds/delegations.atom",
            f"/{language}/feeds/delegations.ics",
        ]
        start += [
            f"/{language}/{page}/?format={fmt}"
            for page in ("delegations", "companies")
            for fmt in ("csv", "json")
        ]
    start += ["/sitemap.xml", "/opendata/catalog.jsonld"]
    pages = 0
    for url, text in crawl(Client(), start):
        pages += 1
        leaked = [marker for marker in markers if marker.lower() in text.lower()]
        assert not leaked, (url, leaked)
    assert pages > 30


def test_a_cancelled_trip_is_not_scheduled(trip):
    trip.status = m.Delegation.Status.CANCELLED
    trip.save()
    with translation.override("en"), pytest.raises(CommandError, match="The trip is cancelled"):
        call_command("schedule_meetings", TRIP_SLUG, "--seconds", "1")
    assert not trip.meeting_requests.filter(status="scheduled").exists()
