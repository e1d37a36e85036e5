"""Paginators whose count stays cheap on big tables.

COUNT(*) reads every matching row (PostgreSQL keeps no row count), so a list over 300,000
meetings spent most of its time counting. ``CachedCountPaginator`` counts a query once per
generation of the data (partners/freshness.py): the same filter is counted again only
after a write to a table it reads. ``EstimatedCountPaginator`` (the admin's) also takes an
unfiltered list's count of a whole table from the planner's estimate in
pg_class.reltuples, exact enough to number pages. Each is one query, so the query count of
a page does not depend on the size of the table.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from . import freshness

# Below this many rows the exact COUNT(*) is cheap and nobody sees an estimate.
ESTIMATE_ABOVE = 50_000

ESTIMATE_SQL = """
    SELECT CASE WHEN c.reltuples > %s THEN c.reltuples::bigint
                ELSE (SELECT count(*) FROM {table}) END
    FROM pg_class c WHERE c.oid = %s::regclass
"""


def _is_whole_table(queryset) -> bool:
    query = queryset.query
    return not (query.where or query.distinct or query.combinator or query.is_sliced)


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self):
        return freshness.cached_for_query("count", self.object_list, self.fresh_count)

    def fresh_count(self) -> int:
        return super().count


class EstimatedCountPaginator(CachedCountPaginator):
    def fresh_count(self) -> int:
        queryset = self.object_list
        connection = connections[getattr(queryset, "db", "default")]
        if connection.vendor != "postgresql" or not _is_whole_table(queryset):
            return super().fresh_count()
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(ESTIMATE_SQL.format(table=table), [ESTIMATE_ABOVE, table])
            return cursor.fetchone()[0]
