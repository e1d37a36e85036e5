"""Migration 0074: follow-ups and the copies of a person's position become translated."""

import pytest

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0001_squashed_0073_organisation_names")


@pytest.fixture
def before_0074(newest_schema_afterwards):
    return migrate(BEFORE)


def test_the_texts_stay_german_and_copied_positions_take_the_persons_translations(before_0074):
    apps = before_0074
    City = apps.get_model("partners", "City")
    leipzig = City.objects.create(name="Leipzig", name_de="Leipzig", slug="leipzig", country="DE")
    trip = apps.get_model("partners", "Delegation").objects.create(
        title="Reise", title_de="Reise", slug="reise", direction="outbound", origin_city=leipzig
    )
    people = apps.get_model("partners", "Person").objects
    mayor = people.create(
        full_name="Shi", position="Oberbürgermeister", position_de="Oberbürgermeister",
        position_en="Mayor", position_zh_hans="市长",
    )  # fmt: skip
    head = people.create(full_name="Körner", position="Geschäftsführer")
    trip.members.create(person=mayor, position_at_time="Oberbürgermeister")  # a copy
    trip.members.create(person=head, position_at_time="Geschäftsführer der IRL")  # typed
    follow_up = apps.get_model("partners", "FollowUp").objects.create(
        title="Reise vorbereiten", description="Bald.", delegation=trip
    )
    apps.get_model("partners", "HistoricalFollowUp").objects.create(  # its first version
        id=follow_up.pk, title=follow_up.title, description=follow_up.description,
        created_at=follow_up.created_at, updated_at=follow_up.updated_at,
        history_date=follow_up.created_at, history_type="+",
    )  # fmt: skip

    migrate()

    positions = m.DelegationMember.objects.rewrite(False).order_by("pk")
    assert list(positions.values_list("position_at_time_de", "position_at_time_en")) == [
        ("Oberbürgermeister", "Mayor"),
        ("Geschäftsführer der IRL", None),
    ]
    assert positions.first().position_at_time_zh_hans == "市长"
    follow_up = m.FollowUp.objects.get()
    assert (follow_up.title_de, follow_up.description_de) == ("Reise vorbereiten", "Bald.")
    assert m.FollowUp.history.get().title_de == "Reise vorbereiten"
