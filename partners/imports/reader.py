"""Reading uploaded sheets (XLSX, CSV) safely: size, row and zip-bomb limits, clear errors.

Only the first visible worksheet of a workbook is read. Rows come out as lists of cell values
(str, int, float, bool, date, datetime), numbered as the user sees them in Excel.

Memory ceiling: calamine holds a sheet as a dense grid of 32 bytes per cell, from A1 to
the last cell holding a value, however empty the cells between: one value in XFD1048576 is
17 billion cells. So before calamine reads a cell, the sheet's size as its cells with a value
reach is checked against ``CRM_IMPORT_MAX_ROWS``, ``CRM_IMPORT_MAX_COLUMNS`` and
``CRM_IMPORT_MAX_CELLS`` (4,000,000 cells: a grid of at most 128 MB). Calamine skips
formatted empty cells, empty rows and the declared ``<dimension>`` (a sheet formatted down to
row 1,048,576 is read in little memory), so they do not count. A CSV line is
refused once it holds more fields than ``CRM_IMPORT_MAX_COLUMNS``, before it is split.
"""

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

import python_calamine
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..spreadsheets import unescape
from .sheet import filled

ZIP_MAGIC = b"PK\x03\x04"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Encrypted XLSX and old .xls files.
# An OpenDocument file stores its media type first, uncompressed (ODF 1.2, part 3, 3.3).
ODS_MEDIA_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Sheet XML compresses about 10–30:1; a zip bomb compresses 1000:1 and more.
MAX_COMPRESSION_RATIO = 200
UNCOMPRESSED_PER_BYTE_ALLOWED = 30


class BadFile(Exception):
    """The file as a whole cannot be imported; nothing has been read into the database."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    headers: list
    rows: Iterator[tuple[int, list]]
    sha256: str
    # (row number, column index) of formula cells that have no cached value.
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    # Rows below the header, blank ones included, when the format tells (XLSX); else 0.
    size_hint: int = 0
    # The worksheet read, when a workbook has others: named if its columns are not the sheet's.
    name: str = ""
    # The workbook's other visible worksheets, which are not read (the preview says so).
    others: list[str] = field(default_factory=list)
    # Rows hidden in the sheet (by a filter, say): imported like the others, with a warning.
    hidden_rows: set[int] = field(default_factory=set)
    # Columns (0-based) hidden in the sheet: imported too, with a warning.
    hidden_columns: set[int] = field(default_factory=set)


def open_sheet(data: bytes, filename: str = "") -> Sheet:
    if len(data) > settings.CRM_IMPORT_MAX_BYTES:
        raise BadFile(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(len(data) / 1_000_000, 1),
                "limit": round(settings.CRM_IMPORT_MAX_BYTES / 1_000_000, 1),
            }
        )
    if not data.strip():
        raise BadFile(_("The file is empty."))
    sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith(OLE_MAGIC):
        raise BadFile(
            _(
                "The file is password-protected or an old .xls workbook. Remove the "
                "password or save it as .xlsx and upload it again."
            )
        )
    if data.startswith(ZIP_MAGIC) and ODS_MEDIA_TYPE in data[:100]:
        raise BadFile(
            _(
                "The file is an OpenDocument sheet (.ods, e.g. from LibreOffice). Save it as "
                ".xlsx or CSV and upload it again."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return _open_xlsx(data, sha256)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        if _looks_like_text(data):  # a CSV saved or renamed as .xlsx: not damaged
            raise BadFile(
                _(
                    "The file is not a valid .xlsx workbook: it holds text, such as CSV. "
                    "Rename it to .csv, or open it in Excel and save it as .xlsx."
                )
            )
        raise BadFile(_("The file is not a valid .xlsx workbook (it may be damaged)."))
    return _open_csv(data, sha256)


def _limited(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """Stops with an error at the first row over the limit, before reading the rest."""
    limit = settings.CRM_IMPORT_MAX_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise _too_many_rows(limit)
        yield row


def _too_many_rows(limit: int) -> BadFile:
    return BadFile(
        _("The file has more than %(limit)d rows; split it into smaller files.") % {"limit": limit}
    )


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise BadFile(_("The file is not a valid .xlsx workbook (it may be damaged).")) from None
    total = sum(m.file_size for m in members)
    too_dense = any(
        m.file_size > 1_000_000 and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if too_dense or total > UNCOMPRESSED_PER_BYTE_ALLOWED * settings.CRM_IMPORT_MAX_BYTES:
        raise BadFile(_("The workbook unpacks to an implausible size; it was not read."))
    return archive


def _open_xlsx(data: bytes, sha256: str) -> Sheet:
    archive = _check_zip(data)
    path, first, others, scan = _check_dimensions(archive)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_name(first)
        rows = sheet.iter_rows()
        headers = next(rows, None)
    except python_calamine.PasswordError:
        raise BadFile(_("The workbook is password-protected; remove the password.")) from None
    except (python_calamine.CalamineError, ValueError, IndexError):
        raise BadFile(_("The file is not a valid .xlsx workbook (it may be damaged).")) from None
    if not headers or not any(filled(c) for c in headers):
        raise BadFile(_("The first sheet is empty."))
    numbered = _limited((number, _unescaped(row)) for number, row in enumerate(rows, start=2))
    formulas = _formulas_without_value(archive, path) if scan.formulas else set()
    name = sheet.name if len(workbook.sheet_names) > 1 else ""
    return Sheet(
        headers, numbered, sha256, formulas, sheet.height - 1, name, others, scan.hidden,
        scan.hidden_columns,
    )  # fmt: skip


# Cell and row tags (any namespace prefix) and their references; the sheet XML is scanned
# as bytes in chunks, so that the check itself stays small however big the sheet is. A cell
# tag that closes itself (`<c r="F1048576" s="1"/>`) is formatted but empty.
CELL_REF = re.compile(rb"""<(?:\w+:)?c\s[^>]*?\br=["']([A-Z]+)(\d+)["'][^>]*?(/?)>""")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
ROW_REF = re.compile(rb"""<(?:\w+:)?row\s[^>]*?\br=["'](\d+)["']""")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
HIDDEN_ROW = re.compile(
    rb"""<(?:\w+:)?row\s(?=[^>]*\bhidden=["'](?:1|true)["'])[^>]*?\br=["'](\d+)["']"""
)
HIDDEN_COLUMNS = re.compile(
    rb"""<(?:\w+:)?col\s(?=[^>]*\bhidden=["'](?:1|true)["'])"""
    rb"""(?=[^>]*\bmin=["'](\d+)["'])(?=[^>]*\bmax=["'](\d+)["'])"""
)


@dataclass
class _Scan:
    rows: int = 0  # the last row and column (1-based) that the sheet's values reach
    columns: int = 0
    implicit: bool = False  # a row or cell without a reference sits after the one before it
    hidden: set[int] = field(default_factory=set)  # rows hidden in the sheet
    hidden_columns: set[int] = field(default_factory=set)  # 0-based, within the limit
    formulas: bool = False  # whether it holds formulas at all

    def read(self, text: bytes) -> None:
        """Takes in a run of whole tags."""
        references = CELL_REF.findall(text)
        values = [(letters, row) for letters, row, empty in references if not empty]
        if values:
            self.rows = max(self.rows, max(int(row) for _letters, row in values))
            letters = max({letters for letters, _row in values}, key=lambda s: (len(s), s))
            self.columns = max(self.columns, _cell_position(f"{letters.decode()}1")[1] + 1)
        row_numbers = ROW_REF.findall(text)
        self.implicit = self.implicit or (
            len(references) != len(CELL_TAG.findall(text))
            or len(row_numbers) != len(ROW_TAG.findall(text))
        )
        if b"hidden" in text:
            self.hidden.update(int(number) for number in HIDDEN_ROW.findall(text))
            for first, last in HIDDEN_COLUMNS.findall(text):
                last = min(int(last), settings.CRM_IMPORT_MAX_COLUMNS)  # often up to XFD
                self.hidden_columns.update(range(int(first) - 1, last))
        self.formulas = self.formulas or b"<f" in text or b":f" in text


def _check_dimensions(archive: zipfile.ZipFile) -> tuple[str, str, list[str], _Scan]:
    """Refuses a first sheet larger than the limits, as its values reach;
    returns the sheet's path in the archive, its name, the other visible sheets' names and
    what one pass over its XML found."""
    try:
        path, name, others = _first_sheet(archive)
        with archive.open(path) as stream:
            scan = _scan(stream)
        return path, name, others, scan
    except (KeyError, ElementTree.ParseError, AttributeError, IndexError, zipfile.BadZipFile):
        raise BadFile(_("The file is not a valid .xlsx workbook (it may be damaged).")) from None


def _scan(stream) -> _Scan:
    """One pass over the sheet's XML, in chunks cut after a tag's end, checked against the
    limits as it goes."""
    scan, rest = _Scan(), b""
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        cut = rest.rfind(b">") + 1
        scan.read(rest[:cut])
        rest = rest[cut:] + chunk
        _check_size(scan.rows, scan.columns)
    scan.read(rest)
    if scan.implicit:
        stream.seek(0)
        scan.rows, scan.columns = _reach_by_position(stream)
    _check_size(scan.rows, scan.columns)
    return scan


def _reach_by_position(stream) -> tuple[int, int]:
    """As ``_scan``, for sheets whose rows or cells leave out their references: the
    position of each is counted, as calamine does (slower, and rare)."""
    rows = columns = row = column = 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "end":
            if tag == "row":
                element.clear()  # keeps the parsed tree small
            elif tag == "c" and len(element):  # a cell without children is empty
                rows, columns = max(rows, row), max(columns, column)
                _check_size(rows, columns)
        elif tag == "row":
            row = int(element.get("r") or row + 1)
            column = 0
        elif tag == "c":
            reference = element.get("r")
            if reference:
                row, column = _cell_position(reference)
            column += 1
    return rows, columns


def _check_size(rows: int, columns: int) -> None:
    """``rows`` and ``columns`` count from A1, the header row included."""
    max_rows = settings.CRM_IMPORT_MAX_ROWS
    max_columns = settings.CRM_IMPORT_MAX_COLUMNS
    if rows - 1 > max_rows:
        raise _too_many_rows(max_rows)
    if columns > max_columns:
        raise BadFile(
            _(
                "The sheet has more than %(limit)d columns; delete the columns to the right "
                "of the data."
            )
            % {"limit": max_columns}
        )
    if rows * columns > settings.CRM_IMPORT_MAX_CELLS:
        raise BadFile(
            _(
                "The sheet spans %(rows)d rows and %(columns)d columns; the limit is "
                "%(limit)d cells. Delete empty rows and columns around the data or split "
                "the file."
            )
            % {"rows": rows, "columns": columns, "limit": settings.CRM_IMPORT_MAX_CELLS}
        )


def _unescaped(row: list) -> list:
    """The cells as they were before an export escaped them (spreadsheets.neutralise):
    an exported ``'=1+1`` or, from older exports, ``'+49 341 …`` reads as it was."""
    return [unescape(cell) if cell.__class__ is str and cell[:1] == "'" else cell for cell in row]


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, str, list[str]]:
    """The first sheet the user sees: a hidden one before it (left over, or holding
    lists for drop-downs) is not what they mean to import."""
    ns = {
        "m": MAIN,
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets = workbook.findall("m:sheets/m:sheet", ns)
    visible = [s for s in sheets if s.get("state", "visible") == "visible"] or sheets
    first, others = visible[0], [s.get("name") for s in visible[1:]]
    rel_id = first.get(f"{{{ns['r']}}}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target").lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            return path, first.get("name"), others
    raise KeyError(rel_id)


def _formulas_without_value(archive: zipfile.ZipFile, path: str) -> set[tuple[int, int]]:
    """Formula cells Excel never calculated (written by a program): no cached value to use.

    Calamine returns cached values but cannot tell "no value" from "empty", so the sheet XML
    is parsed; only when it contains formulas at all (``_Scan``), which is rare here. A
    workbook that asks to be calculated when opened (written by xlsxwriter, with a cached 0
    in every formula) has no calculated value either; Excel and LibreOffice drop the flag
    when they save.
    """
    try:
        calc = ElementTree.fromstring(archive.read("xl/workbook.xml")).find(f"{{{MAIN}}}calcPr")
        stale = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
        missing = set()
        with archive.open(path) as stream:
            for _event, cell in ElementTree.iterparse(stream):
                if not cell.tag.endswith("}c"):
                    continue
                children = {child.tag.rsplit("}", 1)[-1]: child for child in cell}
                value = children.get("v")
                if "f" in children and (stale or value is None or not (value.text or "")):
                    missing.add(_cell_position(cell.get("r")))
                cell.clear()
        return missing
    except (KeyError, ElementTree.ParseError, AttributeError):
        raise BadFile(_("The file is not a valid .xlsx workbook (it may be damaged).")) from None


def _cell_position(reference: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", reference).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(digits), column - 1


BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _looks_like_text(data: bytes) -> bool:
    # Binary files are full of control bytes; a text file with a stray one is read, and
    # the import names the cell that holds it. Excel's "Unicode Text" (.txt) is UTF-16
    # with its byte order mark, tab-separated.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:4096]
    return len(BINARY_BYTES.findall(sample)) * 10 <= len(sample)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if not _looks_like_text(data):
        raise BadFile(_("The file is neither an .xlsx workbook nor a CSV text file."))
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page of Western Europe.
        return data.decode("cp1252", errors="replace")


def _open_csv(data: bytes, sha256: str) -> Sheet:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise BadFile(_("The CSV file is not readable text (UTF-8 or Windows-1252).")) from None
    first_line = text.split("\n", 1)[0]
    # German Excel writes `;`, its "Text" and "Unicode Text" a tab; the header line has no
    # quoted separators in practice.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    lines = _WidthGuard(text, delimiter)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        headers = next(reader, None)
    except csv.Error as error:
        raise BadFile(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None
    if not headers or not any(filled(c) for c in headers):
        raise BadFile(_("The first sheet is empty."))
    _check_size(1, len(headers))
    return Sheet(headers, _limited(_csv_rows(reader, lines)), sha256)


class _WidthGuard:
    """The CSV's lines for csv.reader, refusing a record with far more delimiters than
    the column limit before csv splits it into fields (a line of 200,000 commas)."""

    # Delimiters inside quoted text count too: only many times the limit is refused here.
    SLACK = 20

    def __init__(self, text: str, delimiter: str):
        self.lines = io.StringIO(text, newline="")
        self.delimiter = delimiter
        self.in_record = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.in_record += line.count(self.delimiter)
        if self.in_record > self.SLACK * settings.CRM_IMPORT_MAX_COLUMNS:
            _check_size(1, self.in_record + 1)
        return line


def _csv_rows(reader, lines: _WidthGuard) -> Iterator[tuple[int, list]]:
    try:
        # Numbered by record, as a spreadsheet numbers its rows: a quoted line break inside
        # a cell (an address) does not start a new row. The header is row 1.
        for number, row in enumerate(reader, start=2):
            lines.in_record = 0
            _check_size(1, len(row))
            yield number, _unescaped(row)
    except csv.Error as error:
        raise BadFile(
            _("The CSV file cannot be read at line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": _csv_error(error)}
        ) from None


def _csv_error(error: csv.Error) -> str:
    """The csv module's reason in the reader's language where it is one users meet."""
    if str(error).startswith("field larger than field limit"):
        return _("a cell is longer than %(limit)s characters") % {
            "limit": number_format(csv.field_size_limit(), force_grouping=True)
        }
    return str(error)
