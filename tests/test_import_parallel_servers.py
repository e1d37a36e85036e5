"""One preview confirmed from four places at once imports once, on SQLite too: real
parallel HTTP requests to a gunicorn with four threads on a SQLite file (the test
database is in memory and cannot show it; tests/test_import_parallel.py does the same
with threads on PostgreSQL). Issue 11, point 3."""

import http.cookiejar
import json
import sqlite3
import sys
import threading
import urllib.request

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="on PostgreSQL, test_import_parallel.py"
)
ALREADY = "This import has already been confirmed"
SETUP = """
import json
from django.contrib.auth.models import Group, User
from django.test import Client
from partners import tasks
from tests.factories import HomeCityFactory
from tests.import_files import xlsx

HomeCityFactory(name="Leipzig")
administrators = Group.objects.get(name="Administrators")
for name in ("anna", "ben"):
    User.objects.create_user(name, is_staff=True).groups.add(administrators)
sessions = []
for name in ("anna", "anna", "ben", "ben"):
    client = Client()
    client.force_login(User.objects.get(username=name))
    sessions.append(client.cookies["sessionid"].value)
rows = [[f"Firma {n} GmbH", f"HRB {n}", "Leipzig"] for n in range(20)]
job = tasks.start_import(
    data=xlsx(rows), filename="p.xlsx", user=User.objects.get(username="anna"),
    skip_invalid=False,
)
print(json.dumps({"job": str(job.pk), "sessions": sessions}))
"""


def _browser(session: str):
    """A client with its own cookies (session, CSRF, messages), as a browser tab has."""
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, "sessionid", session, None, False, "127.0.0.1", False, False, "/", True,
            False, None, True, None, None, {},
        )
    )  # fmt: skip
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept-Language", "en")]
    return opener


def test_four_confirms_at_once_import_once_on_a_sqlite_file(processes, tmp_path, migrated_sqlite):
    database = tmp_path / "db.sqlite3"
    processes.env |= {"DATABASE_URL": migrated_sqlite(database)}
    setup = json.loads(processes.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    base = processes.server(
        "gunicorn",
        *(sys.executable, "-m", "gunicorn", "crm.wsgi", "--workers=2", "--threads=2"),
        *("--graceful-timeout=1", "-b", "127.0.0.1:{port}"),
    )
    job_page = f"/jobs/{setup['job']}/"
    places = []
    for session in setup["sessions"]:  # each place has the preview open, with its token
        browser = _browser(session)
        with browser.open(f"{base}{job_page}", timeout=60) as response:
            html = response.read().decode()
        assert "confirm/" in html
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        places.append((browser, f"csrfmiddlewaretoken={token}".encode()))
    start, answers = threading.Barrier(len(places)), [None] * len(places)

    def confirm(index, browser, body):
        start.wait()
        try:
            with browser.open(f"{base}{job_page}confirm/", body, timeout=60) as response:
                answers[index] = (response.status, response.read().decode())
        except Exception as error:
            answers[index] = (error, "")

    threads = [threading.Thread(target=confirm, args=(i, *place)) for i, place in enumerate(places)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _html in answers] == [200] * 4  # each followed its redirect
    assert [ALREADY in html for _status, html in answers].count(True) == 3
    with sqlite3.connect(database) as db:
        runs = db.execute("SELECT count(*) FROM partners_importrun").fetchone()[0]
        companies = db.execute("SELECT count(*) FROM partners_organisation").fetchone()[0]
    assert (runs, companies) == (1, 20)
