"""Replaying a data migration: the schema before it (the newest comes back afterwards with
the ``newest_schema_afterwards`` fixture, tests/conftest.py)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target=None):
    """Migrate to ``target`` (app label, migration name), or to the newest schema; returns
    the models of that state."""
    executor = MigrationExecutor(connection)
    # migrate() returns the state it leaves: a second loader's project_state() would
    # rebuild the same state from every migration again.
    return executor.migrate([target] if target else executor.loader.graph.leaf_nodes()).apps
