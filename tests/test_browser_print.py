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
