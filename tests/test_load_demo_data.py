"""`manage.py load_demo_data` (`make run`): the seed and demo data go into an empty database
only, so that restarting `make run` keeps what was edited since."""

import io

from django.core.files.storage import default_storage
from django.core.management import call_command

from partners import models as m
from partners.demo.company_trip import TRIP_SLUG
from partners.management.commands.seed_media import SEED_PHOTO_PATHS


def load_demo_data():
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def test_an_empty_database_gets_the_seed_the_demo_trip_and_the_placeholder_photo(db):
    load_demo_data()

    assert m.City.objects.filter(slug="nanjing").exists()
    assert m.Organisation.objects.filter(slug="beispiel-praezisionsteile").exists()
    assert m.Delegation.objects.get(slug=TRIP_SLUG).registrations.count() == 8
    assert all(default_storage.exists(path) for path in SEED_PHOTO_PATHS)


def test_a_second_run_keeps_an_edited_seed_record(db):
    load_demo_data()
    nanjing = m.City.objects.get(slug="nanjing")
    nanjing.description = "Edited in the demo."
    nanjing.save()
    trip = m.Delegation.objects.get(slug=TRIP_SLUG)
    trip.registrations.first().delete()

    out = load_demo_data()

    assert "left as they are" in out
    assert m.City.objects.get(slug="nanjing").description == "Edited in the demo."
    assert trip.registrations.count() == 7


def test_every_loaded_record_has_a_history_entry_of_its_version(db):
    # The back office compares a page opened before someone else's save with the version
    # its user saw: a seed record without history would make every such page "stale".
    load_demo_data()

    for model in (m.City, m.Delegation, m.Meeting, m.Memorandum, m.MemorandumParty):
        for record in model.objects.all():
            assert record.history.filter(version=record.version).exists(), record
