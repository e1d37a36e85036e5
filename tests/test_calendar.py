"""The calendar page and the iCalendar feed: records known only to the month or the year
are never shown, nor put into a calendar, as a precise day."""

import datetime
import re
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories as f
from tests.test_public_publication import leaky_world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def imprecise():
    """A trip to the day, one known to the month, one to the year."""
    return {
        "day": f.DelegationFactory(
            title="Trip to Nanjing", start_date=D(2019, 6, 25), end_date=D(2019, 6, 30)
        ),
        "month": f.DelegationFactory(
            title="Company trip",
            start_date=D(2019, 11, 1),
            end_date=D(2019, 11, 1),
            date_precision="month",
        ),
        "year": f.DelegationFactory(
            title="Visit from Jining",
            start_date=D(2018, 1, 1),
            end_date=D(2018, 12, 31),
            date_precision="year",
        ),
    }


def raw_events(text: str) -> list[dict]:
    """A second reading of the feed, by hand: RFC 5545 lines unfolded, one dict per VEVENT
    with each property's parameters and value (name;PARAM=X:value)."""
    lines = []
    for line in text.split("\r\n"):
        if line.startswith((" ", "\t")):
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    events, event = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT":
            events.append(event)
            event = None
        elif event is not None:
            head, _colon, value = line.partition(":")
            name, *params = head.split(";")
            event[name] = (value, dict(p.split("=", 1) for p in params))
    return events


def ics(client, language="en"):
    with translation.override(language):
        return client.get(reverse("partners:feed-ics")).content


def test_imprecise_records_span_their_month_or_year_with_the_precision_in_the_title(
    client, imprecise
):
    calendar = icalendar.Calendar.from_ical(ics(client))
    events = {str(e["URL"]).rstrip("/").rsplit("/", 1)[-1]: e for e in calendar.walk("VEVENT")}
    day = events[imprecise["day"].slug]
    assert (day.decoded("DTSTART"), day.decoded("DTEND")) == (D(2019, 6, 25), D(2019, 7, 1))
    assert str(day["SUMMARY"]) == "Trip to Nanjing"
    month = events[imprecise["month"].slug]
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (D(2019, 11, 1), D(2019, 12, 1))
    assert str(month["SUMMARY"]) == "Company trip (November 2019)"
    assert str(month["TRANSP"]) == "TRANSPARENT"
    year = events[imprecise["year"].slug]
    assert (year.decoded("DTSTART"), year.decoded("DTEND")) == (D(2018, 1, 1), D(2019, 1, 1))
    assert str(year["SUMMARY"]) == "Visit from Jining (2018)"


def test_a_second_parser_reads_the_same_spans(client, imprecise):
    events = {e["SUMMARY"][0]: e for e in raw_events(ics(client, "de").decode())}
    year = events["Visit from Jining (2018)"]
    assert year["DTSTART"] == ("20180101", {"VALUE": "DATE"})
    assert year["DTEND"] == ("20190101", {"VALUE": "DATE"})
    assert year["TRANSP"][0] == "TRANSPARENT"
    month = events["Company trip (November 2019)"]
    assert (month["DTSTART"][0], month["DTEND"][0]) == ("20191101", "20191201")
    day = events["Trip to Nanjing"]
    assert (day["DTSTART"][0], day["DTEND"][0]) == ("20190625", "20190701")
    assert "TRANSP" not in day
    # Every date is all-day: no DTSTART of an imprecise record carries a time.
    assert all(e["DTSTART"][1] == {"VALUE": "DATE"} for e in events.values())


def test_a_title_that_states_its_dates_does_not_repeat_them(client):
    f.DelegationFactory(
        title="Jahresreise 2026", start_date=D(2026, 1, 1), end_date=None, date_precision="year"
    )
    f.DelegationFactory(
        title="Messe Juni 2026", start_date=D(2026, 6, 1), end_date=None, date_precision="month"
    )
    summaries = {e["SUMMARY"][0] for e in raw_events(ics(client, "de").decode())}
    assert summaries == {"Jahresreise 2026", "Messe Juni 2026"}


def test_a_chinese_title_takes_full_width_parentheses_around_its_dates(client, imprecise):
    summaries = {e["SUMMARY"][0] for e in raw_events(ics(client, "zh-hans").decode())}
    assert "Visit from Jining（2018年）" in summaries
    assert "Company trip（2019年11月）" in summaries


def test_a_month_precision_trip_in_december_ends_with_the_year(client):
    f.DelegationFactory(
        title="December trip", start_date=D(2020, 12, 1), end_date=None, date_precision="month"
    )
    [event] = raw_events(ics(client).decode())
    assert (event["DTSTART"][0], event["DTEND"][0]) == ("20201201", "20210101")


def test_the_atom_feed_names_the_publishing_office(client, settings, imprecise):
    settings.CRM_PUBLISHER = "Amt für Wirtschaftsförderung Leipzig"
    settings.CRM_PUBLISHER_URL = "https://www.leipzig.de/wirtschaft"
    feed = ET.fromstring(client.get("/de/feeds/delegations.atom").content)
    author = feed.find(f"{ATOM}author")
    assert author.findtext(f"{ATOM}name") == "Amt für Wirtschaftsförderung Leipzig"
    assert author.findtext(f"{ATOM}uri") == "https://www.leipzig.de/wirtschaft"


# The calendar page --------------------------------------------------------------------


def calendar_page(client, language="de", **params):
    with translation.override(language):
        url = reverse("partners:calendar")
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_calendar_lists_a_year_by_month_with_navigation(client, imprecise):
    html = calendar_page(client, "en", year=2019)
    assert "Calendar 2019" in html
    # Both are past: the latest month first.
    assert html.index("<h3>November 2019</h3>") < html.index("<h3>June 2019</h3>")
    assert "Trip to Nanjing" in html and "Company trip" in html
    assert "Visit from Jining" not in html
    assert 'rel="prev" href="?year=2018"' in html
    html = calendar_page(client, "de", year=2018)
    assert "Visit from Jining" in html
    # Year-only: under the year, never under January or as 1 January.
    assert "Januar" not in html
    assert "<h3>2018</h3>" in html


def test_upcoming_and_past_are_apart(client):
    today = timezone.localdate()
    f.DelegationFactory(title="Soon", start_date=today + datetime.timedelta(days=3), end_date=None)
    f.DelegationFactory(title="Gone", start_date=today - datetime.timedelta(days=3), end_date=None)
    html = calendar_page(client, "en", year=today.year)
    if "Soon" in html and "Gone" in html:  # both fall into this year unless near New Year
        upcoming, past = html.split('id="past-heading"')
        assert "Soon" in upcoming and "Gone" in past


def test_bad_years_fall_back_and_never_fail(client, imprecise):
    for year in ("abc", "0", "99999", "-5", ""):
        calendar_page(client, "en", year=year)


def test_the_calendar_shows_nothing_unpublished(client, leaky_world):  # noqa: F811
    for year in (2014, 2015, 2018, 2019):
        html = calendar_page(client, "de", year=year).lower()
        assert "zq" not in html
    # An unpublished delegation's year is not offered in the navigation.
    assert "?year=2015" not in calendar_page(client, "de", year=2019)


@pytest.mark.parametrize("n", [3, 30])
def test_query_count_does_not_grow_with_the_records(client, django_assert_num_queries, n):
    for i in range(n):
        f.DelegationFactory(start_date=D(2019, 1 + i % 12, 1), end_date=None)
        f.DelegationFactory(start_date=D(2000 + i, 5, 1), end_date=None, date_precision="year")
    with translation.override("de"):
        url = reverse("partners:calendar")
    with django_assert_num_queries(2):
        assert client.get(url, {"year": 2019}).status_code == 200


def test_the_chinese_calendar_writes_years_spans_and_details_the_chinese_way(client):
    leipzig = f.CityFactory(name="Leipzig", name_zh_hans="莱比锡")
    f.DelegationFactory(
        title="Winterreise",
        title_zh_hans="冬季出访",
        start_date=D(2026, 12, 28),
        end_date=D(2027, 1, 4),
        status="planned",
        direction="outbound",
        origin_city=leipzig,
    )
    f.DelegationFactory(
        title="Jahresbesuch", start_date=D(2026, 1, 1), end_date=None, date_precision="year"
    )

    html = calendar_page(client, "zh-hans", year=2026)

    assert "2026年12月28日至2027年1月4日" in html
    assert "<h3>2026年</h3>" in html
    assert "（出访，来自莱比锡，计划中）" in html
    assert "(" not in html.split("<ul>", 2)[-1].split("</article>")[0].replace("（", "")


def test_the_german_calendar_keeps_its_punctuation(client):
    leipzig = f.CityFactory(name="Leipzig")
    f.DelegationFactory(
        title="Winterreise",
        start_date=D(2026, 12, 28),
        end_date=D(2027, 1, 4),
        status="planned",
        direction="outbound",
        origin_city=leipzig,
    )

    html = calendar_page(client, "de", year=2026)

    assert "28. Dezember 2026 – 4. Januar 2027" in html
    assert "(ausgehend, aus Leipzig, geplant)" in html


def _spoken(link_html):
    """What a screen reader reads of a link: its text without the aria-hidden parts."""
    shown = re.sub(r'<span aria-hidden="true">.*?</span>', "", link_html)
    return re.sub(r"<[^>]+>", "", shown)


def test_the_year_arrows_are_hidden_from_screen_readers_which_hear_words(client, imprecise):
    f.DelegationFactory(start_date=D(2020, 3, 1), end_date=None)
    html = calendar_page(client, "de", year=2019)
    previous = re.search(r'<a rel="prev"[^>]*>(.*?)</a>', html).group(1)
    following = re.search(r'<a rel="next"[^>]*>(.*?)</a>', html).group(1)
    assert "←" in previous and "→" in following
    assert _spoken(previous) == "Vorheriges Jahr: 2018"
    assert _spoken(following) == "Nächstes Jahr: 2020"
    assert "上一年：" in calendar_page(client, "zh-hans", year=2019)
