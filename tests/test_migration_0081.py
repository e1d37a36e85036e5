"""Migration 0081: a win dated back after the board's move reads its day won in the stage log."""

import datetime

import pytest

from partners import models as m

from .replay import migrate

# Replays a data migration: run on SQLite in CI (.ci/run), where the same code runs.
pytestmark = pytest.mark.migration

BEFORE = ("partners", "0080_tripregistration_stops")
D = datetime.date


@pytest.fixture
def before_0081(newest_schema_afterwards):
    return migrate(BEFORE)


def _opportunity(apps, slug, stage, won_on, log):
    Opportunity = apps.get_model("partners", "Opportunity")
    Change = apps.get_model("partners", "OpportunityStageChange")
    opportunity = Opportunity.objects.create(
        title=slug, title_de=slug, slug=slug, stage=stage, won_on=won_on,
        lost_reason="Elsewhere" if stage == "lost" else "",
    )  # fmt: skip
    for logged_stage, day in log:
        Change.objects.create(opportunity=opportunity, stage=logged_stage, entered_on=day)


def _log(slug):
    changes = m.OpportunityStageChange.objects.filter(opportunity__slug=slug).order_by("pk")
    return list(changes.values_list("stage", "entered_on"))


def test_the_last_logged_win_reads_the_day_won(before_0081):
    moved, dated = D(2026, 12, 1), D(2026, 3, 15)
    _opportunity(before_0081, "dated-back", "won", dated,
                 [("idea", moved), ("won", moved)])  # fmt: skip
    _opportunity(before_0081, "won-twice", "won", dated,
                 [("won", D(2025, 1, 1)), ("lost", D(2025, 6, 1)), ("won", moved)])  # fmt: skip
    _opportunity(before_0081, "lost-since", "lost", dated,
                 [("won", moved), ("lost", moved)])  # fmt: skip

    migrate()

    assert _log("dated-back") == [("idea", moved), ("won", dated)]
    assert _log("won-twice") == [("won", D(2025, 1, 1)), ("lost", D(2025, 6, 1)), ("won", dated)]
    assert _log("lost-since") == [("won", moved), ("lost", moved)]  # not won now: left as it is
