"""Files that cannot be imported get one clear error and change nothing."""

import io
import zipfile

import pytest
import xlsxwriter
from django.utils import translation

from partners.imports import BadFile, import_profiles
from partners.models import ImportRun, Organisation
from tests.factories import HomeCityFactory
from tests.import_files import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the site's default language is German."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def leipzig():
    return HomeCityFactory(name="Leipzig")


def run(data, filename="profiles.xlsx", **options):
    return import_profiles(source=data, filename=filename, **options)


def rewrite_sheet(
    data: bytes, old: bytes, new: bytes, member: str = "xl/worksheets/sheet1.xml"
) -> bytes:
    """The same workbook with one XML part edited (what openpyxl cannot write)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == member:
                content = content.replace(old, new)
            out.writestr(item, content)
    return target.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "logo.png", "neither an .xlsx workbook nor"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "secret.xlsx", "password-protected"),
        (b"", "empty.csv", "The file is empty."),
        (b"just some text", "notes.xlsx", "not a valid .xlsx workbook"),
    ],
)
def test_files_that_are_no_readable_sheet_are_refused(data, filename, message):
    with pytest.raises(BadFile, match=message):
        run(data, filename)
    assert not ImportRun.objects.exists()


def opendocument_sheet() -> bytes:
    """A LibreOffice sheet (.ods) as the format begins it: its media type, stored first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize("filename", ["profiles.ods", "profiles.xlsx"])
def test_a_libreoffice_sheet_is_refused_saying_how_to_save_it_not_as_damaged(filename):
    with pytest.raises(BadFile, match=r"OpenDocument.*Save it as \.xlsx or CSV"):
        run(opendocument_sheet(), filename)
    assert not ImportRun.objects.exists()


def test_a_truncated_workbook_is_reported_as_damaged():
    data = xlsx([["A GmbH", "", "Leipzig", "1", "", ""]])

    with pytest.raises(BadFile, match="not a valid .xlsx workbook"):
        run(data[: len(data) // 2])


def test_a_workbook_with_an_empty_first_sheet_is_refused():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)

    with pytest.raises(BadFile, match="The first sheet is empty."):
        run(buffer.getvalue())


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.CRM_IMPORT_MAX_BYTES = 1000

    with pytest.raises(BadFile, match="the limit is"):
        run(xlsx([["A GmbH", "", "Leipzig", "1", "", ""]] * 50))


def test_a_file_over_the_row_limit_is_refused_and_nothing_is_written(settings):
    settings.CRM_IMPORT_MAX_ROWS = 3
    rows = [[f"Firma {n} GmbH", "", "Leipzig", "1", "", ""] for n in range(5)]

    with pytest.raises(BadFile, match="more than 3 rows"):
        run(xlsx(rows))
    assert not Organisation.objects.exists()


def test_a_decompression_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 20_000_000)

    with pytest.raises(BadFile, match="implausible size"):
        run(buffer.getvalue())


def test_a_formula_cell_uses_its_cached_value():
    data = xlsx([["A GmbH", "", "Leipzig", "=1+2", "", ""]])
    data = rewrite_sheet(data, b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>")
    # As Excel saves it: calculated, no longer asking to be calculated when opened.
    data = rewrite_sheet(data, b'fullCalcOnLoad="1"', b"", "xl/workbook.xml")

    result = run(data)

    assert result.errors == []
    assert Organisation.objects.get().profile.employees == 3


def test_a_formula_without_cached_value_is_a_row_error():
    result = run(xlsx([["A GmbH", "", "Leipzig", "=1+2", "", ""]]))

    assert [str(e) for e in result.errors] == [
        'row 2, column "Mitarbeiter": formula without a calculated value'
    ]
    assert not Organisation.objects.exists()


def test_a_formula_xlsxwriter_wrote_is_a_row_error_not_its_placeholder_zero():
    # xlsxwriter stores 0 as every formula's value and asks Excel to calculate on opening.
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Firma", "Ort", "Mitarbeiter"])
    sheet.write_row(1, 0, ["A GmbH", "Leipzig"])
    sheet.write_formula(1, 2, "=10*120")
    book.close()

    result = run(buffer.getvalue())

    assert [str(e) for e in result.errors] == [
        'row 2, column "Mitarbeiter": formula without a calculated value'
    ]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "a cell is longer than 131,072 characters"),
        ("de", "eine Zelle ist länger als 131.072 Zeichen"),
    ],
)
def test_a_csv_cell_too_long_to_read_is_named_in_the_readers_language(language, reason):
    data = b"company;products\nMuster GmbH;" + b"x" * 200_000 + b"\n"
    with translation.override(language), pytest.raises(BadFile) as refused:
        run(data, "profiles.csv")
    assert reason in str(refused.value) and "line 2" in str(refused.value).replace("Zeile", "line")
    assert not Organisation.objects.filter(name="Muster GmbH").exists()


@pytest.mark.parametrize(
    "data",
    [
        b"Firma;Ort\nA GmbH;Leipzig\n",
        "Firma\tOrt\nA GmbH\tLeipzig\n".encode("utf-16"),  # Excel's "Unicode Text"
    ],
)
def test_a_csv_named_xlsx_is_said_to_be_text_not_a_damaged_workbook(data):
    with pytest.raises(BadFile) as refusal:
        run(data, "profiles.xlsx")

    assert "it holds text, such as CSV. Rename it to .csv" in refusal.value.message
    assert "damaged" not in refusal.value.message
    assert not ImportRun.objects.exists()
