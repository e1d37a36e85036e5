"""django-tasks-db's ``db_worker``, kept alive when the database goes away.

The library's worker stops at the first database error it does not expect: a SQLite
database locked beyond the busy timeout, a PostgreSQL connection dropped (a restart, a
failover, ``pg_terminate_backend``). This one closes the connections, waits (1 s, doubling
up to ``--max-backoff``) and runs the library's worker again with the same options; it
never exits on its own. A task left "running" by the outage is failed by ``recover_tasks``.

Named ``db_worker`` in an app listed before ``django_tasks_db``, it replaces the library's
command (Django's documented way to override a command).
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")
FIRST_BACKOFF = 1.0


class Command(db_worker.Command):
    help = "Run a database background worker that waits out database outages"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--max-backoff",
            type=db_worker.valid_interval,
            default=60.0,
            help="Longest wait (seconds) between retries while the database is unavailable.",
        )

    def handle(self, *args, max_backoff, **options):
        backoff = FIRST_BACKOFF
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                # Broken connections are dropped; the next query opens a new one.
                connections.close_all()
                if time.monotonic() - started > max_backoff:
                    backoff = FIRST_BACKOFF  # it had been working since the last outage
                logger.warning(
                    "Database unavailable (%s); worker_id=%s retries in %.0f s.",
                    str(error).strip() or type(error).__name__,
                    options["worker_id"],
                    backoff,
                )
                time.sleep(backoff)
                backoff = min(backoff * 2, max_backoff)
