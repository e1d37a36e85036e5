import fcntl
import inspect
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cachalot.api import cachalot_disabled
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from tests.databases import postgresql_url

# Playwright's sync API keeps an event loop running for the whole session; without this
# the ORM refuses to run (SynchronousOnlyOperation), even in database set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The fuzz tests explore new inputs on every local run; CI (HYPOTHESIS_PROFILE=ci, set by
# .ci/run) replays a fixed set, so that a submission's CI result does not depend on luck.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.load_profile(os.getenv("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


# What gives a test the database (pytest-django blocks it for every other test).
DATABASE_FIXTURES = {
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
    "live_server", "django_db_blocker",
}  # fmt: skip


def pytest_addoption(parser):
    parser.addoption(
        "--without-database-free-tests",
        action="store_true",
        help="deselect the tests that cannot reach the database and are never skipped: they "
        "give the same result on any database (.ci/run's PostgreSQL pass, after SQLite's)",
    )


def uses_the_database(item) -> bool:
    if item.get_closest_marker("django_db"):
        return True
    # django_db_blocker is in every test's fixture closure (pytest-django's autouse
    # fixtures): only a test that asks for it by name can unblock the database.
    asked = set(inspect.signature(item.obj).parameters) if hasattr(item, "obj") else set()
    closure = set(getattr(item, "fixturenames", ())) - {"django_db_blocker"}
    return bool(DATABASE_FIXTURES & (closure | asked))


def pytest_collection_modifyitems(config, items):
    if config.getoption("--without-database-free-tests"):
        # A skip condition may read the database's vendor: such a test stays in every pass.
        conditional = ("skip", "skipif", "xfail")
        kept, dropped = [], []
        for item in items:
            free = not uses_the_database(item)
            unconditional = not any(item.get_closest_marker(name) for name in conditional)
            (dropped if free and unconditional else kept).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
    # The modules of the longest tests first, each kept whole (its module fixtures are
    # built once): started last, one of them ran on alone while the other processes idled.
    long_modules = {item.module for item in items if is_long(item)}
    items.sort(key=lambda item: item.module not in long_modules)


def is_long(item) -> bool:
    """Runs for tens of seconds: starts servers or workers, or replays migrations."""
    return bool(
        item.get_closest_marker("slow")
        or item.get_closest_marker("migration")
        or {"processes", "migrated_sqlite"} & set(item.fixturenames)
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def refusing_mail_server(settings):
    """Mail goes over real SMTP to a port on which nothing listens: the server refuses."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    options = {"host": "127.0.0.1", "port": port, "timeout": 2}
    settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": options}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    debian_binary = "/usr/lib/chromium/chromium"
    executable = os.environ.get("CHROMIUM_PATH") or (
        debian_binary if os.path.exists(debian_binary) else shutil.which("chromium")
    )
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": True,
        "args": [
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(scope="session", autouse=True)
def _local_cache_for_the_session():
    """The test processes' cache is in memory from the start: building the test database
    (before any test's own cache, below) invalidated cachalot's keys in the file cache of
    the project folder, listing its files on each write (a quarter of the build's time)."""
    with override_settings(CACHES=LOCAL_CACHE):
        yield


def rolls_back_in_a_savepoint(item) -> bool:
    """The test has pytest-django's ``db`` (a savepoint inside ``module_db``) and commits
    nothing: without ``db`` it would write straight into the module's transaction, as the
    module holds the database unblocked."""
    marker = item.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return (
        bool(marker or "db" in item.fixturenames)
        and not (committing & set(item.fixturenames))
        and not (marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    )


@pytest.fixture(scope="module")
def module_db(request, django_db_setup, django_db_blocker):
    """Rows that a module's tests share, written once, as Django's ``setUpTestData``
    does: one transaction around the module, rolled back at its end; each test runs and
    rolls back in a savepoint inside it. Every test of the module must use it and the
    database (``db``), and none may commit (``transactional_db``, ``live_server``). A
    fixture handing out the shared model instances gives each test a deep copy of them, as
    ``setUpTestData`` does."""
    # Every test of the module sees the rows, so every test must ask for them.
    misfits = [item.name for item in request.session.items if item.module is request.module
               and ("module_db" not in item.fixturenames
                    or not rolls_back_in_a_savepoint(item))]  # fmt: skip
    assert not misfits, f"tests beside module_db without it, without db or committing: {misfits}"
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def seed_once(module_db):
    """The seed (fixtures/seed.json and demo_companies.json), loaded once for the module."""
    call_command("loaddata", "seed", "demo_companies", verbosity=0)


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    """A cache of the test's own, so that two pytest-xdist workers on two databases never
    see each other's cached query results; and django-cachalot serves nothing from it
    unless the test is marked ``cached``, nor keeps the report's figures: query counts are
    what a page costs after a write, whatever ran before in the test's transaction.
    Invalidation still runs.

    Emptied first: a local-memory cache keeps its entries across tests, and the flush
    after a transactional test does not invalidate them; cachalot_disabled() only holds
    for this thread, so a test's other threads (parallel requests) would read results
    cached by an earlier test."""
    from django.core.cache import caches

    settings.CACHES = LOCAL_CACHE
    caches["default"].clear()
    if request.node.get_closest_marker("cached"):
        yield
        return
    settings.CACHALOT_TIMEOUT = 0  # and the report's figures (kept as long) are not kept
    with cachalot_disabled():
        yield


@pytest.fixture(autouse=True)
def _request_language_ends_with_the_request():
    """A request activates its page's language for the thread and leaves it active; a
    test then reading translated fields (``City.objects.get(name=…)`` reads ``name_<the
    active language>``) would depend on the last page it opened. Each request here ends
    by restoring the language the test had before it, as a new request would start.
    Each test starts and ends in the default language, as a new process does, whatever
    an earlier test in the same worker activated."""
    from django.core.signals import request_finished, request_started
    from django.utils import translation

    translation.deactivate()
    before = []

    def remember(**kwargs):
        before.append(translation.get_language())

    def restore(**kwargs):
        if before:
            translation.activate(before.pop())

    request_started.connect(remember, dispatch_uid="test-language-remember")
    request_finished.connect(restore, dispatch_uid="test-language-restore")
    yield
    request_started.disconnect(dispatch_uid="test-language-remember")
    request_finished.disconnect(dispatch_uid="test-language-restore")
    translation.deactivate()


@pytest.fixture
def processes(tmp_path):
    """Servers and workers as real processes (tests/processes.py), stopped at the end."""
    from tests.processes import Processes

    env = {
        **os.environ,
        "DEBUG": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "AXES_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    }
    started = Processes(env, tmp_path)
    yield started
    started.stop()


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory):
    """An empty SQLite file that `manage.py migrate` built, once per run: the pytest-xdist
    workers share it (a lock, in their common temporary folder), as each migrate of a new
    file costs about ten seconds of CPU."""
    root = shared_run_folder(tmp_path_factory)
    template = root / "migrated.sqlite3"
    with open(root / "migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = root / "migrating" / "db.sqlite3"
            building.parent.mkdir(exist_ok=True)
            building.unlink(missing_ok=True)  # left by a worker whose migrate failed
            migrate_in_a_subprocess(f"sqlite:///{building}", building.parent / "cache")
            copy_sqlite(building, template)
    return template


def migrate_in_a_subprocess(database_url: str, cache: Path):
    """`manage.py migrate` as an installation runs it, with an empty cache folder of its
    own (cheap to list when the migrations' writes invalidate it)."""
    env = {**os.environ, "DATABASE_URL": database_url, "CACHE_URL": f"file://{cache}"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity=0"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def shared_run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this run that every pytest-xdist worker sees."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Each worker's test database is a copy of one that `manage.py migrate` built once
    per run: migrating each of them cost ten seconds of CPU. On PostgreSQL it is
    Django's TEST["TEMPLATE"] (the copy's migrate then finds nothing left to apply); on
    SQLite, whose test database lives in the worker's memory, Django creates the tables
    from the models (TEST["MIGRATE"] = False) and django_db_setup below replaces
    them with the migrated file's, migration records included."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["MIGRATE"] = False
        return
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    template = f"test_{database['NAME']}_template"
    root = shared_run_folder(tmp_path_factory)
    with open(root / "postgresql-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = root / "postgresql-template.built"
        if not built.exists():
            build_postgresql_template(database, template, root)
            built.touch()
    database.setdefault("TEST", {})["TEMPLATE"] = template


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's, then on SQLite the migrated file copied into the new database."""
    from django.db import connection

    if connection.vendor == "sqlite":
        template = request.getfixturevalue("_migrated_sqlite_template")
        with django_db_blocker.unblock():
            copy_into_the_test_database(template)


def copy_into_the_test_database(template: Path):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    connection.ensure_connection()
    source = sqlite3.connect(template)
    source.backup(connection.connection)
    source.close()
    ContentType.objects.clear_cache()  # the ids are the copy's now


@pytest.fixture
def newest_schema_afterwards(transactional_db, request):
    """For a test that migrates the database back (tests/replay.py): the newest schema
    again afterwards. On SQLite the run's migrated file is copied in (migrating forward
    again took 10 to 35 s of CPU), elsewhere the database is migrated."""
    from django.db import connection

    from tests.replay import migrate

    sqlite = connection.vendor == "sqlite"
    template = request.getfixturevalue("_migrated_sqlite_template") if sqlite else None
    yield
    if sqlite:
        copy_into_the_test_database(template)
    else:
        migrate()


@pytest.fixture(scope="session")
def postgresql_template(django_db_modify_db_settings):
    """The PostgreSQL database that `manage.py migrate` built for this run: a test copies
    it (CREATE DATABASE … TEMPLATE) and never connects to it, as the copying would fail."""
    from django.conf import settings

    return settings.DATABASES["default"]["TEST"]["TEMPLATE"]


def build_postgresql_template(database: dict, name: str, root: Path):
    import psycopg

    with psycopg.connect(postgresql_url(database, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    migrate_in_a_subprocess(postgresql_url(database, name), root / "postgresql-template-cache")


def copy_sqlite(source: Path, target: Path):
    # SQLite's backup, not a file copy: the database is in WAL mode.
    with sqlite3.connect(source) as db, sqlite3.connect(target) as copy:
        db.backup(copy)
    db.close()
    copy.close()


@pytest.fixture
def migrated_sqlite(_migrated_sqlite_template):
    """``migrated_sqlite(path)`` puts at ``path`` what `manage.py migrate` makes of a new
    SQLite file (a copy of one built once per run), and returns its DATABASE_URL."""

    def make(path: Path) -> str:
        copy_sqlite(_migrated_sqlite_template, path)
        return f"sqlite:///{path}"

    return make
