"""Backup and restore as the README describes them, run for real on scratch databases.

Each test builds a source installation in its own database and media folder (generated
demo data, an edited person for history rows, an uploaded photo), backs it up with the
documented commands, restores into a fresh database and media folder, and compares
every table and every file.
"""

import gzip
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dj_database_url
import pytest

from tests.databases import postgresql_url

ROOT = Path(__file__).resolve().parent.parent
CONFIGURED_DB = dj_database_url.parse(
    os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}")
)
ON_POSTGRESQL = CONFIGURED_DB["ENGINE"] == "django.db.backends.postgresql"

# What `dumpdata` leaves out: rebuilt by `migrate` (content types, permissions), short-lived
# (sessions, login attempts). The README's command, checked below.
DUMP_ARGS = [
    "dumpdata",
    "--natural-foreign",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--exclude=axes",
]

MAKE_SOURCE_EXTRAS = """
from django.core.files.base import ContentFile
from io import BytesIO
from PIL import Image
from partners.models import Delegation, Person, Photo
buffer = BytesIO()
Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
delegation = Delegation.objects.order_by("pk").first()
photo = Photo(
    caption="MoU Unterzeichnung in Jining, China",
    delegation=delegation,
    image=ContentFile(buffer.getvalue(), name="signing.jpg"),
)
photo.save()  # Stored under a generated name (partners/uploads.py).
print(photo.image.name)
person = Person.objects.order_by("pk").first()
person.notes = "Edited once, so that history rows are part of the backup."
person.save()
# Below a millisecond: what the JSON backup cannot keep (see dumped_records).
person.history.filter(history_id=person.history.latest().history_id).update(
    history_date=person.history.latest().history_date.replace(microsecond=500)
)
"""


def test_the_readme_documents_this_dump_command():
    readme = (ROOT / "README.md").read_text().replace("\\\n", " ")
    command = next(line for line in readme.splitlines() if "manage.py dumpdata" in line)
    arguments = command.split("manage.py ", 1)[1].split(" --output=")[0].split()

    assert arguments == DUMP_ARGS


def manage(*args, database_url, media_root, check=True):
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def build_source(database_url, media_root):
    """Demo data, a photo and a history row, in a migrated database."""
    manage("generate_demo_data", "--scale=0.05", database_url=database_url, media_root=media_root)
    extras = manage(
        "shell", "-c", MAKE_SOURCE_EXTRAS, database_url=database_url, media_root=media_root
    )
    return extras.stdout.strip().splitlines()[-1]  # The photo's stored name.


def file_digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def copy_media(source: Path, archive: Path, target: Path):
    """The README's media backup: a tar archive of MEDIA_ROOT, unpacked on restore."""
    subprocess.run(["tar", "-czf", archive, "-C", source, "."], check=True)
    target.mkdir(parents=True)
    subprocess.run(["tar", "-xzf", archive, "-C", target], check=True)


@pytest.mark.skipif(
    ON_POSTGRESQL, reason="builds SQLite files of its own: it runs with the SQLite database"
)
def test_sqlite_dumpdata_and_loaddata_restore_every_record_and_file(tmp_path, migrated_sqlite):
    source_db, restored_db = tmp_path / "source.sqlite3", tmp_path / "restored.sqlite3"
    source_media, restored_media = tmp_path / "media-source", tmp_path / "media-restored"
    source_url = migrated_sqlite(source_db)
    photo_name = build_source(source_url, source_media)

    backup = tmp_path / "backup.json.gz"
    manage(*DUMP_ARGS, f"--output={backup}", database_url=source_url, media_root=source_media)
    copy_media(source_media, tmp_path / "media.tar.gz", restored_media)
    # The README's restore: a new database that `migrate` built (a copy of one), then loaddata.
    restored_url = migrated_sqlite(restored_db)
    manage("loaddata", str(backup), database_url=restored_url, media_root=restored_media)

    check = tmp_path / "check.json.gz"
    manage(*DUMP_ARGS, f"--output={check}", database_url=restored_url, media_root=restored_media)
    original = dumped_records(backup)
    assert len(original) > 500
    assert dumped_records(check) == original
    assert sqlite_row_counts(restored_db) == sqlite_row_counts(source_db)
    assert file_digests(restored_media) == file_digests(source_media)
    assert re.fullmatch(r"photos/\d{4}/[0-9a-f]{32}\.jpg", photo_name), photo_name
    assert photo_name in file_digests(restored_media)


# Django's JSON serializer keeps milliseconds: 12:00:00.000500 is written "12:00:00.000Z",
# read back as 12:00:00 and written again as "12:00:00Z". Same instant, other text.
ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def dumped_records(path: Path) -> list[dict]:
    """The records of a gzipped `dumpdata` file, timestamps read as datetimes."""

    def read_datetimes(value):
        if isinstance(value, str) and ISO_DATETIME.fullmatch(value):
            return datetime.fromisoformat(value)
        return value

    records = json.loads(gzip.decompress(path.read_bytes()))
    for record in records:
        record["fields"] = {name: read_datetimes(v) for name, v in record["fields"].items()}
    return records


def sqlite_row_counts(path: Path) -> dict[str, int]:
    # SQLite's own tables (sqlite_sequence, the planner's sqlite_stat1) are not data.
    skip = {"django_migrations", "django_session"}
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name not in skip and not name.startswith(("axes_", "sqlite_"))
        ]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


# --- PostgreSQL ----------------------------------------------------------------------


def psql(*args, database="postgres"):
    command = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", *connection_args(database)]
    return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


def connection_args(database):
    args = ["-h", CONFIGURED_DB["HOST"] or "127.0.0.1", "-U", CONFIGURED_DB["USER"] or "postgres"]
    if CONFIGURED_DB["PORT"]:
        args += ["-p", str(CONFIGURED_DB["PORT"])]
    return [*args, "-d", database]


def table_checksums(database) -> dict[str, str]:
    """Row count and an md5 of every row's text, for every table of the database."""
    tables = psql(
        "-c",
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        database=database,
    ).split()
    query = (
        "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
        'FROM "{table}" t'
    )
    return {
        table: psql("-c", query.format(table=table), database=database).strip() for table in tables
    }


@pytest.fixture
def scratch_databases(postgresql_template):
    """The source, a copy of the database `manage.py migrate` built for the run; and an
    empty one to restore into."""
    names = [f"{CONFIGURED_DB['NAME']}_backup_{role}" for role in ("source", "restored")]
    for name in names:
        psql("-c", f'DROP DATABASE IF EXISTS "{name}"')
    psql("-c", f'CREATE DATABASE "{names[0]}" TEMPLATE "{postgresql_template}"')
    psql("-c", f'CREATE DATABASE "{names[1]}"')
    yield names
    for name in names:
        psql("-c", f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="NOT RUN: the pg_dump/pg_restore round trip needs DATABASE_URL=postgres://…",
)
def test_postgresql_pg_dump_and_pg_restore_restore_every_table_and_file(
    tmp_path, scratch_databases
):
    source, restored = scratch_databases
    source_media, restored_media = tmp_path / "media-source", tmp_path / "media-restored"
    build_source(postgresql_url(CONFIGURED_DB, source), source_media)

    dump = tmp_path / "crm.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", *connection_args(source)], check=True
    )
    copy_media(source_media, tmp_path / "media.tar.gz", restored_media)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", *connection_args(restored), str(dump)],
        check=True,
    )

    original = table_checksums(source)
    assert int(original["partners_meeting"].split(":")[0]) > 100
    assert table_checksums(restored) == original
    assert file_digests(restored_media) == file_digests(source_media)
    # The restored copy is a working installation: no migration left to apply.
    plan = manage(
        "migrate",
        "--plan",
        database_url=postgresql_url(CONFIGURED_DB, restored),
        media_root=restored_media,
    )
    assert "No planned migration operations" in plan.stdout
