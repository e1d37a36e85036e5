"""Cached figures (reports, home counts, calendar) are never older than the last commit
to the tables they were read from.

Transactional tests: the generation of a table changes when a write to it commits, so
these tests commit for real, as a running installation does.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners import freshness
from partners import models as m
from partners.bulk_sql import Table, reserve_ids

from . import factories as f
from . import report_world
from .backoffice import client_for

pytestmark = pytest.mark.django_db(transaction=True)
ENGLISH = {"accept-language": "en"}


def queries_of(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, headers=ENGLISH)
    assert response.status_code == 200
    return response, len(queries)


def city_generation():
    return freshness.current()["partners_city"]


def test_a_committed_write_gives_the_table_a_new_generation():
    before = city_generation()
    city = f.CityFactory()  # autocommit
    after_create = city_generation()
    with transaction.atomic():
        city.name = "Halle (Saale)"
        city.save()
        assert city_generation() == after_create  # not before the commit
    after_commit = city_generation()

    assert len({before, after_create, after_commit}) == 3


def test_a_write_renews_the_generation_of_the_tables_it_wrote_and_no_other():
    f.CityFactory()
    before = freshness.current()

    with transaction.atomic():
        m.Interest.objects.update(name_de="Geändert")
        m.Sector.objects.update(name_de="Geändert")
    after = freshness.current()

    renewed = {table for table in before if before[table] != after[table]}
    assert renewed == {"partners_interest", "partners_sector"}
    assert "partners_historicalcity" in after  # every table has a generation


def city_counter():
    """A figure that counts cities, and the list of the times it was computed."""
    calls = []

    def count():
        calls.append(1)
        return m.City.objects.count()

    return count, calls


def test_a_figure_is_kept_while_the_tables_it_read_are_unchanged():
    count, calls = city_counter()
    f.CityFactory()
    assert freshness.cached("test", (), count) == 1
    m.Interest.objects.update(name_de="Geändert")  # a table the figure did not read
    assert freshness.cached("test", (), count) == 1
    assert len(calls) == 1

    f.CityFactory()
    assert freshness.cached("test", (), count) == 2
    assert len(calls) == 2


def test_a_figure_depends_on_the_tables_of_the_figures_it_was_computed_from():
    """The inner figure comes from the cache the second time, without a statement that
    names its table; the outer one must still learn that it depends on that table."""

    def cities():
        return freshness.cached("test-inner", (), lambda: m.City.objects.count())

    def cities_and_interests():
        return (cities(), m.Interest.objects.count())

    f.CityFactory()
    interests = m.Interest.objects.count()
    assert cities() == 1  # cached on its own first
    assert freshness.cached("test-outer", (), cities_and_interests) == (1, interests)

    f.CityFactory()
    assert freshness.cached("test-outer", (), cities_and_interests) == (2, interests)


def test_a_rolled_back_write_keeps_the_generation():
    city = f.CityFactory()
    before = freshness.current()

    with pytest.raises(RuntimeError), transaction.atomic():
        m.City.objects.filter(pk=city.pk).update(name="Never")
        raise RuntimeError

    assert freshness.current() == before


@pytest.mark.parametrize(
    "write",
    [
        lambda city: m.City.objects.filter(pk=city.pk).update(name="Halle"),
        lambda city: city.partnerships.all().delete(),
        lambda city: m.Organisation.objects.bulk_create(
            [m.Organisation(name="Bulk GmbH", city=city)]
        ),
        lambda city: f.CompanyProfileFactory().interests.add(m.Interest.objects.first()),
    ],
    ids=["queryset update", "queryset delete", "bulk_create", "many-to-many add"],
)
def test_writes_that_send_no_signal_give_a_new_generation_too(write):
    city = f.CityFactory(is_home=True)
    f.PartnershipFactory(home_city=city)
    before = freshness.current()

    with transaction.atomic():
        write(city)

    assert freshness.current() != before


def test_the_import_table_writer_gives_a_new_generation():
    """COPY on PostgreSQL, executemany on SQLite: both are writes the cache must see."""
    city = f.CityFactory()
    before = freshness.current()

    with transaction.atomic():
        table = Table(m.Organisation)
        [pk] = reserve_ids(m.Organisation, 1)
        now = timezone.now()
        row = {"id": pk, "name": "Copied GmbH", "city_id": city.pk, "version": 1}
        table.insert([{**row, "created_at": now, "updated_at": now}])

    assert m.Organisation.objects.filter(name="Copied GmbH").exists()
    assert freshness.current() != before


def test_a_transaction_that_wrote_computes_its_own_figures_and_keeps_them_to_itself():
    count, calls = city_counter()
    f.CityFactory()
    assert freshness.cached("test", (), count) == 1
    assert freshness.cached("test", (), count) == 1
    assert len(calls) == 1  # the second read came from the cache

    with transaction.atomic():
        f.CityFactory()
        assert freshness.cached("test", (), count) == 2  # its own write, not the cache
        transaction.set_rollback(True)

    assert freshness.cached("test", (), count) == 1  # the cache was not given the 2
    assert len(calls) == 2


def test_reading_pages_leaves_the_generation_alone():
    report_world.build()
    before = freshness.current()
    manager = client_for(f.UserFactory(groups=["Managers"]))

    for url in ("/en/", "/en/delegations/", "/en/feeds/delegations.ics", "/reports/"):
        manager.get(url)

    assert freshness.current() == before


def test_the_home_page_counts_follow_publication_at_once():
    delegation = f.DelegationFactory(visibility=m.Visibility.PUBLIC)
    f.DelegationFactory(visibility=m.Visibility.PUBLIC)
    visitor = Client()

    first, computed = queries_of(visitor, "/en/")
    _, cached = queries_of(visitor, "/en/")
    assert cached < computed
    assert delegations_count(first) == 2

    delegation.visibility = m.Visibility.INTERNAL
    delegation.save()
    after, _ = queries_of(visitor, "/en/")

    assert delegations_count(after) == 1


def delegations_count(response) -> int:
    return response.context["counts"]["delegations"]


def test_logging_a_meeting_leaves_the_company_directory_in_the_cache():
    f.CompanyProfileFactory(visibility=m.Visibility.PUBLIC)
    meeting = f.MeetingFactory()
    visitor = Client()
    queries_of(visitor, "/en/companies/")
    _, cached = queries_of(visitor, "/en/companies/")

    m.Meeting.objects.filter(pk=meeting.pk).update(title="Follow-up talk")
    _, after_the_meeting = queries_of(visitor, "/en/companies/")

    assert after_the_meeting == cached


def test_a_filter_form_offers_the_year_of_a_memorandum_published_after_it_was_rendered():
    """The form is rendered from values found before (its own statements may read nothing
    at all): publishing renews the values, and the form with them."""
    memorandum = f.MemorandumFactory(visibility=m.Visibility.INTERNAL)
    visitor = Client()
    before, _ = queries_of(visitor, "/en/memoranda/")
    assert b'<option value="2019"' not in before.content

    m.Memorandum.objects.filter(pk=memorandum.pk).update(visibility=m.Visibility.PUBLIC)
    after, _ = queries_of(visitor, "/en/memoranda/")

    assert b'<option value="2019"' in after.content


def test_the_calendar_drops_an_unpublished_delegation_at_once():
    delegation = f.DelegationFactory(
        visibility=m.Visibility.PUBLIC,
        title="Trip to Jining",
        start_date=datetime.date(2019, 6, 25),
    )
    visitor = Client()
    first, _ = queries_of(visitor, "/en/feeds/delegations.ics")
    assert b"Trip to Jining" in first.content

    m.Delegation.objects.filter(pk=delegation.pk).update(visibility=m.Visibility.INTERNAL)
    after, _ = queries_of(visitor, "/en/feeds/delegations.ics")

    assert b"Trip to Jining" not in after.content


def test_public_lists_count_and_offer_choices_once_per_generation():
    chemistry = f.SectorFactory(code="C")
    f.CompanyProfileFactory(visibility=m.Visibility.PUBLIC, sector=chemistry)
    hidden = f.CompanyProfileFactory(
        visibility=m.Visibility.INTERNAL, sector=f.SectorFactory(code="J")
    )
    visitor = Client()

    first, computed = queries_of(visitor, "/en/companies/")
    second, cached = queries_of(visitor, "/en/companies/")
    assert cached < computed
    assert sector_codes(second) == sector_codes(first) == ["C"]

    hidden.visibility = m.Visibility.PUBLIC
    hidden.save()
    published, _ = queries_of(visitor, "/en/companies/")
    assert sector_codes(published) == ["C", "J"]
    assert published.context["page"].paginator.count == 2

    m.CompanyProfile.objects.filter(pk=hidden.pk).update(visibility=m.Visibility.INTERNAL)
    withdrawn, _ = queries_of(visitor, "/en/companies/")
    assert sector_codes(withdrawn) == ["C"]
    assert withdrawn.context["page"].paginator.count == 1


def sector_codes(response) -> list[str]:
    return sorted(
        response.context["filter"].filters["sector"].queryset.values_list("code", flat=True)
    )


def test_the_admin_date_hierarchy_and_count_follow_a_new_delegation():
    f.DelegationFactory(title="Trip to Nanjing", start_date=datetime.date(2019, 6, 25))
    f.DelegationFactory(
        title="Trip to Nanjing again", start_date=datetime.date(2020, 5, 1), end_date=None
    )
    admin_client = client_for(f.UserFactory(is_staff=True, is_superuser=True))
    url = "/admin/partners/delegation/"

    first, computed = queries_of(admin_client, url, q="Nanjing")
    _, cached = queries_of(admin_client, url, q="Nanjing")
    # From the cache the second time: the count, the first and last date, the years of
    # the date hierarchy, the year filter and the stop-city filter.
    assert computed - cached == 5
    assert hierarchy_years(first) == ["2019", "2020"]
    assert first.context["cl"].result_count == 2

    f.DelegationFactory(
        title="Nanjing once more", start_date=datetime.date(2022, 3, 3), end_date=None
    )
    after, _ = queries_of(admin_client, url, q="Nanjing")

    assert hierarchy_years(after) == ["2019", "2020", "2022"]
    assert after.context["cl"].result_count == 3


def hierarchy_years(response) -> list[str]:
    nav = response.content.decode().split('<nav class="toplinks"')[1].split("</nav>")[0]
    return [link.split("</a>")[0].split(">")[-1].strip() for link in nav.split("<a ")[1:]]
