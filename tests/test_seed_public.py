"""The public site on the shipped seed data carries the press release of 11 July 2019.

Issue 6, "Done when": every fact of ``shared/seed/press-release-2019-07-11.de.txt`` is on
the public pages, in German and English (since issue 14 the records' texts in English too).
Pages are read as text (tags stripped, whitespace collapsed), section by section, never as
raw bytes.
"""

import re
from html.parser import HTMLParser

import pytest

REPORT = "delegations/delegationsreise-nanjing-jining-2019/"
TRIP_DATES = [("de", "25.–30. Juni 2019"), ("en", "25–30 June 2019")]
DEMO_COMPANY = "Beispiel Präzisionsteile GmbH"  # one of the internal demo companies


class _PageText(HTMLParser):
    """The text of ``<main>`` and of each ``<section>`` (by its ``aria-labelledby``)."""

    def __init__(self):
        super().__init__()
        self.main, self.sections, self.open_sections, self.depth = [], {}, [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif tag == "section":
            self.open_sections.append(dict(attrs).get("aria-labelledby") or "")
            self.sections.setdefault(self.open_sections[-1], [])
        if tag in ("li", "p", "dt", "dd", "h1", "h2", "h3", "br"):
            self._add(" ")

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        elif tag == "section" and self.open_sections:
            self.open_sections.pop()

    def handle_data(self, data):
        self._add(data)

    def _add(self, text):
        if self.depth:
            self.main.append(text)
            for name in self.open_sections:
                self.sections[name].append(text)


def _collapse(parts) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


class Page:
    def __init__(self, html: str):
        reader = _PageText()
        reader.feed(html)
        self.text = _collapse(reader.main)
        self.sections = {name: _collapse(parts) for name, parts in reader.sections.items()}

    def section(self, heading_id: str) -> str:
        return self.sections[heading_id]


@pytest.fixture
def seeded(db, seed_once):
    pass


@pytest.fixture
def read(client, seeded):
    def read(language: str, path: str) -> Page:
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, path
        return Page(response.content.decode())

    return read


@pytest.mark.parametrize("language, dates", TRIP_DATES)
def test_the_report_shows_the_dates_of_the_trip(read, language, dates):
    assert dates in read(language, REPORT).text


@pytest.mark.parametrize("language, origin", [("de", "Aus Leipzig"), ("en", "From Leipzig")])
def test_the_report_shows_the_route_from_leipzig_to_nanjing_then_jining(read, language, origin):
    page = read(language, REPORT)

    route = page.section("route-heading")
    assert route.index("Nanjing (南京)") < route.index("Jining (济宁)")
    assert origin in page.text


@pytest.mark.parametrize(
    ("language", "koerner", "schuelke"),
    [
        ("de", "Geschäftsführer, Invest Region Leipzig GmbH",
         "Leiter des Amts für Wirtschaftsförderung der Stadt Leipzig"),
        ("en", "Managing Director, Invest Region Leipzig GmbH",
         "Head of the Office for Economic Development of the City of Leipzig"),
        ("zh-hans", "莱比锡地区投资促进公司总经理", "莱比锡市经济促进局局长"),
    ],
)  # fmt: skip
def test_the_report_names_both_members_with_their_positions_then(read, language, koerner, schuelke):
    members = read(language, REPORT).section("members-heading")

    comma = "，" if language == "zh-hans" else ", "  # Chinese punctuation on Chinese pages
    assert f"Michael Körner{comma}{koerner}" in members
    assert f"Clemens Schülke{comma}{schuelke}" in members
    supporter = "EU-China Municipal Development Commission (ECMDC)"
    assert (supporter if language != "zh-hans" else "中欧城市发展委员会（ECMDC）") in members
    assert members.count("ECMDC") == 1  # not again when the name holds the short name


@pytest.mark.parametrize(
    "language, title, office",
    [
        (
            "de",
            "Leipzig als attraktiver Wirtschaftsstandort für chinesische Unternehmen",
            "Stadt Leipzig, Amt für Wirtschaftsförderung",
        ),
        (
            "en",
            "Leipzig as an attractive business location for Chinese companies",
            "City of Leipzig, Office for Economic Development",
        ),
    ],
)
def test_the_report_shows_the_presentation_in_nanjing(read, language, title, office):
    meetings = read(language, REPORT).section("meetings-heading")

    assert title in meetings
    assert office in meetings


@pytest.mark.parametrize(
    "language, nanjing, jining",
    [
        (
            "de",
            "Memorandum of Understanding Leipzig–Nanjing 2019, Nanjing",
            "Invest Region Leipzig – Region Jining 2019, Jining",
        ),
        (
            "en",
            "Memorandum of understanding Leipzig–Nanjing 2019, Nanjing",
            "Invest Region Leipzig – Jining region 2019, Jining",
        ),
    ],
)
def test_the_report_lists_both_memoranda_with_the_city_of_signing(read, language, nanjing, jining):
    memoranda = read(language, REPORT).section("memoranda-heading")

    assert nanjing in memoranda
    assert jining in memoranda


@pytest.mark.parametrize(
    "language, sentence, recipients",
    [
        (
            "de",
            "11 Unternehmensprofile wurden übergeben.",
            "Empfänger: Regionalregierung Jining, Stadtregierung Nanjing",
        ),
        (
            "en",
            "11 company profiles were handed over.",
            "Recipients: Jining Municipal People's Government, "
            "Nanjing Municipal People's Government",
        ),
        # Chinese enumerates names with 、, not with a comma.
        ("zh-hans", "已移交 11 份企业简介。", "南京市人民政府、济宁市人民政府"),
    ],
)
def test_the_report_counts_eleven_profiles_without_naming_internal_companies(
    read, language, sentence, recipients
):
    page = read(language, REPORT)

    profiles = page.section("profiles-heading")
    assert sentence in profiles
    assert recipients in profiles
    assert DEMO_COMPANY not in page.text


@pytest.mark.parametrize(
    ("language", "ideas", "trip"),
    [
        ("de", "Kooperationsideen aus den Gesprächen in Nanjing und Jining mit Leben füllen",
         "Große Delegationsreise mit Leipziger Unternehmen vorbereiten"),
        ("en", "Put the cooperation ideas from the talks in Nanjing and Jining into practice",
         "Prepare a large delegation trip with Leipzig companies"),
        ("zh-hans", "将南京和济宁会谈中产生的合作设想付诸实践", "筹备莱比锡企业大型代表团之行"),
    ],
)  # fmt: skip
def test_the_report_tells_what_comes_next(read, language, ideas, trip):
    follow_ups = read(language, REPORT).section("follow-ups-heading")

    assert ideas in follow_ups
    assert trip in follow_ups


def test_the_report_carries_the_press_release_summary(read):
    report = read("de", REPORT).section("summary-heading")

    for fact in ("Elf Profile", "Gegenbesuch in Jining", "hochrangigen Vertretern", "ECMDC"):
        assert fact in report


def test_the_jining_memorandum_was_signed_by_michael_koerner(read):
    page = read("en", "memoranda/absichtserklaerung-invest-region-leipzig-jining-2019/")

    assert "Jining Municipal People's Government" in page.section("parties-heading")
    assert "signed by Michael Körner, Managing Director" in page.section("parties-heading")


@pytest.mark.parametrize(
    "language, jining, nanjing",
    [
        ("de", "8.300.000 (2019)", "8.000.000 (2019)"),
        ("en", "8,300,000 (2019)", "8,000,000 (2019)"),
    ],
)
def test_city_pages_show_the_population_localised(read, language, jining, nanjing):
    assert jining in read(language, "cities/jining/").section("facts-heading")
    assert nanjing in read(language, "cities/nanjing/").section("facts-heading")


def test_nanjing_is_described_as_in_the_press_release(read):
    facts = read("de", "cities/nanjing/").section("facts-heading")

    for fact in ("Jiangsu", "Shanghai", "mehr als acht Millionen", "circa 3.600 Unternehmen"):
        assert fact in facts


@pytest.mark.parametrize(
    "language, twinning", [("de", "Städtepartnerschaft, seit 1988"), ("en", "twinning, since 1988")]
)
def test_leipzig_and_nanjing_are_twinned_since_1988(read, language, twinning):
    assert twinning in read(language, "cities/nanjing/").section("partnerships-heading")
    assert twinning in read(language, "cities/leipzig/").section("partnerships-heading")


@pytest.mark.parametrize("city", ["jining", "leipzig"])
def test_the_2018_visit_is_dated_by_its_year_on_the_timeline(read, city):
    timeline = read("en", f"cities/{city}/").section("timeline-heading")

    assert "2018 Visit of the Mayor of Jining to Leipzig 2018" in timeline


def test_the_2018_visit_names_shi_guangliang(read):
    page = read("de", "delegations/besuch-oberbuergermeister-jining-leipzig-2018/")

    assert "Shi Guangliang, Oberbürgermeister von Jining" in page.section("members-heading")


@pytest.mark.parametrize("language, dates", TRIP_DATES)
def test_memoranda_without_a_signing_day_show_the_dates_of_their_trip(read, language, dates):
    # The press release gives no day of signing: the city page must not invent one.
    memoranda = read(language, "cities/nanjing/").section("memoranda-heading")

    assert "Leipzig–Nanjing 2019" in memoranda
    assert dates in memoranda
    assert "25. Juni 2019," not in memoranda and "June 25, 2019" not in memoranda


@pytest.mark.parametrize(
    "language, open_date, title",
    [
        ("de", "Datum offen", "Delegationsreise mit Leipziger Unternehmen nach Ost-China"),
        ("en", "date open", "Delegation trip with Leipzig companies to eastern China"),
    ],
)
def test_the_planned_trip_with_companies_is_announced(read, language, open_date, title):
    page = read(language, "delegations/delegationsreise-leipziger-unternehmen-ost-china/")

    assert title in page.text
    assert open_date in page.text
    timeline = read(language, "cities/leipzig/").section("timeline-heading")
    assert f"{open_date} {title}" in timeline


@pytest.mark.parametrize(
    "language, figures",
    [
        (
            "de",
            "2 Partnerstädte 3 Delegationen 2 gültige Vereinbarungen 0 Unternehmen im Verzeichnis",
        ),
        (
            "en",
            "2 partner cities 3 delegations 2 memoranda in force 0 companies in the directory",
        ),
    ],
)
def test_the_home_page_counts_published_records_of_the_seed(read, language, figures):
    assert read(language, "").section("counts-heading").endswith(figures)


def test_the_directory_keeps_the_internal_demo_companies_hidden(read):
    assert DEMO_COMPANY not in read("en", "companies/").text
