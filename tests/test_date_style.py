"""English pages write every date in one style: "11 July 2019", "25–30 June 2019"."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.wording]

AMERICAN = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December) \d{1,2}, \d{4}"
)


def test_english_pages_use_day_month_year(client):
    trip = f.DelegationFactory(
        title="Trip", start_date=datetime.date(2019, 6, 25), end_date=datetime.date(2019, 6, 30)
    )
    f.MeetingFactory(delegation=trip, date=datetime.date(2019, 6, 27), title="Signing")
    memorandum = f.MemorandumFactory(
        signed_on=datetime.date(2019, 7, 11), valid_until=datetime.date(2024, 7, 10)
    )
    with translation.override("en"):
        pages = [trip.get_absolute_url(), memorandum.get_absolute_url()]
    html = "".join(client.get(url).content.decode() for url in pages)
    assert "25–30 June 2019" in html
    assert "27 June 2019" in html
    assert "11 July 2019" in html
    assert not AMERICAN.search(html), AMERICAN.search(html).group(0)


class _VisibleText(HTMLParser):
    """A page's text as a reader sees it (no scripts, styles or attributes), and its links."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/en/"):
            self.links.append(href.split("#", 1)[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
NUMERIC = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")


def test_every_english_page_writes_dates_one_way_and_never_a_day_it_does_not_know(client):
    """A crawl of the English site from its home page: day-month-year everywhere; a
    trip known to the month or the year shows as such on every page that names it."""
    from tests.world2019 import build_world_2019

    build_world_2019()
    f.DelegationFactory(
        title="Nur der Monat", slug="nur-der-monat", visibility="public",
        start_date=datetime.date(2027, 6, 1), end_date=None, date_precision="month",
    )  # fmt: skip
    f.DelegationFactory(
        title="Nur das Jahr", slug="nur-das-jahr", visibility="public",
        start_date=datetime.date(2028, 1, 1), end_date=None, date_precision="year",
    )  # fmt: skip
    queue, seen, problems = ["/en/"], set(), []
    while queue and len(seen) < 150:
        url = queue.pop(0)
        if url in seen or "?" in url:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        page = _VisibleText()
        page.feed(response.content.decode())
        text = " ".join(" ".join(page.text).split())
        for pattern in (AMERICAN, ISO, NUMERIC):
            problems += [(url, hit.group(0)) for hit in pattern.finditer(text)]
        problems += [(url, day) for day in ("1 June 2027", "1 January 2028") if day in text]
        queue += [link for link in page.links if link not in seen]

    assert len(seen) > 20  # the crawl reached the lists and the records
    assert any("June 2027" in client.get(u).content.decode() for u in ["/en/delegations/"])
    assert problems == []
