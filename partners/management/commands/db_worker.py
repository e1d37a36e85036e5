"""django-tasks-db's ``db_worker``, kept alive when the database goes away.

The library's worker stops with the first database error it does not expect: a SQLite
database locked for longer than the busy timeout, a PostgreSQL connection dropped (a
restart, a failover, ``pg_terminate_backend``). This command is the library's, with its
options, and its ``Worker`` subclassed: on such an error the worker closes its
connections, waits (1 s, doubling up to ``--max-backoff``, 60 s by default) and carries
on, logging each wait; it never exits on its own. A task that was running when the
database went away is left "running"; ``recover_tasks`` marks it failed.

Being named ``db_worker`` in an app listed before ``django_tasks_db``, it takes the place
of the library's command (Django's documented way to override a command).
"""

import logging
import os
import time

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")
FIRST_BACKOFF = 1.0


class ResilientWorker(db_worker.Worker):
    def __init__(self, *, max_backoff: float, **kwargs):
        super().__init__(**kwargs)
        self.max_backoff = max_backoff

    def run(self) -> None:
        backoff = FIRST_BACKOFF
        while True:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                # Broken connections are dropped; the next query opens a new one.
                connections.close_all()
                if time.monotonic() - started > self.max_backoff:
                    backoff = FIRST_BACKOFF  # it had been working since the last outage
                logger.warning(
                    "Database unavailable (%s); worker_id=%s retries in %.0f s.",
                    str(error).strip() or type(error).__name__,
                    self.worker_id,
                    backoff,
                )
                time.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)


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

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, max_backoff, **options):
        # As the library's handle(), with ResilientWorker.
        self.configure_logging(verbosity)
        if reload and options["batch"]:
            logger.warning("--reload and --batch cannot be specified together. No autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            max_backoff=max_backoff,
            queue_names=queue_names,
            excluded_queue_names=excluded,
            **{
                name: options[name]
                for name in (
                    "interval", "batch", "backend_name", "startup_delay", "max_tasks",
                    "worker_id",
                )
            },
        )  # fmt: skip
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
