"""Migration 0065: follow-ups of kind "idea" become opportunities, and the seed agrees."""

import datetime
import importlib
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

# The state 0065 ran on: the opportunities' tables, no opportunity yet. (Its code reads
# no column the migrations in between change; going back to 0063 cost twice the time.)
BEFORE = ("partners", "0064_opportunities_model")
AFTER = ("partners", "0065_opportunities_from_ideas")
conversion = importlib.import_module("partners.migrations.0065_opportunities_from_ideas")
SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed.json"


@pytest.fixture
def before_opportunities(newest_schema_afterwards):
    return migrate(BEFORE)


def _world(apps):
    City = apps.get_model("partners", "City")
    leipzig = City.objects.create(name="Leipzig", slug="leipzig", country="DE", is_home=True)
    nanjing = City.objects.create(name="Nanjing", slug="nanjing", country="CN")
    jining = City.objects.create(name="Jining", slug="jining", country="CN")
    trip = apps.get_model("partners", "Delegation").objects.create(
        title="Trip", slug="trip", direction="outbound", origin_city=leipzig
    )
    for order, city in enumerate([nanjing, jining], start=1):
        trip.stops.create(city=city, order=order)
    talk = apps.get_model("partners", "Meeting").objects.create(
        title="Talk", city=nanjing, date=datetime.date(2019, 6, 26)
    )
    partnership = apps.get_model("partners", "Partnership").objects.create(
        home_city=leipzig, partner_city=jining, kind="economic"
    )
    mou = apps.get_model("partners", "Memorandum").objects.create(
        title="LoI", slug="loi", partnership=partnership
    )
    return {"trip": trip, "talk": talk, "mou": mou, "jining": jining, "nanjing": nanjing}


def test_ideas_become_linked_opportunities_once_and_nothing_else_does(before_opportunities):
    # One test, not two: each trip back to the old schema costs seconds of CPU.
    apps = before_opportunities
    w = _world(apps)
    FollowUp = apps.get_model("partners", "FollowUp")
    due = datetime.date(2019, 9, 30)
    FollowUp.objects.create(title="Ideas from the trip", kind="idea", delegation=w["trip"],
                            due_on=due, description="Bring them to life.")  # fmt: skip
    FollowUp.objects.create(title="Dropped idea", kind="idea", status="dropped",
                            meeting=w["talk"], completed_on=datetime.date(2020, 1, 5))  # fmt: skip
    FollowUp.objects.create(title="Done idea", kind="idea", status="done", memorandum=w["mou"],
                            completed_on=datetime.date(2020, 2, 1))  # fmt: skip
    FollowUp.objects.create(title="Own city", kind="idea", status="in_progress",
                            partner_city=w["jining"])  # fmt: skip
    FollowUp.objects.create(title="A task", kind="task")
    logged = datetime.datetime(2019, 7, 1, 10, tzinfo=datetime.UTC)
    FollowUp.objects.update(created_at=logged)

    apps = migrate(AFTER)

    FollowUp = apps.get_model("partners", "FollowUp")
    Opportunity = apps.get_model("partners", "Opportunity")
    by_title = {o.title: o for o in Opportunity.objects.all()}
    assert set(by_title) == {"Ideas from the trip", "Dropped idea", "Done idea", "Own city"}
    trip_idea = by_title["Ideas from the trip"]
    # Two partner cities on the trip: none is chosen for the person who knows.
    assert (trip_idea.stage, trip_idea.partner_city_id) == ("idea", None)
    assert (trip_idea.next_step_on, trip_idea.notes) == (due, "Bring them to life.")
    assert trip_idea.delegation_id == w["trip"].pk
    dropped = by_title["Dropped idea"]
    assert (dropped.stage, dropped.partner_city_id) == ("lost", w["nanjing"].pk)
    assert dropped.lost_reason == conversion.DROPPED_REASON
    done = by_title["Done idea"]
    assert (done.stage, done.partner_city_id) == ("on_hold", w["jining"].pk)
    assert by_title["Own city"].partner_city_id == w["jining"].pk
    assert {o.visibility for o in by_title.values()} == {"internal"}
    # The follow-ups stay, each linked to its opportunity; the task is untouched.
    for follow_up in FollowUp.objects.filter(kind="idea"):
        assert follow_up.opportunity.title == follow_up.title
    assert FollowUp.objects.get(kind="task").opportunity_id is None
    stages = apps.get_model("partners", "OpportunityStageChange").objects.filter(
        opportunity=dropped
    )
    entered = list(stages.order_by("entered_on").values_list("stage", "entered_on"))
    assert entered == [("idea", datetime.date(2019, 7, 1)), ("lost", datetime.date(2020, 1, 5))]
    stage_rows = stages.model.objects.count()
    assert dropped.created_at == logged

    # Run again (its reverse keeps what it made), it converts no idea twice.
    migrate(BEFORE)
    apps = migrate(AFTER)
    assert apps.get_model("partners", "Opportunity").objects.count() == 4
    assert apps.get_model("partners", "OpportunityStageChange").objects.count() == stage_rows


@pytest.mark.django_db
def test_the_seed_carries_its_idea_converted_exactly_as_the_migration_would():
    call_command("loaddata", "seed", verbosity=0)
    follow_up = m.FollowUp.objects.get(kind="idea")
    home = m.City.objects.filter(is_home=True).values_list("pk", flat=True)
    expected = conversion.opportunity_values(follow_up, conversion.partner_city_id(follow_up, home))
    opportunity = follow_up.opportunity
    assert {name: getattr(opportunity, name) for name in expected} == expected
    assert opportunity.created_at == follow_up.created_at
    entered = list(opportunity.stage_changes.values_list("stage", "entered_on"))
    assert entered == conversion.stage_entries(follow_up)
    # Only the one idea of the press release: nothing invented.
    seed = json.loads(SEED.read_text())
    assert sum(1 for row in seed if row["model"] == "partners.opportunity") == 1
    assert m.Opportunity.objects.count() == 1
