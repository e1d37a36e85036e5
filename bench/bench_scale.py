"""Does a page's cost stay flat as the database grows? Public pages, admin changelists and
/reports/ timed on PostgreSQL at two sizes of `generate_demo_data` in one run.

For each scale (default 1 and 100) a database `<name>_scale<N>` is created on the server of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/crm), migrated and filled with
`generate_demo_data --scale N` (scale 100 takes minutes). With --reuse an existing database
whose row counts already match that scale is kept as it is; without it, it is rebuilt.
The measuring runs in one child process per database, in-process through Django's test
Client: an Administrator for the admin, a Manager for /reports/, nobody for public pages.
Both children stay up and take turns request by request (the first to go swaps every
round), so a slower spell of a shared machine weighs on both sides of a ratio alike.
Each page: median of --runs timings after --warmups, the query count of its first request,
the first request's time ("cold": each child starts by dropping every cached query result),
and at the larger size the time of a request right after a meeting was logged ("meeting"):
django-cachalot keeps query results until a write to a table they read, so a page that
reads meetings (the report) runs those queries again, one that does not (the company
directory) does not. The cache is the one configured (CACHE_URL; files by default).
Searches (``?q=``) are timed without cached query results: each word a user types is a
new query, so a repeated search served from the cache would say nothing of its cost.

    python bench/bench_scale.py --reuse
    python bench/bench_scale.py --scales 1,10 --runs 5

Target (issue 7): every ratio N=max / N=min at most 2, every query count equal.
"""

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm")
REPORT_YEAR = 2019  # the generator spreads its dates over 2005–2026
# A rare word for most lists, and a common one: "GmbH" is in a third of all company names,
# so its matches grow with the table (issue 12: 9.6x from scale 10 to 100).
SEARCH_TERMS = ("Nanjing", "GmbH")
TOO_SLOW = 5.0  # seconds; such a page is timed once (marked "1 run") to keep the run short


def psql(config, sql, database="postgres"):
    result = subprocess.run(
        ["psql", "-X", "-q", "-At", "-h", config["HOST"] or "127.0.0.1",
         "-p", str(config["PORT"] or 5432), "-U", config["USER"] or "postgres",
         "-d", database, "-c", sql],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip()


def child(url, *args):
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return result.stdout


def prepare(config, scale, reuse):
    """Return the URL of a database filled at ``scale``, building it unless reusable."""
    name = f"{config['NAME']}_scale{scale:g}"
    url = re.sub(r"/[^/]*$", f"/{name}", DATABASE_URL)
    exists = psql(config, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    if reuse and exists:
        child(url, "manage.py", "migrate", "--no-input", "--verbosity=0")
        verdict = child(url, __file__, "--check-counts", str(scale)).strip()
        if verdict == "match":
            print(f"scale {scale:g}: reusing {name} (row counts match)", flush=True)
            # As autovacuum would have by now (it may be off, as on the CI machines):
            # statistics, visibility map, GIN pending lists.
            psql(config, "VACUUM (ANALYZE)", database=name)
            return url
        print(f"scale {scale:g}: {name} does not match ({verdict}); rebuilding", flush=True)
    psql(config, f'DROP DATABASE IF EXISTS "{name}"')
    psql(config, f'CREATE DATABASE "{name}"')
    child(url, "manage.py", "migrate", "--no-input", "--verbosity=0")
    print(f"scale {scale:g}: generating into {name} …", flush=True)
    # generate_demo_data ends with VACUUM (ANALYZE) of the tables it filled.
    print("  " + child(url, "manage.py", "generate_demo_data", f"--scale={scale:g}").strip())
    return url


# --- inside the child process (Django set up against one database) ---------------------


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()


def check_counts(scale):
    """'match' when the tables the generator fills hold exactly its sizes for ``scale``."""
    setup_django()
    from partners import models as m
    from partners.demo.world import Sizes

    sizes = Sizes.for_scale(scale)
    expected = {
        m.Delegation: sizes.delegations,
        m.Meeting: sizes.meetings,
        m.ProfileHandover: sizes.handovers,
        m.FollowUp: sizes.follow_ups,
        m.CompanyProfile: sizes.profiles,
    }
    wrong = [
        f"{model.__name__} {model.objects.count()} != {number}"
        for model, number in expected.items()
        if model.objects.count() != number
    ]
    print("; ".join(wrong) or "match")


def bench_users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from partners.roles import ADMINISTRATORS, MANAGERS

    users = {}
    for role, group in (("admin", ADMINISTRATORS), ("manager", MANAGERS)):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-scale-{role}", defaults={"is_staff": True}
        )
        user.groups.add(Group.objects.get(name=group))
        users[role] = user
    return users


def public_pages():
    from django.urls import reverse

    from partners import models as m

    def first(model):
        return model.objects.published().order_by("pk").first()

    city = m.City.objects.published().filter(is_home=False).order_by("pk").first()
    return [
        ("home", reverse("partners:home")),
        ("city detail", city.get_absolute_url()),
        ("delegations list", reverse("partners:delegations")),
        ("delegation detail", first(m.Delegation).get_absolute_url()),
        ("memoranda list", reverse("partners:memoranda")),
        ("memorandum detail", first(m.Memorandum).get_absolute_url()),
        ("companies list", reverse("partners:companies")),
        ("success stories list", reverse("partners:success-stories")),
        ("company detail", first(m.CompanyProfile).get_absolute_url()),
        ("feed atom", reverse("partners:feed-atom")),
        ("feed ics", reverse("partners:feed-ics")),
        ("sitemap.xml", "/sitemap.xml"),
        ("sitemap companies page 1", "/sitemap-companies.xml"),
    ]


def filter_parameter(model_admin):
    """A ``?field__exact=value`` on the first plain-field list_filter, value from the data."""
    from django.db import models

    for entry in model_admin.list_filter:
        if not isinstance(entry, str) or "__" in entry:
            continue
        field = model_admin.model._meta.get_field(entry)
        value = model_admin.model.objects.order_by("pk").values_list(entry, flat=True).first()
        if value is None:
            continue
        if isinstance(field, models.ForeignKey):
            return f"{entry}__id__exact={value}"
        if isinstance(field, models.BooleanField):
            return f"{entry}__exact={int(value)}"
        return f"{entry}__exact={value}"
    return None


def admin_pages():
    from django.apps import apps
    from django.contrib import admin
    from django.urls import reverse

    pages = []
    for model in sorted(
        apps.get_app_config("partners").get_models(), key=lambda m: m._meta.model_name
    ):
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        name = model._meta.model_name
        url = reverse(f"admin:partners_{name}_changelist")
        pages.append((f"admin {name}", url))
        for term in SEARCH_TERMS if model_admin.search_fields else ():
            pages.append((f"admin {name} ?q={term}", f"{url}?q={term}"))
        parameter = filter_parameter(model_admin)
        if parameter:
            pages.append((f"admin {name} filter", f"{url}?{parameter}"))
    board = reverse("admin:partners_opportunity_board")
    pages.append(("admin opportunity board", board))
    pages.append(("admin opportunity board ?kind", f"{board}?kind=investment"))
    return pages


def timed_get(client, url):
    import time

    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return time.perf_counter() - started, response


def rows_shown(response) -> str:
    """The rows of an admin changelist page: 5 cities at N=1 fill less of a page than 500."""
    content = getattr(response, "content", b"")
    if b'id="result_list"' not in content:
        return ""
    table = content.split(b'id="result_list"')[1].split(b"</table>")[0]
    return str(table.split(b"<tbody>")[-1].count(b"<tr"))


def serve():
    """The child's side: announce the plan's labels, then answer one request per line read.

    ``first LABEL`` answers the first request's ms, query count and rows shown; ``time
    LABEL`` answers one more request's ms; ``after LABEL`` touches a meeting, as an officer
    logging one would (an UPDATE that leaves the data as it is), then times a request.
    Replies go to the original stdout, everything else the process prints (Django's and
    django-axes' logging) to stderr.
    """
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr
    os.dup2(sys.stderr.fileno(), 1)
    setup_django()
    from cachalot.api import cachalot_disabled, invalidate
    from django.test import Client

    from partners.models import Meeting

    invalidate()  # cold: nothing cached from an earlier run
    users = bench_users()
    anonymous, admin_client, manager = Client(), Client(), Client()
    admin_client.force_login(users["admin"])
    manager.force_login(users["manager"])
    plan = [(anonymous, page) for page in public_pages()]
    plan += [(admin_client, page) for page in admin_pages()]
    plan.append((manager, (f"reports {REPORT_YEAR}", f"/reports/?year={REPORT_YEAR}")))
    pages = {label: (client, url) for client, (label, url) in plan}
    meeting = Meeting.objects.order_by("pk").values_list("pk", flat=True).first()
    print(json.dumps(list(pages)), file=replies)
    for line in sys.stdin:
        command, label = line.rstrip("\n").split(" ", 1)
        client, url = pages[label]
        # A search is timed without cached results: each word a user types is a new query.
        with cachalot_disabled() if "?q=" in label else contextlib.nullcontext():
            reply = answer(command, client, url, meeting)
        print(json.dumps(reply), file=replies)


def answer(command, client, url, meeting) -> dict:
    """One timed request of the child's plan (see ``serve``)."""
    from django.db import connection, reset_queries
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from partners.models import Meeting

    if command == "first":
        # With DEBUG on, Django's query log holds 9,000 entries; once full it no
        # longer grows and CaptureQueriesContext would count nothing.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            seconds, response = timed_get(client, url)
        return {"ms": seconds * 1000, "queries": len(queries), "rows": rows_shown(response)}
    if command == "after":
        Meeting.objects.filter(pk=meeting).update(title=F("title"))
    return {"ms": timed_get(client, url)[0] * 1000}


class Child:
    """A measuring process on one database, asked for one request at a time."""

    def __init__(self, url):
        import tempfile

        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            bufsize=1,
        )
        self.labels = self.read()

    def read(self):
        line = self.process.stdout.readline()
        if not line:
            self.log.seek(0)
            sys.exit("a measuring process ended:\n" + self.log.read()[-4000:])
        return json.loads(line)

    def ask(self, command, label):
        self.process.stdin.write(f"{command} {label}\n")
        return self.read()

    def close(self):
        self.process.stdin.close()
        self.process.wait()
        self.log.close()


def measure_interleaved(children, runs, warmups):
    """Per page and size: median ms, first request's query count, runs, first ms, rows,
    ms of a request after a meeting was logged.

    The sizes take turns request by request (and swap who goes first each round), so a
    slower spell of a shared machine falls on both sides of a ratio alike. A page slower
    than TOO_SLOW is timed once only.
    """
    import statistics

    labels = children[0].labels
    if any(child.labels != labels for child in children):
        sys.exit("the measuring processes planned different pages")
    results = [{} for _ in children]
    for label in labels:
        firsts = [child.ask("first", label) for child in children]
        timings = [[] for _ in children]
        rounds = runs if max(first["ms"] for first in firsts) <= TOO_SLOW * 1000 else 0
        for _ in range(warmups - 1 if rounds else 0):
            for child in children:
                child.ask("time", label)
        for round_number in range(rounds):
            order = list(enumerate(children))
            for index, child in order if round_number % 2 == 0 else reversed(order):
                timings[index].append(child.ask("time", label)["ms"])
        afters = [child.ask("after", label)["ms"] for child in children]
        for index, first in enumerate(firsts):
            median = statistics.median(timings[index]) if rounds else first["ms"]
            results[index][label] = (
                median, first["queries"], rounds or 1, first["ms"], first["rows"], afters[index]
            )  # fmt: skip
    return results


# --- in the parent: the table ---------------------------------------------------------------


def print_table(scales, results):
    small, large = scales[0], scales[-1]
    print(
        f"\nPostgreSQL, {os.cpu_count()} cores; median ms; queries per request; "
        "cold = first request; meeting = first request after a meeting was logged"
    )
    header = (
        f"{'page':<32} {f'ms N={small:g}':>10} {f'ms N={large:g}':>11} {'ratio':>6} "
        f"{f'q N={small:g}':>7} {f'q N={large:g}':>8} {f'cold N={small:g}':>11} "
        f"{f'cold N={large:g}':>12} {f'meeting N={large:g}':>15} {'rows':>7}  flag"
    )
    print(header)
    print("-" * len(header))
    flagged = 0
    for label, measured in results[small].items():
        ms_small, q_small, runs_small, cold_small, rows_small, _ = measured
        ms_large, q_large, runs_large, cold_large, rows_large, after_large = results[large][label]
        rows = f"{rows_small}/{rows_large}" if rows_small else ""
        ratio = ms_large / ms_small
        checks = ((ratio > 2, "SLOW"), (q_small != q_large, "QUERIES"))
        flags = [text for bad, text in checks if bad]
        flagged += bool(flags)
        flags += ["(1 run)"] if min(runs_small, runs_large) == 1 else []
        print(
            f"{label:<32} {ms_small:>10.1f} {ms_large:>11.1f} {ratio:>6.2f} "
            f"{q_small:>7} {q_large:>8} {cold_small:>11.1f} {cold_large:>12.1f} "
            f"{after_large:>15.1f} {rows:>7}  {' '.join(flags)}"
        )
    print(f"\n{flagged} of {len(results[small])} pages flagged (ratio > 2 or query counts differ)")
    print(f"rows: rows shown on an admin changelist page at N={small:g} / N={large:g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,100", help="comma-separated, smallest first")
    parser.add_argument("--reuse", action="store_true", help="keep databases that match")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--check-counts", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.check_counts is not None:
        return check_counts(options.check_counts)
    if options.serve:
        return serve()
    config = dj_database_url.parse(DATABASE_URL)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench_scale measures PostgreSQL: set DATABASE_URL=postgres://…")
    scales = [float(s) for s in options.scales.split(",")]
    urls = [prepare(config, scale, options.reuse) for scale in scales]
    print("measuring, the sizes taking turns request by request …", flush=True)
    children = [Child(url) for url in urls]
    try:
        measured = measure_interleaved(children, options.runs, options.warmups)
    finally:
        for child in children:
            child.close()
    print_table(scales, dict(zip(scales, measured, strict=True)))


if __name__ == "__main__":
    main()
