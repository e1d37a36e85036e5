"""NUL bytes and control characters anywhere in a sheet are row errors in the preview,
naming row and column, and a preview without errors never fails at the confirm step."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from partners.imports import BadFile, import_profiles
from partners.models import ImportRun, Organisation
from partners.roles import ADMINISTRATORS
from tests.backoffice import client_for, user_with_role
from tests.factories import HomeCityFactory
from tests.import_files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Firma", "Ort", "Mitarbeiter", "Notiz"]
CONTROL = re.compile("[\x00-\x1f]")
CHARACTERS = ["\x00", "\x07", "\x1b", "\x7f", "\x0b"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def leipzig():
    return HomeCityFactory(name="Leipzig")


def escaped_xlsx(rows: list[list]) -> bytes:
    """An XLSX whose cells hold control characters, escaped as Excel writes them
    (`_x0007_`), which openpyxl refuses to write itself."""
    marked = [[CONTROL.sub(lambda m: f"~{ord(m[0]):02X}~", cell) for cell in row] for row in rows]
    data, target = xlsx(marked, HEADERS), io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = re.sub(rb"~([0-9A-F]{2})~", rb"_x00\1_", source.read(item.filename))
            out.writestr(item, content)
    return target.getvalue()


def sheet_with(character: str, kind: str, column: int) -> tuple[bytes, str]:
    rows = [["Gut GmbH", "Leipzig", "5", ""], ["Auch Gut AG", "Leipzig", "7", ""]]
    rows[1][column] = f"x{character}y" if column != 2 else f"7{character}"
    if kind == "csv":
        return csv_bytes(rows, HEADERS), "p.csv"
    return escaped_xlsx(rows), "p.xlsx"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("character", CHARACTERS)
@pytest.mark.parametrize(("column", "header"), [(0, "Firma"), (2, "Mitarbeiter"), (3, "Notiz")])
def test_a_control_character_in_any_cell_is_an_error_naming_row_and_column(
    kind, character, column, header
):
    if kind == "xlsx" and character == "\x7f":
        pytest.skip("DEL is stored as itself in XLSX; the CSV case covers it")
    data, name = sheet_with(character, kind, column)

    preview = import_profiles(source=data, filename=name, dry_run=True)

    code = f"U+{ord(character):04X}"
    assert [(e.row, e.column) for e in preview.errors if code in e.message] == [(3, header)]
    assert all("\x00" not in e.message and character not in e.message for e in preview.errors)
    import_profiles(source=data, filename=name, skip_invalid=True)
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Gut GmbH"]
    assert ImportRun.objects.get().error_count == 1


def test_a_control_character_in_a_header_is_a_file_error_naming_the_column():
    data = csv_bytes(
        [["Gut GmbH", "Leipzig", "5", ""]], ["Firma", "Ort", "Mitarbeiter", "No\x00tiz"]
    )

    with pytest.raises(BadFile) as refused:
        import_profiles(source=data, filename="p.csv", dry_run=True)

    assert "column D" in refused.value.message


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_preview_lists_the_cell_and_the_confirmed_import_never_fails(kind):
    client = client_for(user_with_role(ADMINISTRATORS))
    data, name = sheet_with("\x00", kind, 3)
    upload = SimpleUploadedFile(name, data)

    job_url = client.post(
        reverse("admin:partners_companyprofile_import"),
        {"import_file": upload, "skip_invalid": "on"},
    ).url
    page = client.get(job_url).text

    assert "<td>3</td><td>Notiz</td><td>contains the control character U+0000</td>" in page
    done = client.post(job_url + "confirm/", follow=True)
    assert done.status_code == 200
    assert "Created 1, updated 0, unchanged 0, invalid rows skipped 1." in done.text
