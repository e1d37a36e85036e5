"""`generate_demo_data --scale N`: the sizes of the issue, the same world from the same seed,
bad scales named, and vacuumed tables after a bulk load."""

import dataclasses
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from partners import models as m
from partners.demo import Sizes

SCALE = "0.1"
MODELS = [
    m.City,
    m.Partnership,
    m.Organisation,
    m.Person,
    m.CompanyProfile,
    m.Delegation,
    m.DelegationStop,
    m.DelegationMember,
    m.Meeting,
    m.ProfileHandover,
    m.Memorandum,
    m.MemorandumParty,
    m.FollowUp,
    m.Opportunity,
    m.OpportunityStageChange,
]


def generate(scale=SCALE, seed=2019):
    out = io.StringIO()
    call_command("generate_demo_data", scale=scale, seed=seed, stdout=out)
    return out.getvalue()


def test_scale_100_has_the_sizes_of_the_issue():
    sizes = Sizes.for_scale(100)
    assert (sizes.cities, sizes.organisations, sizes.people) == (500, 50_000, 100_000)
    assert (sizes.delegations, sizes.meetings, sizes.profiles) == (20_000, 300_000, 100_000)
    assert (sizes.handovers, sizes.memoranda, sizes.follow_ups) == (300_000, 10_000, 100_000)


def test_scale_1_is_about_ten_thousand_records():
    sizes = Sizes.for_scale(1)
    main_records = sum(dataclasses.asdict(sizes).values()) - sizes.users
    assert 9_000 <= main_records <= 12_000


def content(model):
    """A model's rows without ids, timestamps and links (which differ between runs)."""
    names = [
        field.attname
        for field in model._meta.concrete_fields
        if not (field.primary_key or field.is_relation)
        and field.name not in ("created_at", "updated_at")
    ]
    return sorted(map(repr, model.objects.values_list(*names)))


class Rollback(Exception):
    pass


def test_the_same_seed_builds_the_same_world(db):
    try:
        with transaction.atomic():
            generate(seed=7)
            first = {model: content(model) for model in MODELS}
            raise Rollback
    except Rollback:
        pass
    generate(seed=7)
    for model in MODELS:
        assert content(model) == first[model], model.__name__


@pytest.mark.parametrize("scale", ["0", "-1", "lots", "5000"])
def test_it_names_a_bad_scale(db, scale):
    with pytest.raises(CommandError, match="--scale must be a number"):
        generate(scale=scale)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_ends_vacuumed_so_that_searches_do_not_read_gin_pending_lists():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("NOT RUN: VACUUM and GIN pending lists are PostgreSQL's")
    generate(scale="0.05")  # autocommit here, as from the command line

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE relname IN ('partners_person', 'partners_meeting') AND last_vacuum IS NOT NULL"
        )
        vacuumed = sorted(name for (name,) in cursor.fetchall())
    assert vacuumed == ["partners_meeting", "partners_person"]
