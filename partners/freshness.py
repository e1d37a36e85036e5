"""Figures counted over many rows, computed once per generation of the tables they read.

A report over a million records, the home page's counts and the calendar feed cost
seconds that grow with the database; they are read far more often than the data changes.
So they are cached together with the *generation* of each table they were read from: a
random token per table of this app in ``DataGeneration``, replaced after every committed
write to that table. Which tables a figure depends on is not declared but seen: every
statement run while it is computed is read for the names of this app's tables (and a
figure computed inside another passes its tables on). A cached figure is served while the
tokens of its tables are unchanged, so logging a meeting leaves the company directory's
figures standing and renews the report's.

A write cannot be missed by forgetting to call something: every INSERT, UPDATE and DELETE
statement on a ``partners_`` table is seen on its way to the database (an execute
wrapper installed on each connection); COPY, which bypasses Django's cursor, is reported
by bulk_sql.py.

Why nothing stale is served:
- The tokens are read *before* a figure is computed, and replaced *after* the writing
  transaction commits (``on_commit``). A figure stored under an old token is at worst
  computed again; one stored under the new token was read from the committed data.
- A transaction that has written and reads before committing computes its figures afresh
  and stores nothing: it sees its own writes, nobody else does yet.
- Each process has its own cache (LocMem); the tokens live in the database, so every
  gunicorn worker and the task worker agree on what is current.
- A table without a token (none is created until migrate has run) is never cached from.
- A change made outside the application (psql by hand) is seen after the next write
  through it to the same table, or after ``CRM_FIGURES_CACHE_SECONDS``.
"""

import contextvars
import hashlib
import pickle
import re
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone

from .models import DataGeneration

# The statements Django and bulk_sql.py send to write a table of this app; the
# generation's own table is left out (replacing a token is not a change of the data).
WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?(partners_(?!datageneration\b)\w+)',
    re.IGNORECASE,
)
# A table of this app named anywhere in a statement that reads.
TABLE = re.compile(r"\bpartners_(?!datageneration\b)\w+")

# The tables read so far by each figure being computed (innermost last).
_reading: contextvars.ContextVar[tuple[set, ...]] = contextvars.ContextVar(
    "partners_freshness_reading", default=()
)


class _Advance:
    """The on-commit callback of a transaction that wrote: the tables it wrote to."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self):
        _advance(self.tables)


def note(sql: str) -> None:
    """See one statement: a write to a table of this app, or a read by a figure."""
    if written := WRITE.match(sql):
        changed(written[1])
    elif reading := _reading.get():
        reading[-1].update(TABLE.findall(sql))


def changed(table: str) -> None:
    """``table`` changed (or will, when the current transaction commits)."""
    if connection.in_atomic_block:
        advance = _pending_advance()
        if advance is None:
            advance = _Advance()
            transaction.on_commit(advance)
        advance.tables.add(table)
    else:
        # Autocommit: the write is committed already. Manual transaction management
        # (set_autocommit(False)): the new token commits or rolls back with the data.
        _advance({table})


def _pending_advance() -> _Advance | None:
    for _sids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Advance):
            return callback
    return None


def pending() -> bool:
    """Has the current transaction written data that is not committed yet?"""
    return _pending_advance() is not None


def _advance(tables: set[str]) -> None:
    # No savepoint of its own: in autocommit it may run while the write's statement is
    # still open (an INSERT … RETURNING not yet read), where SQLite cannot commit one.
    try:
        DataGeneration.objects.filter(table__in=tables).update(
            token=uuid.uuid4(), changed_at=timezone.now()
        )
    except DatabaseError:
        # Writes of migrations that run before the table exists: nothing is cached yet.
        if DataGeneration._meta.db_table in connection.introspection.table_names():
            raise


def current() -> dict[str, uuid.UUID]:
    """The token of each table."""
    return dict(DataGeneration.objects.values_list("table", "token"))


@contextmanager
def _seeing_reads():
    tables: set[str] = set()
    reset = _reading.set((*_reading.get(), tables))
    try:
        yield tables
    finally:
        _reading.reset(reset)
        _passed_on(tables)


def _passed_on(tables) -> None:
    """A figure computed or found inside another: its tables are the outer one's too."""
    if reading := _reading.get():
        reading[-1].update(tables)


def cached(name: str, key: tuple, compute):
    """``compute()``, or what it returned before for ``key``, while none of the tables it
    read has been written to since.

    ``key`` holds everything the figures depend on besides what ``compute`` reads
    (period, filters, today's date) — including any data read *before* and handed to it:
    only statements run inside ``compute`` are seen. What it returns must be picklable.
    """
    if pending():
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"crm:{name}:{digest}"
    # One read of every table's token, before anything else is read: it decides whether
    # the cached value still holds, and is what a new value is stored under.
    now = current()
    entry = cache.get(cache_key)
    if entry is not None:
        tokens, stored = entry
        if all(now.get(table) == token for table, token in tokens.items()):
            _passed_on(tokens)
            return pickle.loads(stored)
    with _seeing_reads() as tables:
        value = compute()
        # Evaluated here, so that whatever it still reads (a lazy queryset) is seen.
        stored = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    if tables <= now.keys():
        tokens = {table: now[table] for table in tables}
        cache.set(cache_key, (tokens, stored), settings.CRM_FIGURES_CACHE_SECONDS)
    return value


def cached_for_query(name: str, queryset, compute, *parts):
    """``cached()`` with the query's SQL and parameters as the key (plus ``parts``)."""
    try:
        key = (queryset.query.sql_with_params(), *parts)
    except EmptyResultSet:  # a query that can match nothing: nothing to keep
        return compute()
    return cached(name, key, compute)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    # After the statement: in autocommit a write is committed only now, and a token
    # replaced earlier could be read together with the old data.
    note(sql)
    return result


@receiver(connection_created, dispatch_uid="partners-freshness-watch")
def watch_statements(sender, connection, **kwargs):
    # connection_created fires again after every reconnect of the same wrapper.
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def create_generations(using) -> None:
    """A token for every table of this app (after migrate, and after every flush)."""
    from django.apps import apps

    tables = apps.get_app_config("partners").db_tables()
    tables.remove(DataGeneration._meta.db_table)
    DataGeneration.objects.using(using).bulk_create(
        [DataGeneration(table=table) for table in tables], ignore_conflicts=True
    )
