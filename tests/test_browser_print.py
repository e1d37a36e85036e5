"""Print: A4 pages, and link targets written out as absolute URLs."""

import io

import pytest
from pypdf import PdfReader

from tests.world2019 import build_world_2019

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_POINTS = (595, 842)


def test_a_printed_report_is_a4_with_absolute_link_targets(live_server, page):
    build_world_2019()
    page.goto(f"{live_server.url}/en/delegations/ost-china-2019/")
    page.emulate_media(media="print")
    # prefer_css_page_size: the page size comes from print.css (@page size: A4).
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert f"({live_server.url}/en/cities/nanjing/)" in text


def _fonts(page, selector: str) -> set[str]:
    """The fonts Chromium really used for the text of the first element matched."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in used}


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_latin_text_never_prints_in_a_cjk_font(live_server, page, language):
    """Latin text and its punctuation („“–:) in a Latin font, on every page language:
    a CJK font would set the punctuation full-width. Chinese in the CJK font."""
    from tests import factories as f

    f.DelegationFactory(
        title_de="Reise „Ost“ – Leipzig: Nanjing", slug="reise-ost", visibility="public"
    )
    page.goto(f"{live_server.url}/{language}/delegations/reise-ost/")
    page.emulate_media(media="print")

    # The German title on every page (marked lang="de" on the others).
    latin = _fonts(page, "main h1" if language == "de" else 'main h1 [lang="de"]')
    assert latin and not any("CJK" in name for name in latin), latin
    if language == "zh-hans":
        chinese = _fonts(page, ".site-footer p")
        assert any("CJK" in name for name in chinese), chinese
