"""A sheet larger than the row, column or cell limits is refused before its cells are read,
with an error naming the limit, and reading it stays within a stated memory bound.

The reader (calamine) holds a sheet as a grid of 32 bytes per cell from A1 to the last
cell: a 5 KB workbook with one value in XFD1048576 used to make it allocate terabytes and
abort the process. Memory is measured on the real files in a fresh process
(``getrusage``: calamine's grid is not Python memory, tracemalloc would not see it).
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from partners import tasks
from partners.imports.reader import BadFile, open_sheet
from partners.models import Job, Organisation
from partners.roles import ADMINISTRATORS
from tests.backoffice import client_for, user_with_role
from tests.factories import HomeCityFactory
from tests.import_files import GERMAN, csv_bytes, xlsx

ROOT = Path(__file__).resolve().parent.parent
# Growth of the reading process's peak memory while it refuses a file.
REFUSAL_BOUND_MB = 32
# Reading a file at the cell limit (4,000,000 cells: calamine's 128 MB grid), all rows.
ACCEPTED_BOUND_MB = 128 + 64
COLUMNS = "The sheet has more than 200 columns"
CELLS = "the limit is 4000000 cells"
ROWS = "The file has more than 100000 rows"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def workbook(*far_cells: str, styled_row: tuple[int, int] | None = None) -> bytes:
    """A real workbook (openpyxl): the usual headers, one company, and ``far_cells`` far
    away; ``styled_row`` (row, columns) adds a row of formatted empty cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(GERMAN)
    sheet.append(["A GmbH", "", "Leipzig", "1", "", ""])
    for reference in far_cells:
        sheet[reference] = "x"
    if styled_row:
        row, columns = styled_row
        for column in range(1, columns + 1):
            sheet.cell(row=row, column=column).font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def edit_sheet(data: bytes, edit) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)
            out.writestr(item, content)
    return target.getvalue()


def read_in_a_fresh_process(tmp_path, data: bytes, name: str) -> dict:
    """Opens the file and reads every row in a new Python process: its error and how much
    its peak memory grew while doing so."""
    path = tmp_path / name
    path.write_bytes(data)
    script = (
        "import json, resource, sys, django\n"
        "django.setup()\n"
        "from django.utils import translation\n"
        "from partners.imports.reader import BadFile, open_sheet\n"
        "translation.activate('en')\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    rows = sum(1 for _ in open_sheet(data, sys.argv[1]).rows)\n"
        "    error = ''\n"
        "except BadFile as e:\n"
        "    rows, error = 0, e.message\n"
        "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print(json.dumps({'error': error, 'rows': rows, 'grown_mb': grown / 1024}))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("far_cells", "message"),
    [
        (["XFD1048576"], ROWS),  # the last cell Excel has
        (["KN100000"], COLUMNS),  # 100,000 × 300
        (["GR100001"], CELLS),  # 200 columns, 100,001 rows: within each limit, not both
        (["A100002"], ROWS),
        (["AZ2", "B90000"], CELLS),  # far in two directions, by two cells
    ],
)
def test_a_sparse_workbook_reaching_past_the_limits_is_refused_in_little_memory(
    tmp_path, far_cells, message
):
    data = workbook(*far_cells)
    assert len(data) < 10_000

    outcome = read_in_a_fresh_process(tmp_path, data, "sparse.xlsx")

    assert message in outcome["error"]
    assert outcome["grown_mb"] < REFUSAL_BOUND_MB


def formatted_to_the_last_row(xml: bytes) -> bytes:
    # What LibreOffice and Excel write when formatting reaches the sheet's end: an empty
    # row, and empty cells that carry only a style, down to row 1,048,576.
    end = (
        b'<row r="1048575" s="1" customFormat="1"/><row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    return xml.replace(b"</sheetData>", end + b"</sheetData>")


@pytest.mark.parametrize(
    "edit",
    [
        formatted_to_the_last_row,
        lambda xml: xml.replace(b'ref="A1:F2"', b'ref="A1:XFD1048576"'),  # declared only
        # the same without references: each cell sits right of the one before
        lambda xml: xml.replace(b"</sheetData>", b"<row><c s='1'/><c/></row></sheetData>"),
    ],
)
def test_formatted_empty_cells_and_rows_are_read_in_little_memory_not_refused(tmp_path, edit):
    # Calamine skips cells without a value: they cost nothing, and refusing the sheet as
    # "more than 100000 rows" would ask to split a file of one company.
    data = edit_sheet(workbook(styled_row=(100_000, 300)), edit)

    outcome = read_in_a_fresh_process(tmp_path, data, "formatted.xlsx")

    assert outcome["error"] == ""
    assert outcome["grown_mb"] < REFUSAL_BOUND_MB


def test_a_cell_past_the_limits_is_found_when_the_declared_size_lies():
    data = edit_sheet(
        workbook("XFD9"),
        lambda xml: xml.replace(b'ref="A1:XFD9"', b'ref="A1:F2"'),
    )

    with pytest.raises(BadFile, match=COLUMNS):
        open_sheet(data, "lying.xlsx")


def test_cells_without_references_are_counted_by_their_position():
    # Cells may leave out r="…": each one then sits right of the one before.
    many = b"".join(b"<c t='inlineStr'><is><t>x</t></is></c>" for _ in range(250))
    data = edit_sheet(
        workbook(),
        lambda xml: xml.replace(b"</sheetData>", b"<row>" + many + b"</row></sheetData>"),
    )

    with pytest.raises(BadFile, match=COLUMNS):
        open_sheet(data, "positions.xlsx")


def test_a_sheet_at_the_limits_is_read_within_the_stated_bound(tmp_path, settings):
    # 200 columns × 20,000 rows = 4,000,000 cells: the largest grid the limits allow.
    data = workbook("GR20000")

    outcome = read_in_a_fresh_process(tmp_path, data, "at-limit.xlsx")

    assert outcome["error"] == ""
    assert outcome["rows"] == 19_999
    assert outcome["grown_mb"] < ACCEPTED_BOUND_MB


def test_a_csv_line_with_200000_columns_is_refused_before_it_is_split(tmp_path):
    data = ",".join(GERMAN).encode() + b"\nA GmbH,,Leipzig" + b"," * 200_000 + b"\n"

    outcome = read_in_a_fresh_process(tmp_path, data, "wide.csv")

    assert COLUMNS in outcome["error"]
    assert outcome["grown_mb"] < REFUSAL_BOUND_MB


@pytest.mark.parametrize(("columns", "refused"), [(200, False), (201, True)])
def test_a_csv_header_is_held_to_the_column_limit(columns, refused):
    headers = GERMAN + [f"Extra {n}" for n in range(columns - len(GERMAN))]
    data = csv_bytes([["A GmbH", "", "Leipzig", "1", "C", ""]], headers=headers)

    if refused:
        with pytest.raises(BadFile, match=COLUMNS):
            open_sheet(data, "header.csv")
    else:
        assert len(open_sheet(data, "header.csv").headers) == columns


def test_delimiters_inside_quoted_text_are_not_columns():
    summary = "Maschinen, Anlagen, Werkzeuge; " * 100  # 200 commas in one cell
    data = csv_bytes([["A GmbH", "", "Leipzig", "1", "C", summary]])

    rows = list(open_sheet(data, "quoted.csv").rows)

    assert rows[0][1][5] == summary


def test_the_column_limit_is_a_setting(settings):
    settings.CRM_IMPORT_MAX_COLUMNS = 5

    with pytest.raises(BadFile, match="more than 5 columns"):
        open_sheet(xlsx([["A GmbH", "", "Leipzig", "1", "", ""]]), "six.xlsx")


@pytest.mark.django_db
def test_the_admin_import_shows_the_limit_and_writes_nothing():
    HomeCityFactory(name="Leipzig")
    client = client_for(user_with_role(ADMINISTRATORS))

    response = client.post(
        reverse("admin:partners_companyprofile_import"),
        {"format": "0", "import_file": SimpleUploadedFile("sparse.xlsx", workbook("XFD9"))},
    )

    assert response.status_code == 200
    assert COLUMNS in response.content.decode()
    assert not Organisation.objects.filter(name="A GmbH").exists()


@pytest.mark.django_db
def test_the_worker_refuses_the_file_with_the_same_message(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    HomeCityFactory(name="Leipzig")

    # The Job model's start_import opens the sheet before it stores a job: a file that
    # cannot be read is refused at once, with the same message, and no job is kept.
    with pytest.raises(BadFile) as refused:
        tasks.start_import(
            data=workbook("KN100000"),
            filename="sparse.xlsx",
            user=user_with_role(ADMINISTRATORS),
            skip_invalid=False,
        )

    assert COLUMNS in refused.value.message
    assert not Job.objects.exists()
    assert not Organisation.objects.filter(name="A GmbH").exists()
