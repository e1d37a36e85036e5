"""Admin changelists of big tables number their pages without COUNT(*) over the table."""

import pytest
from django.db import connection

from partners import models as m
from partners import paginators
from partners.paginators import EstimatedCountPaginator

from . import factories as f

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_class.reltuples is PostgreSQL's"
)


def test_a_filtered_list_gets_the_exact_count(django_assert_num_queries):
    f.CityFactory.create_batch(3, country="CN")
    f.CityFactory(country="FR")
    with django_assert_num_queries(1):
        assert EstimatedCountPaginator(m.City.objects.filter(country="CN"), 2).count == 3


def test_a_small_whole_table_gets_the_exact_count(django_assert_num_queries):
    total = m.City.objects.count() + 3
    f.CityFactory.create_batch(3)
    with django_assert_num_queries(1):
        assert EstimatedCountPaginator(m.City.objects.order_by("name"), 2).count == total


@on_postgresql
def test_a_big_whole_table_is_counted_from_the_planner_statistics(monkeypatch):
    f.CityFactory.create_batch(3)
    with connection.cursor() as cursor:
        # Statistics that disagree with the table, so the test sees which one was used.
        cursor.execute("ANALYZE partners_city")
        cursor.execute("UPDATE pg_class SET reltuples = 123456 WHERE relname = 'partners_city'")
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE", 100_000)
    assert EstimatedCountPaginator(m.City.objects.all(), 50).count == 123456
    assert EstimatedCountPaginator(m.City.objects.filter(country="CN"), 50).count < 100
