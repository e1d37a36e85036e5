"""Migration 0077: the import's match keys spell umlauts out, so "Mueller" finds "Müller"."""

import pytest

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0076_translated_city_region")


@pytest.fixture
def before_0077(newest_schema_afterwards):
    return migrate(BEFORE)


def test_the_match_keys_of_existing_organisations_spell_umlauts_out(before_0077):
    Organisation = before_0077.get_model("partners", "Organisation")
    Organisation.objects.create(
        name="Müller Präzision GmbH", name_de="Müller Präzision GmbH", slug="mueller",
        kind="company", name_key="müller präzision gmbh",
    )  # fmt: skip

    migrate()

    assert m.Organisation.objects.get().name_key == "mueller praezision gmbh"
