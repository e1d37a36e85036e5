"""Figures counted over many rows, computed once per generation of the data.

A report over a million records, the home page's counts and the calendar feed cost
seconds that grow with the database; they are read far more often than the data changes.
So they are cached under the *generation* of the data: a random token in the one row of
``DataGeneration``, replaced after every committed write to this app's tables. A write
cannot be missed by forgetting to call something: every INSERT, UPDATE and DELETE
statement on a ``partners_`` table is seen on its way to the database (an execute
wrapper installed on each connection); COPY, which bypasses Django's cursor, calls
``changed()`` itself (bulk_sql.py).

Why nothing stale is served:
- The token is replaced *after* the writing transaction commits (``on_commit``). A reader
  that still sees the old token may compute new figures and store them under it: harmless.
  A reader that sees the new token reads the committed data.
- A transaction that has written and reads before committing computes its figures afresh
  and stores nothing: it sees its own writes, nobody else does yet.
- Each process has its own cache (LocMem); the token lives in the database, so every
  gunicorn worker and the task worker agree on what is current.
- A change made outside the application (psql by hand) is seen after the next write
  through it, or after ``CRM_FIGURES_CACHE_SECONDS``.
"""

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone

from .models import DataGeneration

# The statements Django and bulk_sql.py send to write a table of this app; the
# generation's own table is left out (replacing the token is not a change of the data).
WRITES_THIS_APP = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?partners_(?!datageneration")',
    re.IGNORECASE,
)


def changed() -> None:
    """The data of this app changed (or will, when the current transaction commits)."""
    if connection.in_atomic_block:
        if not pending():
            transaction.on_commit(_advance)
    else:
        # Autocommit: the write is committed already. Manual transaction management
        # (set_autocommit(False)): the new token commits or rolls back with the data.
        _advance()


def pending() -> bool:
    """Has the current transaction written data that is not committed yet?"""
    return any(callback is _advance for _sids, callback, _robust in connection.run_on_commit)


def _advance() -> None:
    # No savepoint of its own: in autocommit it may run while the write's statement is
    # still open (an INSERT … RETURNING not yet read), where SQLite cannot commit one.
    try:
        DataGeneration.objects.update(token=uuid.uuid4(), changed_at=timezone.now())
    except DatabaseError:
        # Writes of migrations that run before the table exists: nothing is cached yet.
        if DataGeneration._meta.db_table in connection.introspection.table_names():
            raise


def current() -> uuid.UUID | None:
    return DataGeneration.objects.values_list("token", flat=True).first()


def cached(name: str, key: tuple, compute):
    """``compute()``, or what it returned before for ``key`` in this generation of the data.

    ``key`` holds everything the figures depend on besides the data (period, filters,
    today's date); what it returns must be picklable.
    """
    token = None if pending() else current()
    if token is None:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"crm:{name}:{token.hex}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.CRM_FIGURES_CACHE_SECONDS)
    return value


def cached_for_query(name: str, queryset, compute, *parts):
    """``cached()`` with the query's SQL and parameters as the key (plus ``parts``)."""
    try:
        key = (queryset.query.sql_with_params(), *parts)
    except EmptyResultSet:  # a query that can match nothing: nothing to keep
        return compute()
    return cached(name, key, compute)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if WRITES_THIS_APP.match(sql):
        changed()
    return result


@receiver(connection_created, dispatch_uid="partners-freshness-watch")
def watch_writes(sender, connection, **kwargs):
    # connection_created fires again after every reconnect of the same wrapper.
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)
