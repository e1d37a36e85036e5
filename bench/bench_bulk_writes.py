"""Does `partners/imports/bulk_sql.py` pay? Its writes against Django's bulk_create/bulk_update,
with the same history rows, in one run (issue 12: it stays only at ≥ 1.5×).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_imports python bench/bench_bulk_writes.py

For N organisations: insert them with their history rows ("new"), then change two columns
of each and write them with their history rows ("update"); each way in its own transaction,
rolled back afterwards. Several runs, taking turns; the median is printed with the ratio.
Works on any DATABASE_URL (SQLite by default).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_ROWS", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


class Rollback(Exception):
    pass


def records(city_id: int) -> list[dict]:
    return [
        {
            "name": f"Firma {n} GmbH",
            "name_key": f"firma {n} gmbh",
            "slug": f"bench-firma-{n}",
            "kind": "company",
            "city_id": city_id,
            "register_number": f"HRB B{n}",
            "email": f"info{n}@example.de",
            "website": f"https://firma{n}.example",
        }
        for n in range(ROWS)
    ]


def history_extra(now) -> dict:
    return {
        "history_date": now,
        "history_change_reason": "bench",
        "history_type": "+",
        "history_user_id": None,
    }


def with_bulk_sql(rows: list[dict], now) -> tuple[float, float]:
    from partners.imports.bulk_sql import Table, reserve_ids
    from partners.models import Organisation

    history = Organisation.history.model
    defaults = Table(Organisation).defaults
    started = time.perf_counter()
    full = [
        {**defaults, **row, "id": pk, "created_at": now, "updated_at": now, "version": 1}
        for row, pk in zip(rows, reserve_ids(Organisation, len(rows)), strict=True)
    ]
    Table(Organisation).insert(full)
    Table(history, with_pk=False).insert({**r, **history_extra(now)} for r in full)
    new = time.perf_counter() - started
    started = time.perf_counter()
    for record in full:
        record["email"], record["version"] = "new@example.de", 2
    Table(Organisation).update(full, ["email", "version", "updated_at"])
    Table(history, with_pk=False).insert({**r, **history_extra(now)} for r in full)
    return new, time.perf_counter() - started


def with_django(rows: list[dict], now) -> tuple[float, float]:
    from partners.models import Organisation

    history = Organisation.history.model
    # The columns the history keeps (it leaves out name_key and name_folded).
    kept = {f.attname for f in history._meta.concrete_fields}
    columns = [f.attname for f in Organisation._meta.concrete_fields if f.attname in kept]
    started = time.perf_counter()
    objects = Organisation.objects.bulk_create(
        [Organisation(**row, created_at=now, updated_at=now, version=1) for row in rows],
        batch_size=1000,
    )
    history.objects.bulk_create(
        [history(**{c: getattr(o, c) for c in columns}, **history_extra(now)) for o in objects],
        batch_size=1000,
    )
    new = time.perf_counter() - started
    started = time.perf_counter()
    for o in objects:
        o.email, o.version = "new@example.de", 2
    Organisation.objects.bulk_update(objects, ["email", "version", "updated_at"], batch_size=1000)
    history.objects.bulk_create(
        [history(**{c: getattr(o, c) for c in columns}, **history_extra(now)) for o in objects],
        batch_size=1000,
    )
    return new, time.perf_counter() - started


def timed(way, rows, now) -> tuple[float, float]:
    from django.db import transaction

    result = None
    try:
        with transaction.atomic():
            result = way(rows, now)
            raise Rollback
    except Rollback:
        pass
    return result


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from partners.models import City

    call_command("migrate", verbosity=0)
    city, _created = City.objects.get_or_create(name="Benchstadt", country="DE")
    rows, now = records(city.pk), timezone.now()
    times = {"bulk_sql": [], "django": []}
    for _ in range(RUNS):
        times["bulk_sql"].append(timed(with_bulk_sql, rows, now))
        times["django"].append(timed(with_django, rows, now))
    print(f"{connection.vendor}, {ROWS} organisations with history rows, median of {RUNS}")
    for phase, index in (("new", 0), ("update", 1)):
        ours = statistics.median(t[index] for t in times["bulk_sql"])
        theirs = statistics.median(t[index] for t in times["django"])
        print(
            f"  {phase:6}  bulk_sql {ROWS / ours:9.0f} rows/s   Django bulk ops "
            f"{ROWS / theirs:9.0f} rows/s   ratio {theirs / ours:4.2f}×"
        )


if __name__ == "__main__":
    main()
