"""Migration 0075: cities get a time zone; those in China and Germany get their country's."""

import pytest
from django.utils import timezone

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0074_translated_follow_ups_and_positions")


@pytest.fixture
def before_0075(newest_schema_afterwards):
    return migrate(BEFORE)


def test_cities_in_china_and_germany_get_their_zone_and_others_stay_empty(before_0075):
    City = before_0075.get_model("partners", "City")
    for name, country in [("Nanjing", "CN"), ("Jining", "CN"), ("Leipzig", "DE"), ("Lyon", "FR")]:
        City.objects.create(name=name, name_de=name, slug=name.lower(), country=country)

    migrate()

    zones = dict(m.City.objects.values_list("name", "time_zone"))
    assert zones == {
        "Nanjing": "Asia/Shanghai",
        "Jining": "Asia/Shanghai",
        "Leipzig": "Europe/Berlin",
        "Lyon": "",
    }
    assert str(m.City.objects.get(name="Nanjing").tzinfo) == "Asia/Shanghai"
    assert m.City.objects.get(name="Lyon").tzinfo == timezone.get_default_timezone()
