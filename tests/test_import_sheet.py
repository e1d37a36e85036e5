"""The sheet's column declaration: one source for the import, the export and the README."""

from pathlib import Path

import pytest
from django.utils import translation

from partners.imports import sheet
from partners.imports.sheet import COLUMNS, CellError


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the site's default language is German."""
    with translation.override("en"):
        yield


README = Path(__file__).resolve().parent.parent / "README.md"
DESIGN_HEADERS = [
    ("Company", "Firma"),
    ("Register number", "Handelsregisternummer"),
    ("City", "Ort"),
    ("Country", "Land"),
    ("Website", "Webseite"),
    ("Email", "E-Mail"),
    ("Phone", "Telefon"),
    ("Address", "Adresse"),
    ("Sector", "Branche"),
    ("Employees", "Mitarbeiter"),
    ("Founded", "Gründungsjahr"),
    ("Products", "Produkte"),
    ("Interests", "Interessen"),
    ("Target cities", "Zielstädte"),
    ("Contact", "Ansprechpartner"),
    ("Contact position", "Position"),
    ("Contact email", "E-Mail Ansprechpartner"),
    ("Contact phone", "Telefon Ansprechpartner"),
    ("Summary", "Kurzprofil"),
    ("Consent to share", "Freigabe"),
    ("Consent date", "Freigabe am"),
    ("Status", "Status"),
    ("Publish", "Veröffentlichen"),
    ("Products (English)", "Produkte (Englisch)"),
    ("Summary (English)", "Kurzprofil (Englisch)"),
    ("Products (Chinese)", "Produkte (Chinesisch)"),
    ("Summary (Chinese)", "Kurzprofil (Chinesisch)"),
]


def test_the_headers_are_exactly_those_of_the_design():
    assert [(column.en, column.de) for column in COLUMNS] == DESIGN_HEADERS


def test_the_readme_table_is_the_declaration():
    assert sheet.markdown_table() in README.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("cell", "number"),
    [("1.200", 1200), ("1,200", 1200), ("1 200", 1200), (1200.0, 1200), ("", None), (7, 7)],
)
def test_whole_numbers_accept_german_and_english_separators(cell, number):
    assert sheet.whole_number(cell) == number


@pytest.mark.parametrize("cell", ["viele", "12.5", "-3", True])
def test_anything_else_is_not_a_number(cell):
    with pytest.raises(CellError, match="is not a number"):
        sheet.whole_number(cell)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("ja", True),
        ("Nein", False),
        ("x", True),
        ("", False),
        ("1", True),
        (0, False),
        ("yes", True),
    ],
)
def test_yes_no_cells_take_the_usual_spellings(cell, value):
    assert sheet.yes_no(cell) is value


def test_statuses_are_read_in_english_and_german():
    assert [sheet.status(s) for s in ("Entwurf", "bereit", "weitergegeben", "archived")] == [
        "draft",
        "ready",
        "shared",
        "archived",
    ]


def test_a_website_that_outgrows_the_field_with_its_scheme_is_refused():
    # 195 characters as typed, 203 once "https://" is added: more than the field holds,
    # which PostgreSQL refuses when the confirmed import writes it.
    with pytest.raises(CellError, match="longer than 200 characters"):
        sheet.website("www.example.de/" + "a" * 180)
    assert len(sheet.website("www.example.de/" + "a" * 177)) == 200
