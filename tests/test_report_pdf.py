"""/reports/?format=pdf (issue 18): the report as an A4 PDF, read back with pypdf."""

import datetime
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from partners import models as m
from partners.reports.opportunities import DEFINITIONS

from . import factories as f
from . import reconcile_world
from .backoffice import TableReader, logged_in_with

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}
A4_LANDSCAPE, A4_PORTRAIT = (842, 595), (595, 842)
# The PDF's queries: the user and session, the report's aggregates (a fixed number
# whatever the number of partner cities and records), its filter choices.
QUERIES = 16
Stage = m.Opportunity.Stage


@pytest.fixture
def manager(client):
    return logged_in_with(client, "view_reports")


def _pdf(response) -> PdfReader:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def _total_row_on_the_page(client, query) -> str:
    reader = TableReader("summary")
    reader.feed(client.get("/reports/", query, headers=ENGLISH).text)
    return " ".join(reader.rows[-1])  # the total row, last in the table


def test_the_pdf_states_the_filter_and_every_figure_of_the_total_row_as_on_the_page(manager):
    reconcile_world.build()
    query = {"year": reconcile_world.B}

    response = manager.get("/reports/", {**query, "format": "pdf"}, headers=ENGLISH)

    reader = _pdf(response)
    first = _text(reader.pages[0])
    assert f"Period: 1 January – 31 December {reconcile_world.B}" in first
    assert "Partner city: all" in first and "Direction: all" in first
    on_the_page = _total_row_on_the_page(manager, query)
    total = " ".join(str(n) for n in [1, 0, 1, 0, 1, 2, 1, 0, 1, 1, 6, 2, 2, 1, 2, 2, 1, 2, 1, 1])
    assert on_the_page == f"Total (each record once) {total}"

    assert on_the_page in first
    text = " ".join(_text(page) for page in reader.pages)
    for heading in (
        "Year by year",
        "Delegations per year and partner city",  # the charts' captions
        "Memoranda in force",
        "Opportunities per partner city",
        "Opportunities: from idea to won",
    ):
        assert heading in text
    assert f"{reconcile_world.B} {total}" in text  # the year's row
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-{reconcile_world.B}.pdf"'
    )


@pytest.mark.layout
def test_the_pdf_is_a4_with_the_wide_tables_landscape_and_the_rest_portrait(manager):
    reconcile_world.build()

    reader = _pdf(
        manager.get("/reports/", {"year": reconcile_world.B, "format": "pdf"}, headers=ENGLISH)
    )

    sizes = [tuple(round(float(side)) for side in page.mediabox[2:]) for page in reader.pages]
    texts = [_text(page) for page in reader.pages]
    wide = [i for i, text in enumerate(texts) if "Year by year" in text or "Activity per" in text]
    assert sizes[0] == A4_LANDSCAPE and wide[0] == 0
    assert {sizes[i] for i in range(wide[-1] + 1)} == {A4_LANDSCAPE}  # summary, year by year
    assert len(sizes) > wide[-1] + 1 and set(sizes[wide[-1] + 1 :]) == {A4_PORTRAIT}


@pytest.mark.layout
def test_the_pdf_is_in_chinese_with_chinese_city_names_and_embedded_fonts(manager):
    reconcile_world.build()

    response = manager.get(
        "/reports/",
        {"year": reconcile_world.B, "format": "pdf"},
        headers={"accept-language": "zh-hans"},
    )

    reader = _pdf(response)
    first = _text(reader.pages[0])
    assert "南京" in first and "济宁" in first
    assert "各伙伴城市的活动" in first  # "Activity per partner city"
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Subsets ("ABCDEF+Name") are embedded fonts; Chinese needs the CJK one.
    assert all("+" in name for name in fonts), fonts
    assert any("CJK" in name for name in fonts), fonts
    # The charts' labels too: in the Chinese font, not the Japanese one (other glyphs).
    assert not any("CJK-JP" in name for name in fonts), fonts


def test_the_pdf_follows_the_filter(manager):
    reconcile_world.build()

    response = manager.get(
        "/reports/",
        {"year": reconcile_world.B, "partner_city": "nanjing", "format": "pdf"},
        headers=ENGLISH,
    )

    first = _text(_pdf(response).pages[0])
    assert "Partner city: Nanjing" in first
    assert "Jining (济宁)" not in first
    assert f"report-{reconcile_world.B}-nanjing.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"format": "docx"}, "Unknown format “docx”: choose one of html, xlsx, csv, pdf."),
        ({"format": "pdf", "year": "twenty"}, "Enter a whole number"),
        ({"format": "pdf", "partner_city": "atlantis"}, "Select a valid choice"),
    ],
)
def test_bad_parameters_are_a_400_naming_them_not_a_500(manager, query, message):
    response = manager.get("/reports/", query, headers=ENGLISH)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.text


def test_the_pdf_needs_the_report_permission(client):
    anonymous = client.get("/reports/", {"format": "pdf"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")

    assert logged_in_with(client).get("/reports/", {"format": "pdf"}).status_code == 403


def test_the_report_page_offers_the_pdf_with_its_filter(manager):
    reconcile_world.build()

    page = manager.get("/reports/", {"year": reconcile_world.B}, headers=ENGLISH).text

    assert f'href="?year={reconcile_world.B}&amp;format=pdf">Download PDF</a>' in page


def test_the_pdf_makes_as_many_queries_with_many_partner_cities(manager, django_assert_num_queries):
    reconcile_world.build()
    query = {"year": reconcile_world.B, "format": "pdf"}
    manager.get("/reports/", query)  # sessions, content types and caches warmed up
    with django_assert_num_queries(QUERIES):
        _pdf(manager.get("/reports/", query))
    for number in range(10):
        city = f.CityFactory(name=f"Partnerstadt {number}")
        f.PartnershipFactory(home_city=f.HomeCityFactory(), partner_city=city)
        f.MeetingFactory(city=city, date=f"{reconcile_world.B}-03-0{number % 9 + 1}")
    with django_assert_num_queries(QUERIES):
        _pdf(manager.get("/reports/", query))


def _opportunities_of_year_b():
    """Opportunities in both partner cities of the year, with figures of eight digits."""
    nanjing, jining = (m.City.objects.get(slug=slug) for slug in ("nanjing", "jining"))
    year = reconcile_world.B
    for number, (city, stage) in enumerate(
        [
            (nanjing, Stage.WON),
            (nanjing, Stage.NEGOTIATING),
            (jining, Stage.WON),
            (jining, Stage.CONTACTED),
            (jining, Stage.ON_HOLD),
        ]  # fmt: skip
    ):
        started = datetime.date(year, 1, 2 + number)
        won = {"won_on": datetime.date(year, 6, 1 + number)} if stage == Stage.WON else {}
        opportunity = f.OpportunityFactory(
            partner_city=city,
            stage=stage,
            expected_jobs=1239,
            expected_investment_eur=12_500_005,
            jobs_created=1239,
            investment_eur=12_500_005,
            **won,
        )
        opportunity.stage_changes.all().delete()
        log = [(started, Stage.IDEA), (won.get("won_on", started), stage)]
        m.OpportunityStageChange.objects.bulk_create(
            m.OpportunityStageChange(opportunity=opportunity, entered_on=day, stage=stage)
            for day, stage in log
        )


def _runs(page) -> list[tuple[float, float, str]]:
    """(x, y) of each piece of text drawn on the page (y upwards from the bottom), and it."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def _margin(page) -> float:
    return 28 if page.mediabox.width > page.mediabox.height else 42  # 1 cm, 1.5 cm


def _words_outside(page) -> list[str]:
    """The text drawn from beyond the page's right margin (a column cut off)."""
    limit = float(page.mediabox.width) - _margin(page) + 1
    return [text for x, _y, text in _runs(page) if x > limit]


def _last_line(page) -> str:
    """The lowest line of the page's body (above the footer in its bottom margin)."""
    body = [(y, x, text) for x, y, text in _runs(page) if y > _margin(page)]
    lowest = min(y for y, _x, _text in body)
    return " ".join(text for y, _x, text in sorted(body, key=lambda r: r[1]) if y - lowest < 2)


TOTAL_OPPORTUNITIES = {
    "de": "Summe 0 1 0 1 1 3 2 0 3.717 37.500.015 2.478 25.000.010 5 40,0 150,0",
    "en": "Total 0 1 0 1 1 3 2 0 3,717 37,500,015 2,478 25,000,010 5 40.0 150.0",
    "zh-hans": "合计 0 1 0 1 1 3 2 0 3,717 37,500,015 2,478 25,000,010 5 40.0 150.0",
}


@pytest.mark.layout
@pytest.mark.parametrize("language", ["de", "en", "zh-hans"])
def test_every_table_fits_the_page_width_in_every_language(manager, language):
    reconcile_world.build()
    _opportunities_of_year_b()

    response = manager.get(
        "/reports/",
        {"year": reconcile_world.B, "format": "pdf"},
        headers={"accept-language": language},
    )
    reader = _pdf(response)

    for page in reader.pages:
        assert _words_outside(page) == []
    text = " ".join(_text(page) for page in reader.pages)
    # The opportunities' total row, to its last column (started, conversion, median days).
    assert TOTAL_OPPORTUNITIES[language] in text


@pytest.mark.layout
@pytest.mark.parametrize("language", ["de", "en", "zh-hans"])
def test_no_heading_is_left_alone_at_the_bottom_of_a_page(manager, language):
    reconcile_world.build()
    _opportunities_of_year_b()
    with translation.override(language):
        headings = {
            str(heading)
            for heading in (
                _("Activity per partner city"),
                _("Year by year"),
                _("Opportunities per partner city"),
                _("How we count opportunities"),
                _("How we count"),
                *(term for term, _text in DEFINITIONS),
            )
        }

    reader = _pdf(
        manager.get(
            "/reports/",
            {"year": reconcile_world.B, "format": "pdf"},
            headers={"accept-language": language},
        )
    )

    for page in reader.pages[:-1]:
        assert _last_line(page) not in headings


@pytest.mark.layout
def test_the_pdf_is_printed_without_stylesheet_warnings(manager, caplog):
    """The page's screen-only rules (a phone's @media, a scrolling box) and the admin's
    colour variables are not the PDF's: WeasyPrint warned of each on every download."""
    reconcile_world.build()

    with caplog.at_level("WARNING", logger="weasyprint"):
        response = manager.get("/reports/", {"year": reconcile_world.B, "format": "pdf"})

    assert _pdf(response).pages
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


@pytest.mark.parametrize(
    "lang, title, file_name",
    [
        ("de", "Bericht", 'filename="bericht-2026.pdf"'),
        ("en", "Report", 'filename="report-2026.pdf"'),
        ("zh-hans", "报告", "filename*=utf-8''%E6%8A%A5%E5%91%8A-2026.pdf"),
    ],
)
def test_the_pdf_is_printed_in_the_language_lang_asks_for(manager, lang, title, file_name):
    nanjing = f.CityFactory(name="Nanjing", name_zh_hans="南京")
    f.PartnershipFactory(partner_city=nanjing)

    response = manager.get(
        "/reports/", {"year": 2026, "format": "pdf", "lang": lang}, headers=ENGLISH
    )

    reader = _pdf(response)
    assert reader.metadata.title.startswith(f"{title} ")
    assert ("南京" in _text(reader.pages[0])) == (lang == "zh-hans")
    assert response["Content-Disposition"] == f"attachment; {file_name}"


def test_a_language_the_pdf_is_not_printed_in_is_refused_by_name(manager):
    response = manager.get("/reports/", {"format": "pdf", "lang": "pl"}, headers=ENGLISH)

    assert response.status_code == 400
    assert "lang: &#x27;pl&#x27; is not one of de, en, zh-hans" in response.text
