"""Cached query results (django-cachalot): served until a write to a table they read, in
this process and in every other process sharing the cache.

The in-process tests are marked ``cached`` (tests/conftest.py turns caching off for the
others). The last two start real servers and workers: the embedded default (runserver,
db_worker, SQLite, the cache in a folder) and the way past one machine (two gunicorn
servers and two workers on one PostgreSQL and one Redis).
"""

import datetime
import os
import sqlite3
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partners import models as m
from partners.imports import import_profiles
from partners.reports import places
from partners.reports.figures import MEASURES
from tests import factories as f
from tests.databases import postgresql_url
from tests.import_files import csv_bytes
from tests.processes import page

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NEW_COMPANY = "Zwischenspeicher Testfirma GmbH"


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.cached
@pytest.mark.django_db
def test_a_page_read_again_is_served_from_the_cache_until_a_record_is_published():
    profile = f.CompanyProfileFactory(
        organisation__name=NEW_COMPANY, consent_to_share=True, visibility=m.Visibility.INTERNAL
    )
    client = Client()
    first, queries = get(client, "/en/companies/")
    again, queries_again = get(client, "/en/companies/")
    assert NEW_COMPANY not in again
    assert queries_again < queries

    profile.visibility = m.Visibility.PUBLIC
    profile.save()

    assert NEW_COMPANY in get(client, "/en/companies/")[0]
    assert "1" in get(client, "/en/")[0]  # the home page's count read the table afresh too


@pytest.mark.cached
@pytest.mark.django_db
def test_unpublishing_takes_a_record_off_every_cached_public_page():
    profile = f.CompanyProfileFactory(
        organisation__name=NEW_COMPANY, consent_to_share=True, visibility=m.Visibility.PUBLIC
    )
    client = Client()
    for url in ("/en/companies/", "/sitemap-companies.xml"):
        get(client, url)
    m.CompanyProfile.objects.filter(pk=profile.pk).update(visibility=m.Visibility.INTERNAL)
    assert NEW_COMPANY not in get(client, "/en/companies/")[0]
    assert profile.slug not in get(client, "/sitemap-companies.xml")[0]


@pytest.mark.cached
@pytest.mark.django_db
def test_an_import_drops_the_cached_results_of_the_tables_it_wrote():
    # On PostgreSQL the import writes with COPY, which cachalot does not see by itself.
    f.HomeCityFactory(name="Leipzig", slug="leipzig")
    client = Client()
    get(client, "/en/companies/")
    sheet = csv_bytes(
        [[NEW_COMPANY, "Leipzig", "ja", "ja"]], ["Firma", "Ort", "Freigabe", "Veröffentlichen"]
    )
    result = import_profiles(source=sheet, filename="firmen.csv")
    assert (result.created, result.errors) == (1, [])
    assert NEW_COMPANY in get(client, "/en/companies/")[0]


@pytest.mark.cached
@pytest.mark.django_db
def test_the_report_counts_a_meeting_logged_after_it_was_cached(django_user_model):
    home = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    partner = f.CityFactory(name="Nanjing", slug="nanjing")
    f.PartnershipFactory(home_city=home, partner_city=partner)
    trip = f.DelegationFactory(origin_city=home, start_date="2019-06-25", end_date="2019-06-30")
    f.DelegationStopFactory(delegation=trip, city=partner, order=1)
    manager = django_user_model.objects.create_superuser("boss", password="x")
    client = Client()
    client.force_login(manager)
    meetings = MEASURES.index("meetings")

    def total_meetings():
        for _ in range(2):  # the second time from the cache
            response = client.get("/reports/?year=2019")
        return response.context["total"][meetings]

    assert total_meetings() == 0
    f.MeetingFactory(delegation=trip, city=partner, date="2019-06-26")
    assert total_meetings() == 1


@pytest.mark.cached
@pytest.mark.django_db
def test_the_reports_figures_are_kept_whole_until_a_write_to_any_table_they_count(
    django_user_model,
):
    home = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    partner = f.CityFactory(name="Nanjing", slug="nanjing")
    f.PartnershipFactory(home_city=home, partner_city=partner)
    meeting = f.MeetingFactory(city=partner, date="2019-06-26")
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    meetings = MEASURES.index("meetings")

    def report():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/reports/?year=2019")
        return response.context["total"][meetings], len(queries)

    assert report()[0] == 1
    again, queries_again = report()
    assert again == 1
    # The session, the user, the partner cities and the city choice: no counting at all.
    assert queries_again <= 4, queries_again
    # A meeting saved: the meetings are counted again, and no other kind of record.
    meeting.title = "Renamed"
    meeting.save()
    assert report() == (1, queries_again + 1)

    meeting.date = datetime.date(2018, 6, 26)
    meeting.save()
    assert report()[0] == 0
    # A queryset update sends no signal: the meeting's kept day follows once the places
    # are refreshed, as every write around the ORM's signals must (reports.places).
    m.Meeting.objects.filter(pk=meeting.pk).update(date="2019-06-26")
    places.refresh("meetings")
    assert report()[0] == 1
    # A write to another table the figures read: the meeting's city is no partner now.
    m.Partnership.objects.all().delete()
    assert report()[0] == 0


# --- other processes ----------------------------------------------------------------------


def enqueue_import(processes, tmp_path):
    """The worker previews, then imports a published company (the import ends with COPY on
    PostgreSQL)."""
    sheet = tmp_path / "firmen.csv"
    header = ["Firma", "Ort", "Freigabe", "Veröffentlichen"]
    sheet.write_bytes(csv_bytes([[NEW_COMPANY, "Leipzig", "ja", "ja"]], header))
    processes.env["CRM_IMPORT_BACKGROUND_ROWS"] = "0"  # however small, the worker's
    processes.manage(
        "shell", "-c",
        "from django.contrib.auth.models import User; from partners import tasks; "
        # Publishing needs the right to (an administrator's).
        "user, _ = User.objects.get_or_create(username='import-test', is_superuser=True); "
        f"job = tasks.start_import(data=open({str(sheet)!r}, 'rb').read(), "
        "filename='firmen.csv', user=user, skip_invalid=False)\n"
        # The dry run is the worker's too: once it is done, confirm it as the job page does.
        "import time\n"
        "for _ in range(600):\n"
        "    if tasks.confirm_import(job): break\n"
        "    time.sleep(0.2)",
    )  # fmt: skip


def wait_for_tasks(count_done, timeout=120):
    """Until every task has finished (its result is written after the import committed)."""
    for _ in range(timeout * 5):
        done, pending = count_done()
        if done and not pending:
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not finish the import")


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="a SQLite file of its own: it runs with the SQLite database",
)
def test_a_write_in_the_worker_shows_in_the_web_process_at_once_on_the_embedded_default(
    processes, tmp_path, migrated_sqlite
):
    database = tmp_path / "db.sqlite3"
    cache = tmp_path / "cache"
    processes.env |= {"DATABASE_URL": migrated_sqlite(database), "CACHE_URL": f"file://{cache}"}
    processes.manage("loaddata", "seed")
    web = processes.server(
        "runserver", sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"
    )
    processes.start("db_worker", sys.executable, "manage.py", "db_worker")
    for _ in range(2):
        assert NEW_COMPANY not in page(f"{web}/en/companies/")
    assert any(cache.iterdir())  # the web process did cache the list

    enqueue_import(processes, tmp_path)

    def count_done():
        with sqlite3.connect(database) as db:
            rows = dict(
                db.execute(
                    "SELECT status = 'SUCCESSFUL', count(*) FROM django_tasks_database_dbtaskresult"
                    " GROUP BY status = 'SUCCESSFUL'"
                ).fetchall()
            )
        return rows.get(1, 0), rows.get(0, 0)

    wait_for_tasks(count_done)
    assert NEW_COMPANY in page(f"{web}/en/companies/")


def redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def post_publish(base, sessionid, profile):
    """The admin's publish action, as a browser sends it (CSRF token and cookie)."""
    url = f"{base}/admin/partners/companyprofile/"
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={sessionid}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        html = response.read().decode()
        cookies = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie"))
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    body = {"csrfmiddlewaretoken": token, "action": "publish", "_selected_action": profile.pk}
    request = urllib.request.Request(
        url,
        data=urlencode(body).encode(),
        headers={"Cookie": f"sessionid={sessionid}; {cookies}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several hosts share PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_servers_and_two_workers_on_one_database_and_redis_agree(
    processes, tmp_path, django_user_model
):
    redis_or_skip()
    processes.env |= {
        "DATABASE_URL": postgresql_url(connection.settings_dict),
        "CACHE_URL": REDIS_URL,
    }
    f.HomeCityFactory(name="Leipzig", slug="leipzig")
    profile = f.CompanyProfileFactory(
        organisation__name="Zweiter Host AG",
        consent_to_share=True,
        visibility=m.Visibility.INTERNAL,
    )
    admin = django_user_model.objects.create_superuser("publisher", password="x")
    # Written by this process, which does not share the cache: as after a restore.
    processes.manage("invalidate_cachalot")
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "crm.wsgi",
        "--workers=1",
        "--graceful-timeout=1",
        "-b",
        "127.0.0.1:{port}",
    ]
    first = processes.server("gunicorn-1", *gunicorn)
    second = processes.server("gunicorn-2", *gunicorn)
    processes.start("db_worker-1", sys.executable, "manage.py", "db_worker")
    processes.start("db_worker-2", sys.executable, "manage.py", "db_worker")
    for _ in range(2):
        listed = page(f"{second}/en/companies/")
        assert "Zweiter Host AG" not in listed and NEW_COMPANY not in listed

    post_publish(first, session_cookie(admin), profile)
    assert "Zweiter Host AG" in page(f"{second}/en/companies/")

    enqueue_import(processes, tmp_path)

    def count_done():
        from django_tasks_db.models import DBTaskResult

        finished = DBTaskResult.objects.filter(status="SUCCESSFUL").count()
        return finished, DBTaskResult.objects.exclude(status="SUCCESSFUL").count()

    wait_for_tasks(count_done)
    for server in (first, second):
        assert NEW_COMPANY in page(f"{server}/en/companies/")


@pytest.mark.cached
@pytest.mark.django_db
def test_a_follow_up_counted_by_its_opportunitys_trip_follows_a_handover_moved_to_a_trip(
    django_user_model,
):
    """A follow-up of an opportunity of a handover follows the handover's trip (direction):
    the follow-ups' kept counts end with a write to the handovers too."""
    home = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    partner = f.CityFactory(name="Nanjing", slug="nanjing")
    f.PartnershipFactory(home_city=home, partner_city=partner)
    trip = f.DelegationFactory(origin_city=home, start_date="2019-06-25", end_date="2019-06-30")
    f.DelegationStopFactory(delegation=trip, city=partner, order=1)
    handover = f.ProfileHandoverFactory(delegation=None, handed_over_on="2019-06-26")
    opportunity = f.OpportunityFactory(partner_city=partner, handover=handover)
    f.FollowUpFactory(opportunity=opportunity, due_on="2019-07-01")
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    open_follow_ups = MEASURES.index("follow_ups_open")

    def outbound():
        for _ in range(2):  # the second time from the cache
            response = client.get("/reports/?year=2019&direction=outbound")
        return response.context["total"][open_follow_ups]

    assert outbound() == 0
    handover.delegation = trip
    handover.save()
    assert outbound() == 1
