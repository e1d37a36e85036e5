"""A new installation applies one migration, 0001_squashed_0073_organisation_names,
instead of the 30 it replaces (kept for databases that applied them one by one). Both ways,
followed by the migrations after the squash, must build the same tables, indexes,
constraints and rows, on SQLite and on PostgreSQL (in the run of each database). The new
installation's way is the database `manage.py migrate` built once for the run
(tests/conftest.py); the other is built here."""

import json
import os
import sqlite3
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.databases import postgresql_url

ROOT = Path(__file__).resolve().parent.parent
SQUASHED = "0001_squashed_0073_organisation_names"
REPLACED = [
    name for _app, name in import_module(f"partners.migrations.{SQUASHED}").Migration.replaces
]
# Written when a row is: the two ways run seconds apart. The one-by-one way leaves the
# Chinese names of the reference data to post_migrate, a second save (version, history).
LEFT_OUT = {"created_at", "updated_at", "history_date", "version"}
pytestmark = pytest.mark.slow  # migrates databases in subprocesses


def migrate(database_url: str, *arguments: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", *arguments, "--no-input"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url},
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def build_one_by_one(database_url: str):
    # A target among the replaced migrations makes Django apply them one by one.
    migrate(database_url, "partners", REPLACED[-1])
    # Existing databases carry on: the squashed migration counts as applied, and the
    # migrations after it apply on a database built one by one (what `migrate` printed as
    # applied, rather than asking for its plan first: each run costs seconds of CPU).
    applied = migrate(database_url)
    assert "Applying partners.0074" in applied
    assert not any(f"partners.{name}" in applied for name in [SQUASHED, *REPLACED])


def described_sqlite(db: sqlite3.Connection) -> dict:
    """Each table's columns, indexes, foreign keys, checks and rows, in no particular
    order (a column added by a later migration stands last), the rows of the history
    tables aside; content types and permissions by their names, as their ids follow the
    order the two ways created them."""
    names = {
        "ct": dict(db.execute("SELECT id, app_label || '.' || model FROM django_content_type")),
        "perm": {},
    }
    for pk, ct, codename in db.execute("SELECT id, content_type_id, codename FROM auth_permission"):
        names["perm"][pk] = f"{names['ct'][ct]}.{codename}"
    tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    description = {}
    for table, sql in tables:
        if table.startswith("sqlite_"):
            continue
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
        description[table] = {
            "columns": sorted(row[1:] for row in db.execute(f'PRAGMA table_info("{table}")')),
            "indexes": sorted(
                (
                    name,
                    db.execute(f"SELECT sql FROM sqlite_master WHERE name = '{name}'").fetchone(),
                )
                for _, name, *_ in db.execute(f'PRAGMA index_list("{table}")')
                if not name.startswith("sqlite_autoindex")
            ),
            "foreign keys": sorted(
                row[2:] for row in db.execute(f'PRAGMA foreign_key_list("{table}")')
            ),
            "checks": sorted(part.strip() for part in sql.split("CONSTRAINT")[1:]),
            "rows": sorted(
                json.dumps(row, sort_keys=True)
                for row in (
                    _named(table, dict(zip(columns, values, strict=True)), names)
                    for values in db.execute(f'SELECT * FROM "{table}"')
                )
                if table != "django_migrations" and not table.startswith("partners_historical")
            ),
        }
    return description


def _named(table: str, row: dict, names: dict) -> dict:
    if table in ("django_content_type", "auth_permission"):
        row.pop("id")
        row["content_type_id"] = names["ct"].get(row.get("content_type_id"))
    if table == "auth_group_permissions":
        row.pop("id")
        row["permission_id"] = names["perm"][row["permission_id"]]
    return {key: value for key, value in row.items() if key not in LEFT_OUT}


def described_postgresql(url: str) -> dict:
    """As described_sqlite, from PostgreSQL's catalogue, and its extensions."""
    with psycopg.connect(url) as db:

        def rows(sql, *args):
            return db.execute(sql, args).fetchall()

        names = {
            "ct": dict(rows("SELECT id, app_label || '.' || model FROM django_content_type")),
            "perm": {},
        }
        for pk, ct, codename in rows("SELECT id, content_type_id, codename FROM auth_permission"):
            names["perm"][pk] = f"{names['ct'][ct]}.{codename}"
        description = {"extensions": sorted(rows("SELECT extname FROM pg_extension"))}
        for (table,) in rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
            description[table] = {
                "columns": sorted(
                    rows(
                        "SELECT column_name, data_type, is_nullable, column_default, "
                        "character_maximum_length FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND table_name = %s",
                        table,
                    ),
                    key=str,
                ),
                "indexes": sorted(
                    rows("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", table)
                ),
                "constraints": sorted(
                    rows(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass",
                        table,
                    )
                ),
                "rows": sorted(
                    json.dumps(_named(table, row, names), sort_keys=True)
                    for (row,) in rows(f'SELECT to_jsonb(t) FROM "{table}" t')
                    if table != "django_migrations" and not table.startswith("partners_historical")
                ),
            }
    return description


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="builds SQLite files of its own: it runs with the SQLite database",
)
def test_the_squashed_migration_builds_what_the_thirty_it_replaces_built(tmp_path, migrated_sqlite):
    one_by_one = tmp_path / "one_by_one.sqlite3"
    build_one_by_one(f"sqlite:///{one_by_one}")
    squashed = tmp_path / "squashed.sqlite3"
    migrated_sqlite(squashed)

    assert len(REPLACED) == 30
    assert described_sqlite(sqlite3.connect(squashed)) == described_sqlite(
        sqlite3.connect(one_by_one)
    )


@pytest.fixture
def two_postgresql_databases(postgresql_template):
    """An empty database and a copy of the run's migrated one."""
    server = connection.settings_dict
    names = [f"{server['NAME']}_squash_{way}" for way in ("one_by_one", "squashed")]
    with psycopg.connect(postgresql_url(server, "postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{names[0]}"')
        admin.execute(f'CREATE DATABASE "{names[1]}" TEMPLATE "{postgresql_template}"')
        yield [postgresql_url(server, name) for name in names]
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own indexes")
def test_the_squashed_migration_builds_what_the_thirty_built_on_postgresql(
    two_postgresql_databases,
):
    one_by_one, squashed = two_postgresql_databases
    build_one_by_one(one_by_one)

    assert described_postgresql(squashed) == described_postgresql(one_by_one)
