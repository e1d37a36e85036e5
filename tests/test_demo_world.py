"""The world `generate_demo_data` builds: its sizes, valid records, public and internal."""

import pytest
from django.core.management import CommandError

from partners import models as m
from partners.demo import Sizes

from .test_demo_data import MODELS, SCALE, generate


@pytest.fixture(scope="module")
def generated(module_db):
    generate()


@pytest.fixture
def world(db, generated):
    pass


def test_it_writes_the_requested_number_of_records(world):
    sizes = Sizes.for_scale(float(SCALE))
    assert m.City.objects.count() == sizes.cities
    assert m.Delegation.objects.count() == sizes.delegations
    assert m.Meeting.objects.count() == sizes.meetings
    assert m.Person.objects.count() == sizes.people
    assert m.CompanyProfile.objects.count() == sizes.profiles
    # Every profile belongs to its own company, on top of the other organisations.
    assert m.Organisation.objects.count() == sizes.organisations + sizes.profiles
    assert m.ProfileHandover.objects.count() == sizes.handovers
    assert m.Memorandum.objects.count() == sizes.memoranda
    assert m.FollowUp.objects.count() == sizes.follow_ups


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_generated_record_passes_the_models_own_validation(world, model):
    records = list(model.objects.order_by("?")[:25])
    assert records
    for record in records:
        record.full_clean()


def test_it_mixes_public_and_internal_records(world):
    for model in (m.Delegation, m.Meeting, m.Memorandum, m.CompanyProfile, m.Person):
        visibilities = set(model.objects.values_list("visibility", flat=True))
        assert visibilities == {"public", "internal"}, model.__name__


def test_opportunities_reach_every_stage_along_their_stage_log(world):
    stages = set(m.Opportunity.objects.values_list("stage", flat=True))
    assert stages == set(m.Opportunity.Stage)
    for opportunity in m.Opportunity.objects.prefetch_related("stage_changes")[:50]:
        log = list(opportunity.stage_changes.all())
        assert log[-1].stage == opportunity.stage
        assert [change.entered_on for change in log] == sorted(c.entered_on for c in log)
        if opportunity.stage == m.Opportunity.Stage.WON:
            assert log[-1].entered_on == opportunity.won_on
    assert m.Opportunity.objects.published().exists()
    assert not m.Opportunity.objects.published().exclude(stage="won").exists()


def test_only_consenting_companies_are_published_or_handed_over(world):
    assert not m.CompanyProfile.objects.published().filter(consent_to_share=False).exists()
    assert not m.ProfileHandover.objects.filter(profile__consent_to_share=False).exists()


def test_only_office_holders_are_published(world):
    published = m.Person.objects.published()
    assert published.exists()
    assert set(published.values_list("lawful_basis", flat=True)) == {"public_office"}


def test_it_refuses_to_generate_twice_into_one_database(world):
    with pytest.raises(CommandError, match="already holds generated demo data"):
        generate()
