"""One import of one file at a time, and no company created twice, under real parallel
requests: threads with connections of their own, on a committed (transactional) database.

Double clicks, two tabs and two administrators confirming the same preview: exactly one
import runs and the others are told so. Two different files creating the same new company
(same register number, or the same normalised name and city) create it once: the existence
checks run inside the write transaction, under the lock that serialises imports.
"""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from partners.models import ImportRun, Job, Organisation
from partners.roles import ADMINISTRATORS
from tests.backoffice import client_for, user_with_role
from tests.factories import HomeCityFactory
from tests.import_files import xlsx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite" and not connection.settings_dict["TEST"]["NAME"],
        reason="SQLite's in-memory test database (shared cache) answers a second writer "
        "with 'table is locked' at once; a file database waits (BEGIN IMMEDIATE, 20 s)",
    ),
]

IMPORT_URL = reverse("admin:partners_companyprofile_import")
ALREADY = "This import has already been confirmed"


@pytest.fixture(autouse=True)
def leipzig():
    return HomeCityFactory(name="Leipzig")


def in_parallel(*calls):
    """Runs the calls at the same moment, each in a thread with its own connection."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def preview(client, rows, name="p.xlsx") -> str:
    upload = SimpleUploadedFile(name, xlsx(rows))
    response = client.post(IMPORT_URL, {"import_file": upload})
    assert response.status_code == 302
    return response.url


def test_one_preview_confirmed_from_four_places_at_once_imports_once():
    anna, ben = user_with_role(ADMINISTRATORS), user_with_role(ADMINISTRATORS)
    clients = [client_for(anna), client_for(anna), client_for(ben), client_for(ben)]
    job_url = preview(clients[0], [[f"Firma {n} GmbH", f"HRB {n}", "Leipzig"] for n in range(20)])

    answers = in_parallel(*(lambda c=c: c.post(job_url + "confirm/") for c in clients))

    assert [getattr(a, "status_code", a) for a in answers] == [302] * 4
    assert ImportRun.objects.count() == 1, Job.objects.get().result
    assert Organisation.objects.count() == 20
    told = [ALREADY in client.get(job_url).text for client in clients]
    assert told.count(True) == 3
    assert Job.objects.get().outcome == "done"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (["Neu GmbH", "HRB 7", "Leipzig"], ["Neu GmbH", "HRB 7", "Leipzig"]),
        (["Neu GmbH", "", "Leipzig"], ["NEU G.m.b.H.", "", "Leipzig"]),
    ],
    ids=["same register number", "same normalised name and city"],
)
def test_two_files_creating_the_same_company_at_once_create_it_once(first, second):
    client = client_for(user_with_role(ADMINISTRATORS))
    urls = [
        preview(client, [first, ["Eins AG", "", "Leipzig"]], "a.xlsx"),
        preview(client, [second, ["Zwei AG", "", "Leipzig"]], "b.xlsx"),
    ]
    assert all("1 new" not in client.get(url).text for url in urls)  # Both say "2 new".

    answers = in_parallel(*(lambda u=u: client.post(u + "confirm/") for u in urls))

    assert [getattr(a, "status_code", a) for a in answers] == [302, 302]
    assert sorted(Organisation.objects.values_list("name", flat=True)) in (
        ["Eins AG", first[0], "Zwei AG"],
        ["Eins AG", second[0], "Zwei AG"],
    )
    runs = ImportRun.objects.order_by("pk")
    assert [(run.created, run.updated + run.unchanged) for run in runs] == [(2, 0), (1, 1)]
