"""Plain `executemany` inserts and updates for the import's 100,000-row writes.

`bulk_create` spends most of its time preparing each value of each object through the field
machinery and building one huge statement per batch. Here rows are dicts of attnames, the
statement is prepared once, and values go to the driver as they are, converted only where
the column needs it (timestamps, dates, JSON). Must run inside `transaction.atomic`.
"""

import functools
import itertools
from collections.abc import Iterable

from cachalot.api import invalidate
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from modeltranslation.settings import AVAILABLE_LANGUAGES, DEFAULT_LANGUAGE
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

BATCH = 5000


def reserve_ids(model, count: int) -> list[int]:
    """Primary keys for `count` new rows, so that the rows can refer to each other."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: the transaction (BEGIN IMMEDIATE) holds the write lock, so nobody else
        # can take these ids; sqlite_sequence keeps ids of deleted rows from coming back.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def _converter(field):
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateTimeField":
        # An import stamps every row with the same moment: convert it once.
        return functools.lru_cache(maxsize=16)(ops.adapt_datetimefield_value)
    if kind == "DateField":
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def german_columns(model) -> dict[str, str]:
    """Each translated field of ``model`` → its German column (``name`` → ``name_de``).

    modeltranslation turns ``name`` in ``values()`` and in attribute writes into the active
    language's column; the import compares, keeps and restores the German source text, so
    it names these columns itself.
    """
    if model not in translator.get_registered_models():
        return {}
    return {
        name: build_localized_fieldname(name, DEFAULT_LANGUAGE)
        for name in translator.get_options_for_model(model).fields
    }


class Table:
    """The concrete columns of a model, in order, with their converters and defaults."""

    def __init__(self, model, *, with_pk: bool = True):
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if with_pk or not (field.primary_key and isinstance(field, AutoFieldMixin))
        ]
        self.converters = {field.attname: _converter(field) for field in self.fields}
        self.defaults = {field.attname: _default(field) for field in self.fields}
        self.plan = [
            (f.attname, self.defaults[f.attname], self.converters[f.attname]) for f in self.fields
        ]
        # A translated field's German column (``name_de``) is what pages read: a row's
        # original column (``name``, the German source) is written into both.
        self.german = german_columns(model)
        others = [language for language in AVAILABLE_LANGUAGES if language != DEFAULT_LANGUAGE]
        self.translations = {
            name: [build_localized_fieldname(name, language) for language in others]
            for name in self.german
        }

    def _with_german(self, row: dict) -> dict:
        for name, german in self.german.items():
            if name in row:
                row[german] = row[name]
        return row

    def _value(self, row: dict, attname: str):
        value = row.get(attname, self.defaults[attname])
        convert = self.converters[attname]
        return convert(value) if convert is not None and value is not None else value

    def _values(self, row: dict) -> list:
        # The innermost loop of a 100,000-row import: plain columns pass straight through.
        return [
            row.get(attname, default)
            if convert is None
            else (None if (v := row.get(attname, default)) is None else convert(v))
            for attname, default, convert in self.plan
        ]

    def insert(self, rows: Iterable[dict]) -> None:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        values = (self._values(self._with_german(row)) for row in rows)
        if connection.vendor == "postgresql":
            # One statement per row costs a round trip each; COPY streams them all.
            _copy(f"COPY {table} ({columns}) FROM STDIN", values)
            # COPY bypasses Django's cursor, where cachalot sees every other write. Inside
            # a transaction the table is dropped from the cache once, when it commits.
            invalidate(self.model)
            return
        marks = ", ".join(["%s"] * len(self.fields))
        self._run(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)

    def update(self, rows: Iterable[dict], attnames: list[str]) -> None:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        fields = {field.attname: field for field in self.fields}
        german = [self.german[a] for a in attnames if a in self.german]
        # A changed German text makes its translations stale: they are cleared, so that
        # pages fall back to the new German text instead of showing the old one.
        stale = [
            (self.german[a], other)
            for a in attnames
            if a in self.german
            for other in self.translations[a]
        ]
        attnames = [*attnames, *(a for a in german if a not in attnames)]
        columns = [quote(fields[a].column) for a in attnames]
        rows = (self._with_german(row) for row in rows)
        if connection.vendor == "postgresql":
            values = ([*(self._value(row, a) for a in attnames), row["id"]] for row in rows)
            sets = [f"{column} = import_changes.{column}" for column in columns]
            sets += [
                f"{quote(other)} = CASE WHEN {table}.{quote(de)} IS NOT DISTINCT FROM "
                f"import_changes.{quote(de)} THEN {table}.{quote(other)} END"
                for de, other in stale
            ]
            self._update_postgresql(table, columns, sets, values)
            return
        sets = [f"{column} = %s" for column in columns]
        sets += [
            f"{quote(other)} = CASE WHEN {quote(de)} IS %s THEN {quote(other)} END"
            for de, other in stale
        ]
        values = (
            [*(self._value(row, a) for a in attnames), *(row[de] for de, _ in stale), row["id"]]
            for row in rows
        )
        self._run(f"UPDATE {table} SET {', '.join(sets)} WHERE id = %s", values)

    @staticmethod
    def _update_postgresql(table: str, columns: list[str], sets: list[str], values) -> None:
        """COPY the new values into a temporary table, then one UPDATE … FROM."""
        listed = ", ".join([*columns, "id"])
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS import_changes")
            cursor.execute(
                f"CREATE TEMPORARY TABLE import_changes ON COMMIT DROP AS "
                f"SELECT {listed} FROM {table} WITH NO DATA"
            )
            _copy(f"COPY import_changes ({listed}) FROM STDIN", values)
            matching = f"{table}.id = import_changes.id"
            cursor.execute(
                f"UPDATE {table} SET {', '.join(sets)} FROM import_changes WHERE {matching}"
            )
            cursor.execute("DROP TABLE import_changes")

    @staticmethod
    def _run(sql: str, params) -> None:
        with connection.cursor() as cursor:
            for batch in itertools.batched(params, BATCH):
                cursor.executemany(sql, batch)


def _copy(statement: str, values) -> None:
    # The raw psycopg cursor bypasses Django's error translation: restore it, so that a
    # unique violation is django.db.IntegrityError like on every other write.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in values:
            copy.write_row(row)


def _default(field):
    if field.has_default():
        return field.get_default()
    text = isinstance(field, models.CharField | models.TextField)
    return "" if text and not field.null else None
