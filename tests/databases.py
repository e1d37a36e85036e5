"""Addresses of the PostgreSQL server the tests run on, for subprocesses and for
connections to its other databases."""

from urllib.parse import quote


def postgresql_url(database: dict, name: str | None = None) -> str:
    """The DATABASE_URL of ``name`` (by default the settings' own database) on the server
    of ``database``, a Django DATABASES entry; libpq's defaults stand in for empty parts."""
    user = quote(database["USER"] or "postgres", safe="")
    if database["PASSWORD"]:
        user += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{database['PORT'] or 5432}/{name or database['NAME']}"
