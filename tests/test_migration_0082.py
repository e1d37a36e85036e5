"""Migration 0082: existing organisations, people and cities get their names folded for
the admin search, so "Lukosz" finds "Łukosz" without a save of each."""

import pytest

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0081_wins_dated_back_in_the_stage_log")


@pytest.fixture
def before_0082(newest_schema_afterwards):
    return migrate(BEFORE)


def test_existing_names_are_folded(before_0082):
    City = before_0082.get_model("partners", "City")
    Organisation = before_0082.get_model("partners", "Organisation")
    Person = before_0082.get_model("partners", "Person")
    city = City.objects.create(
        name="São Paulo", name_de="São Paulo", slug="sao-paulo", country="BR"
    )
    company = Organisation.objects.create(
        name="Łukosz Müller", name_de="Łukosz Müller", slug="lukosz", kind="company", city=city
    )
    Person.objects.create(full_name="Paweł Wójcik", organisation=company)

    migrate()

    assert m.City.objects.get().name_folded == "sao paulo"
    assert m.Organisation.objects.get().name_folded == "lukosz muller"
    assert m.Person.objects.get().full_name_folded == "pawel wojcik"
