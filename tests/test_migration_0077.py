"""Migration 0077: the import's match keys spell umlauts out, so "Mueller" finds "Müller"."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partners import models as m

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0076_translated_city_region")


def _migrate(target=None):
    executor = MigrationExecutor(connection)
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection).loader.project_state([target] if target else None).apps


@pytest.fixture
def before_0077(transactional_db):
    yield _migrate(BEFORE)
    _migrate()  # the newest schema for the tests that follow


def test_the_match_keys_of_existing_organisations_spell_umlauts_out(before_0077):
    Organisation = before_0077.get_model("partners", "Organisation")
    Organisation.objects.create(
        name="Müller Präzision GmbH", name_de="Müller Präzision GmbH", slug="mueller",
        kind="company", name_key="müller präzision gmbh",
    )  # fmt: skip

    _migrate()

    assert m.Organisation.objects.get().name_key == "mueller praezision gmbh"
