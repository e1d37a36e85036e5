"""Mistakes people make in the sheets they upload, driven through the admin as its users do:
an administrator uploads (trade officers may not import), the page answers in the user's
language and names the row and column, and nothing is written."""

import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from partners.models import Organisation
from tests.factories import CityFactory, HomeCityFactory, UserFactory
from tests.import_files import xlsx

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:partners_companyprofile_import")


@pytest.fixture(autouse=True)
def cities():
    HomeCityFactory(name="Leipzig")
    CityFactory(name="Nanjing", local_name="南京")


@pytest.fixture
def administrator(client):
    client.force_login(UserFactory(username="admin-anna", groups=["Administrators"]))
    return client


def upload(client, data, name="profiles.xlsx", language="en"):
    """The page the upload leads to (the job's preview, or the form with its error), as text."""
    file = SimpleUploadedFile(name, data)
    response = client.post(IMPORT_URL, {"import_file": file}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        response = client.get(response.url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html.unescape(response.text)


def test_a_trade_officer_may_not_import(client):
    client.force_login(UserFactory(username="officer-otto", groups=["Trade officers"]))

    assert client.get(IMPORT_URL).status_code == 403


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            'row 2, column "Firma": "2025-04-03" is a date or time in the sheet, not text',
        ),
        (
            "de",
            "Zeile 2, Spalte „Firma“: „2025-04-03“ ist in der Tabelle ein Datum oder eine "
            "Uhrzeit, kein Text",
        ),
        ("zh-hans", "第 2 行，“Firma”列：“2025-04-03”在表格中是日期或时间，而不是文本"),
    ],
)
def test_a_date_that_excel_made_of_a_text_cell_is_refused(administrator, language, message):
    # Excel turns "3-4" typed into a name or phone cell into a date; the typed text is lost.
    data = xlsx(
        [[datetime.date(2025, 4, 3), "", "Leipzig", "5", "", ""]],
    )

    page = upload(administrator, data, language=language)

    assert message in page
    assert not Organisation.objects.exists()


def test_a_time_in_a_long_text_cell_is_refused_too(administrator):
    data = xlsx(
        [["A GmbH", "Leipzig", datetime.datetime(2025, 4, 3, 12, 30)]],
        ["Firma", "Ort", "Produkte"],
    )

    page = upload(administrator, data)

    assert 'row 2, column "Produkte": "2025-04-03T12:30:00" is a date or time in the sheet' in page


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_excels_tab_separated_text_is_read_like_a_csv(administrator, encoding):
    # Excel's "Unicode Text (*.txt)" is UTF-16 with a byte order mark, tab-separated: the
    # way to get Chinese names out of older Excel versions intact.
    text = "Firma\tOrt\tProdukte (Chinesisch)\r\nMüller GmbH\t南京\t机器, 零件\r\n"

    page = upload(administrator, text.encode(encoding), name="profile.txt", language="de")

    assert "1 Zeile: 1 neu, 0 zu aktualisieren, 0 unverändert, 0 mit Fehlern." in page
    assert "Müller GmbH" in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            'Required column missing: "Company" / "Firma". Columns not recognised: "Frima", '
            '"Mitarbieter".',
        ),
        (
            "de",
            'Pflichtspalte fehlt: "Company" / "Firma". Nicht erkannte Spalten: "Frima", '
            '"Mitarbieter".',
        ),
        ("zh-hans", '无法识别的列："Frima", "Mitarbieter"。'),
    ],
)
def test_a_typo_in_a_required_header_names_the_headers_not_recognised(
    administrator, language, message
):
    data = xlsx([["A GmbH", "Leipzig", "5"]], ["Frima", "Ort", "Mitarbieter"])

    page = upload(administrator, data, language=language)

    assert message in page
    assert not Organisation.objects.exists()


def workbook(*sheets: tuple[str, list[list], bool]) -> bytes:
    """A workbook of (name, rows, hidden) sheets, in that order."""
    book = Workbook()
    book.remove(book.active)
    for name, rows, hidden in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = "hidden" if hidden else "visible"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_hidden_first_sheet_is_not_what_is_imported(administrator):
    # The user sees "Firmen"; a hidden sheet left before it must not be imported instead.
    data = workbook(
        ("Alt", [["Firma", "Ort"], ["Alte Liste GmbH", "Leipzig"]], True),
        ("Firmen", [["Firma", "Ort"], ["Neue Liste GmbH", "Leipzig"]], False),
    )

    page = upload(administrator, data)

    assert "Neue Liste GmbH" in page
    assert "Alte Liste GmbH" not in page


def test_the_preview_says_which_sheets_were_not_read(administrator):
    data = workbook(
        ("Firmen", [["Firma", "Ort"], ["A GmbH", "Leipzig"]], False),
        ("Mehr Firmen", [["Firma", "Ort"], ["B GmbH", "Leipzig"]], False),
        ("Listen", [["C"]], True),
    )

    page = upload(administrator, data, language="de")

    assert (
        "Nur das Tabellenblatt „Firmen“ wurde gelesen, die übrigen Blätter der Arbeitsmappe "
        '("Mehr Firmen") nicht.'
    ) in page


def test_the_preview_warns_that_hidden_rows_are_imported_too(administrator):
    # An AutoFilter hides rows on screen; the import still reads them, and says so.
    book = Workbook()
    sheet = book.active
    for row in (["Firma", "Ort"], ["A GmbH", "Leipzig"], ["B GmbH", "Leipzig"], [], ["C"]):
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    sheet.row_dimensions[4].hidden = True  # blank: nothing to say about it
    buffer = io.BytesIO()
    book.save(buffer)

    page = upload(administrator, buffer.getvalue(), language="zh-hans")

    assert "表格中隐藏的行也会被导入：3。" in page


def test_the_preview_warns_that_hidden_columns_are_imported_too(administrator):
    # A hidden column is out of sight, not out of the import: its consent is shared.
    book = Workbook()
    sheet = book.active
    sheet.append(["Firma", "Ort", "Freigabe", "Notiz"])
    sheet.append(["A GmbH", "Leipzig", "ja", "alt"])
    sheet.column_dimensions["C"].hidden = True
    sheet.column_dimensions.group("D", "Z", hidden=True)  # unknown columns: nothing to say
    buffer = io.BytesIO()
    book.save(buffer)

    page = upload(administrator, buffer.getvalue())

    assert 'Columns hidden in the sheet are imported too: "Freigabe".' in page


def test_a_title_above_the_headers_is_named_with_the_row_that_holds_them(administrator):
    data = workbook(
        (
            "Firmen",
            [["Firmenliste, Stand Juni 2019"], [], ["Firma", "Ort"], ["A GmbH", "Leipzig"]],
            False,
        )
    )

    page = upload(administrator, data, language="de")

    assert (
        "Die Überschriften müssen in der ersten Zeile stehen; Zeile 3 sieht wie die "
        "Überschriftenzeile aus: die Zeilen darüber löschen."
    ) in page


def test_a_header_typo_in_a_workbook_of_several_sheets_is_named_too(administrator):
    # The template has several sheets: the message names the sheet read and the typo.
    data = workbook(
        ("Firmenprofile", [["Frima", "Ort"], ["A GmbH", "Leipzig"]], False),
        ("Beispiel", [["Firma", "Ort"]], False),
    )

    page = upload(administrator, data)

    assert 'Columns not recognised: "Frima".' in page
