"""Migration 0076: a city's region per language; the existing region is the German one."""

import pytest
from django.utils import translation

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0075_city_time_zone")


@pytest.fixture
def before_0076(newest_schema_afterwards):
    return migrate(BEFORE)


def test_the_existing_region_becomes_the_german_one_in_the_city_and_its_history(before_0076):
    City = before_0076.get_model("partners", "City")
    History = before_0076.get_model("partners", "HistoricalCity")
    city = City.objects.create(name="Leipzig", name_de="Leipzig", slug="leipzig", region="Sachsen")
    History.objects.create(
        id=city.pk, name="Leipzig", slug="leipzig", region="Sachsen", history_type="+",
        history_date="2019-06-25T10:00:00Z", created_at=city.created_at,
        updated_at=city.updated_at,
    )  # fmt: skip

    migrate()

    city = m.City.objects.get()
    assert (city.region_de, city.region_en, city.region_zh_hans) == ("Sachsen", None, None)
    with translation.override("en"):
        assert city.region == "Sachsen"  # German until someone translates it
    assert city.history.get().region_de == "Sachsen"
