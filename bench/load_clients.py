"""The clients of the load benchmark: threads with their own session, urllib, no redirects."""

import datetime
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar

from bench.load_world import OFFICER


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # unexpected status or no answer
    server_errors: int = 0
    acknowledged: list[str] = field(default_factory=list)
    failed_logins: int = 0
    refusals: list[str] = field(default_factory=list)  # form errors of refused writes
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, status: int, expected: tuple) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.errors += status not in expected
            self.server_errors += status >= 500


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _Form(HTMLParser):
    """Inputs, selects and textareas of the page's main form (``id`` ending in ``_form``)."""

    def __init__(self):
        super().__init__()
        self.data, self.inside, self.select = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id", "").endswith("_form") or "login" in attrs.get("id", "")
        name = attrs.get("name")
        if not self.inside:
            return
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = attrs.get("value") or ""
        elif tag in ("select", "textarea") and name:
            if "multiple" not in attrs:  # an empty multiple select sends nothing
                self.data.setdefault(name, "")
            self.select = name if tag == "select" else None
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")


class Client:
    def __init__(self, base: str, stats: Stats, number: int, urls: dict):
        self.base, self.stats, self.number, self.urls = base, stats, number, urls
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        self.rng = random.Random(number)
        self.writes = 0

    def request(self, path, data=None, expected=(200,), kind="") -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except OSError:
            status, text = 599, ""
        seconds = time.perf_counter() - started
        self.stats.record(seconds, status, expected)
        with self.stats.lock:
            self.stats.by_kind.setdefault(kind or "admin add form (GET)", []).append(seconds)
        return status, text

    def form(self, path) -> dict:
        parser = _Form()
        parser.feed(self.request(path)[1])
        return parser.data

    def log_in(self) -> None:
        data = self.form("/admin/login/?next=/admin/")
        data.update(username=OFFICER[0], password=OFFICER[1], next="/admin/")
        status, _ = self.request("/admin/login/?next=/admin/", data, expected=(302,))
        if status != 302:
            raise RuntimeError(f"login failed with {status}")

    def public(self) -> None:
        self.request(self.rng.choice(self.urls["public"]), kind="public page")

    def admin_read(self) -> None:
        self.request(self.rng.choice(self.urls["admin"]), kind="admin read")

    def admin_write(self) -> None:
        data = self.form("/admin/partners/meeting/add/")
        title = f"Lastmeeting {self.number}-{self.writes}"
        self.writes += 1
        data.update(
            title_de=title,  # the German source field (modeltranslation)
            kind="meeting",
            date=datetime.date.today().isoformat(),
            city=str(self.rng.choice(self.urls["city_ids"])),
            visibility="internal",
        )
        status, text = self.request(
            "/admin/partners/meeting/add/", data, expected=(302,), kind="admin write"
        )
        with self.stats.lock:
            if status == 302:
                self.stats.acknowledged.append(title)
            elif len(self.stats.refusals) < 3:
                self.stats.refusals += re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', text)[:1]

    def run(self, start: threading.Barrier, window: dict) -> None:
        # Logging in (a deliberately slow password hash) is set-up, not part of the mix.
        measured, self.stats = self.stats, Stats()
        try:
            self.log_in()
        except RuntimeError:
            measured.failed_logins += 1
        self.stats = measured
        start.wait()
        if measured.failed_logins:
            return
        actions = [self.public, self.admin_read, self.admin_write]
        while time.monotonic() < window["until"]:
            self.rng.choices(actions, weights=[80, 15, 5])[0]()


def urls() -> dict:
    from partners.models import City, CompanyProfile, Delegation, Meeting, Memorandum

    def some(queryset, n=20):
        return list(queryset.published().values_list("slug", flat=True)[:n])

    public = ["/de/", "/en/", "/de/delegations/", "/de/memoranda/", "/de/companies/"]
    public += ["/de/delegations/?page=3", "/de/feeds/delegations.atom", "/sitemap.xml"]
    public += [f"/de/delegations/{s}/" for s in some(Delegation.objects)]
    public += [f"/de/cities/{s}/" for s in some(City.objects)]
    public += [f"/de/memoranda/{s}/" for s in some(Memorandum.objects)]
    public += [f"/en/companies/{s}/" for s in some(CompanyProfile.objects)]
    meeting_ids = list(Meeting.objects.values_list("pk", flat=True)[:20])
    admin = [
        "/admin/",
        "/admin/partners/meeting/",
        "/admin/partners/meeting/?q=Gespr%C3%A4ch",
        "/admin/partners/delegation/",
        "/admin/partners/delegation/?status__exact=completed",
        "/admin/partners/organisation/?q=Organisation+1",
        "/admin/partners/companyprofile/",
    ] + [f"/admin/partners/meeting/{pk}/change/" for pk in meeting_ids]
    city_ids = list(City.objects.values_list("pk", flat=True)[:50])
    return {"public": public, "admin": admin, "city_ids": city_ids}


def run(base: str, *, seconds: int, clients: int, on_start) -> Stats:
    """Logs every client in, calls ``on_start``, then drives the site for ``seconds``."""
    stats, targets, window = Stats(), urls(), {}

    def begin():
        on_start()
        window["until"] = time.monotonic() + seconds

    start = threading.Barrier(clients, action=begin)
    threads = [
        threading.Thread(target=Client(base, stats, n, targets).run, args=(start, window))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats


def report(stats: Stats, seconds: int) -> None:
    cuts = statistics.quantiles(stats.latencies, n=100)
    print(
        f"requests: {len(stats.latencies)} in {seconds} s = {len(stats.latencies) / seconds:.1f}/s"
    )
    print(f"latency p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, "
          f"p99 {cuts[98] * 1000:.0f} ms")  # fmt: skip
    for kind, latencies in sorted(stats.by_kind.items()):
        median = statistics.median(latencies) * 1000
        print(f"  {kind}: {len(latencies)} requests, median {median:.0f} ms")
    print(f"statuses: {dict(sorted(stats.statuses.items()))}")
    for refusal in stats.refusals:
        print(f"refused write: {refusal}")
    print(f"errors (unexpected status or no answer): {stats.errors}; 5xx: {stats.server_errors}")
