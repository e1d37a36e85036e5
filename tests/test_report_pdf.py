"""/reports/?format=pdf (issue 18): the report as an A4 PDF, read back with pypdf."""

import io

import pytest
from pypdf import PdfReader

from . import factories as f
from . import reconcile_world
from .backoffice import TableReader, logged_in_with

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}
A4_LANDSCAPE, A4_PORTRAIT = (842, 595), (595, 842)
# The PDF's queries: the user and session, the report's aggregates (a fixed number
# whatever the number of partner cities and records), its filter choices.
QUERIES = 16


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
    assert f"Period: {reconcile_world.B}-01-01 – {reconcile_world.B}-12-31" in first
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
