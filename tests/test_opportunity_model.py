"""An opportunity keeps the day it entered each stage and is never won on a day to come
(constraints: test_constraints.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from partners import models as m
from partners.dates import latest_today
from partners.models.base import dated_in_the_future

from . import factories as f

pytestmark = pytest.mark.django_db
Stage = m.Opportunity.Stage


def _entered(opportunity):
    return list(opportunity.stage_changes.order_by("pk").values_list("stage", "entered_on"))


def test_each_move_is_logged_once_with_its_day_and_a_win_with_the_day_it_was_won():
    today = timezone.localdate()
    opportunity = f.OpportunityFactory(stage=Stage.IDEA)
    opportunity.title = "Renamed"
    opportunity.save()
    loaded = m.Opportunity.objects.get(pk=opportunity.pk)
    loaded.stage = Stage.IN_TALKS
    loaded.save()
    loaded.stage, loaded.won_on = Stage.WON, datetime.date(2020, 3, 1)
    loaded.save()
    assert _entered(opportunity) == [
        (Stage.IDEA, today),
        (Stage.IN_TALKS, today),
        (Stage.WON, datetime.date(2020, 3, 1)),
    ]


def test_a_move_of_a_record_loaded_without_its_stage_is_still_logged():
    opportunity = f.OpportunityFactory(stage=Stage.IDEA)
    loaded = m.Opportunity.objects.only("pk", "title").get(pk=opportunity.pk)
    loaded.stage = Stage.CONTACTED
    loaded.save()
    assert [stage for stage, _ in _entered(opportunity)] == [Stage.IDEA, Stage.CONTACTED]


def test_follow_ups_belong_to_an_opportunity_and_the_relations_have_their_names():
    opportunity = f.OpportunityFactory()
    follow_up = f.FollowUpFactory(opportunity=opportunity)
    assert list(opportunity.follow_ups.all()) == [follow_up]
    assert list(opportunity.partner_city.opportunities.all()) == [opportunity]


def test_success_stories_are_won_and_published_only():
    story = f.WonOpportunityFactory()
    f.WonOpportunityFactory(visibility=m.Visibility.INTERNAL)
    f.OpportunityFactory(stage=Stage.NEGOTIATING)
    assert list(m.Opportunity.objects.success_stories()) == [story]


def _tomorrow():
    """The first day that has begun nowhere on earth yet."""
    return latest_today() + datetime.timedelta(days=1)


# Days on which something happened. A memorandum may be entered ahead of its signing (it is
# in force from that day: Memorandum.is_in_force) and a handover ahead of the trip (the
# trip's handouts list the profiles to be handed over): their days may lie ahead.
HAPPENED = [
    (lambda: f.WonOpportunityFactory(visibility="internal"), "won_on", "Won on"),
    (lambda: f.FollowUpFactory(status="done"), "completed_on", "Completed on"),
    (f.PhotoFactory, "taken_on", "Taken on"),
    (
        lambda: f.PersonFactory(lawful_basis="consent", consent_given_on=datetime.date(2019, 5, 1)),
        "consent_given_on",
        "Consent given on",
    ),
    (f.CompanyProfileFactory, "consent_given_on", "Consent given on"),
]


@pytest.mark.parametrize(("factory", "field", "label"), HAPPENED)
def test_a_day_on_which_something_happened_cannot_lie_in_the_future(factory, field, label):
    record = factory()
    setattr(record, field, latest_today())  # begun in Kiritimati, maybe not in Leipzig
    record.full_clean()

    setattr(record, field, _tomorrow())
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        record.full_clean()

    assert refused.value.message_dict == {field: [f"“{label}” cannot lie in the future."]}


def test_a_day_that_has_begun_somewhere_on_earth_is_not_in_the_future():
    # 18:00 UTC on 10 May: 20:00 in the office (Leipzig), 02:00 on the 11th in Nanjing,
    # 08:00 on the 11th in Kiritimati (UTC+14), where each day begins first.
    instant = datetime.datetime(2027, 5, 10, 18, tzinfo=datetime.UTC)
    won = f.WonOpportunityFactory.build(won_on=datetime.date(2027, 5, 11))
    assert dated_in_the_future(won, "won_on", now=instant) == {}
    won.won_on = datetime.date(2027, 5, 12)
    assert list(dated_in_the_future(won, "won_on", now=instant)) == ["won_on"]


def test_a_memorandum_and_a_handover_may_be_entered_ahead_of_their_day():
    memorandum = f.MemorandumFactory(signed_on=_tomorrow(), valid_until=None)
    handover = f.ProfileHandoverFactory(handed_over_on=_tomorrow())
    memorandum.full_clean()
    handover.full_clean()
    assert not memorandum.is_in_force()


def test_a_win_dated_back_on_the_form_after_the_move_dates_the_logged_win_back_too():
    # Moved to won on the board (won today), then the real day is entered on the form: the
    # log's win follows it, or the report's days to win would be negative.
    opportunity = f.OpportunityFactory(stage=Stage.IDEA)
    opportunity.stage, opportunity.won_on = Stage.WON, timezone.localdate()
    opportunity.save()
    loaded = m.Opportunity.objects.get(pk=opportunity.pk)
    loaded.won_on = datetime.date(2020, 3, 15)
    loaded.save()
    assert _entered(opportunity)[-1] == (Stage.WON, datetime.date(2020, 3, 15))
    assert opportunity.stage_changes.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_move_whose_log_cannot_be_written_is_not_saved_either():
    # The mover's account was deleted meanwhile: the log's row is refused (at commit, as
    # the foreign keys are deferred), and the stage stays as it was, not moved unlogged.
    opportunity = f.OpportunityFactory(stage=Stage.IDEA)
    gone = f.UserFactory()
    pk = gone.pk
    gone.delete()
    gone.pk = pk
    opportunity.stage, opportunity.stage_changed_by = Stage.CONTACTED, gone
    with pytest.raises(IntegrityError):
        opportunity.save()
    assert m.Opportunity.objects.get().stage == Stage.IDEA
    assert _entered(opportunity) == [(Stage.IDEA, timezone.localdate())]


def test_saving_a_won_opportunity_without_a_new_day_won_adds_no_query(
    django_assert_num_queries,
):
    idea = f.OpportunityFactory(stage=Stage.IDEA)
    won = f.OpportunityFactory(stage=Stage.WON, won_on=datetime.date(2020, 3, 1))
    idea, won = (m.Opportunity.objects.get(pk=o.pk) for o in (idea, won))
    with CaptureQueriesContext(connection) as saving_an_idea:
        idea.title = "Renamed"
        idea.save()
    with django_assert_num_queries(len(saving_an_idea)):
        won.title = "Renamed"
        won.save()
    # A new day won still dates the logged win.
    won.won_on = datetime.date(2020, 2, 1)
    won.save()
    assert _entered(won) == [(Stage.WON, datetime.date(2020, 2, 1))]
