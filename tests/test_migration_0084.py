"""Migration 0084: the organisation names kept on existing memoranda and opportunities are
folded for the admin search, so "Muller" finds them without a save of each."""

import pytest

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0083_upload_checks_in_forms")


@pytest.fixture
def before_0084(newest_schema_afterwards):
    return migrate(BEFORE)


def test_existing_organisation_names_are_folded(before_0084):
    Memorandum = before_0084.get_model("partners", "Memorandum")
    Opportunity = before_0084.get_model("partners", "Opportunity")
    City = before_0084.get_model("partners", "City")
    city = City.objects.create(name="Nanjing", name_de="Nanjing", slug="nanjing", country="CN")
    Memorandum.objects.create(
        title="MoU", title_de="MoU", slug="mou", organisation_names="Müller GmbH\\nŁukosz"
    )
    Opportunity.objects.create(
        title="Werk",
        title_de="Werk",
        slug="werk",
        partner_city=city,
        organisation_names="Stahlbau Körner GmbH",
    )

    migrate()

    assert m.Memorandum.objects.get().organisation_names_folded == "muller gmbh\\nlukosz"
    assert m.Opportunity.objects.get().organisation_names_folded == "stahlbau korner gmbh"
