"""Migration 0089: a published person whose basis was changed afterwards (no office, no
consent) is withdrawn before the database learns the rule; the others stay published."""

import pytest

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0088_delegation_travel_minutes")


@pytest.fixture
def before_0089(newest_schema_afterwards):
    return migrate(BEFORE)


def test_people_who_may_not_be_public_are_withdrawn(before_0089):
    Person = before_0089.get_model("partners", "Person")
    bases = {"Amt": "public_office", "Vogt": "legitimate_interest", "Kern": "consent"}
    for name, basis in bases.items():
        consent = "2020-01-01" if basis == "consent" else None
        Person.objects.create(
            full_name=name, lawful_basis=basis, consent_given_on=consent, visibility="public"
        )

    migrate()

    public = m.Person.objects.published().values_list("full_name", flat=True)
    assert sorted(public) == ["Amt", "Kern"]
