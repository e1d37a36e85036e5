"""Writing tables to XLSX and CSV safely and in constant memory.

Knows file formats, not the domain: a table is a list of ``Column``s and an iterable of
rows. No exported cell can run as a formula, on any path (report download,
``export_report``, admin export), and what was exported imports back as it was:

- XLSX: every text is written as a string cell, which Excel and LibreOffice never
  evaluate, whatever it starts with; no apostrophe is added.
- CSV has no cell types, so a text that a spreadsheet program would run (``runs_as_formula``)
  gets a leading apostrophe, which the import drops again (``unescape``, used by
  imports/reader.py): an unedited export imports as unchanged.
"""

import csv
import datetime
import decimal
import functools
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import xlsxwriter
from django.utils import timezone
from django.utils.formats import get_format
from xlsxwriter.exceptions import FileCreateError

# Excel, LibreOffice and Google Sheets start a formula (or a DDE command) with these.
FORMULA_STARTS = ("=", "@", "\t", "\r")
# "+" and "-" start one too, but digits, spaces and a phone number's punctuation compute
# nothing that could call a function or another program.
HARMLESS_SIGNED = re.compile(r"[+-][\d\s()./-]*")
# Text starting with one of these (after any apostrophes) loses one leading apostrophe on
# import: the escape below, and that of older exports, which escaped "+" and "-" always.
ESCAPED_STARTS = (*FORMULA_STARTS, "+", "-")
ISO_DATE = "yyyy-mm-dd"  # a date cell's number format
ISO_DATETIME = "yyyy-mm-dd hh:mm"  # a moment's (a meeting slot's start): the time shows


def runs_as_formula(text: str) -> bool:
    """True when a spreadsheet program could run ``text`` read from a CSV cell."""
    if text.startswith(FORMULA_STARTS):
        return True
    return text.startswith(("+", "-")) and not HARMLESS_SIGNED.fullmatch(text)


def _looks_escaped(text: str) -> bool:
    return text.startswith("'") and text.lstrip("'").startswith(ESCAPED_STARTS)


def neutralise(value):
    """The CSV cell for ``value``: text that would run gets a leading apostrophe (and so
    does text that already looks escaped, so that ``unescape`` always gives it back)."""
    if isinstance(value, str) and (runs_as_formula(value) or _looks_escaped(value)):
        return "'" + value
    return value


def unescape(value):
    """The value ``neutralise`` was given: drops the apostrophe it added."""
    if isinstance(value, str) and _looks_escaped(value):
        return value[1:]
    return value


@dataclass(frozen=True)
class Column:
    header: str
    # text, date, number, or "any": typed per cell (the admin export's native values)
    kind: str = "text"
    width: int = 20
    # Stored codes shown as their labels ("outbound" → "ausgehend").
    labels: dict = field(default_factory=dict)

    def cell(self, value):
        if value is None or not self.labels:
            return value
        return str(self.labels.get(value, value))


@dataclass(frozen=True)
class PartialDate:
    """A date known to the month or year. XLSX writes its first day as a date cell shown
    as ``number_format`` ("mmmm yyyy"), so that it sorts among the other dates; CSV
    writes ``text`` ("Juni 2019")."""

    first: datetime.date
    text: str
    number_format: str


@dataclass
class Table:
    name: str
    columns: list[Column]
    rows: Iterable  # tuples in column order
    notes: list[tuple[str, object]] = field(default_factory=list)  # written below the table
    # Rows after the data (a total): outside the autofilter, so sorting leaves them last.
    footer: list[tuple] = field(default_factory=list)


def write_xlsx(target, tables: Iterable[Table]) -> None:
    """Write one sheet per table to ``target`` (a path), row by row.

    xlsxwriter's constant-memory mode flushes every finished row to a temporary file,
    so memory stays flat however many rows a sheet has. Those files hold the rows (names,
    e-mails of contacts) and xlsxwriter removes them only in a successful ``close()``: they
    go in a folder of their own, removed whatever happens (a failing query, a lost client).
    """
    with tempfile.TemporaryDirectory(prefix="crm-xlsx-") as tmpdir:
        # Text is never turned into formulas (nor numbers, nor URLs): string cells only.
        workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "tmpdir": tmpdir,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        header_format = workbook.add_format({"bold": True})
        formats = functools.cache(
            lambda number_format: workbook.add_format({"num_format": number_format})
        )
        for table in tables:
            _write_sheet(workbook, table, header_format, formats)
        try:
            workbook.close()
        except FileCreateError as error:
            raise OSError(str(error)) from error


def _write_sheet(workbook, table: Table, header_format, formats) -> None:
    sheet = workbook.add_worksheet(str(table.name))
    date_format = formats(ISO_DATE)
    for col, column in enumerate(table.columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, str(column.header), header_format)
    writers = [_cell_writer(sheet, column, formats) for column in table.columns]
    row_number = _write_rows(table.rows, 1, writers, table.columns)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, row_number, len(table.columns) - 1)
    row_number = _write_rows(table.footer, row_number + 1, writers, table.columns)
    for offset, (label, value) in enumerate(table.notes, start=row_number + 2):
        sheet.write_string(offset, 0, str(label), header_format)
        if isinstance(value, datetime.date):
            sheet.write_datetime(offset, 1, value, date_format)
        else:
            sheet.write_string(offset, 1, str(value))


def _write_rows(rows, first: int, writers, columns) -> int:
    """Writes ``rows`` from sheet row ``first`` on; the last row written (first - 1 if none)."""
    row_number = first - 1
    for row_number, row in enumerate(rows, start=first):
        for col, (writer, column, value) in enumerate(zip(writers, columns, row, strict=True)):
            value = column.cell(value)
            if value is not None and value != "":
                writer(row_number, col, value)
    return row_number


def _cell_writer(sheet, column: Column, formats):
    date_format = formats(ISO_DATE)
    if column.kind == "date":
        return lambda row, col, value: sheet.write_datetime(row, col, value, date_format)
    if column.kind == "number":
        return sheet.write_number
    if column.kind == "any":
        return lambda row, col, value: _write_any(sheet, row, col, value, formats)
    return sheet.write_string


def _write_any(sheet, row, col, value, formats):
    if isinstance(value, PartialDate):
        sheet.write_datetime(row, col, value.first, formats(value.number_format))
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | decimal.Decimal):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # Excel has no time zones: the wall-clock time of the server's zone.
            value = value.astimezone(timezone.get_current_timezone()).replace(tzinfo=None)
        moment = isinstance(value, datetime.datetime)
        sheet.write_datetime(row, col, value, formats(ISO_DATETIME if moment else ISO_DATE))
    else:
        sheet.write_string(row, col, str(value))


def list_separator() -> str:
    """The CSV separator Excel expects in the active language's region: ";" where the
    decimal mark is a comma (German), "," elsewhere; with the other, Excel opens the file
    as one column."""
    return ";" if get_format("DECIMAL_SEPARATOR") == "," else ","


class Echo:
    """A file-like object whose write() hands back the line csv.writer produced."""

    def write(self, value):
        return value


def iter_csv(table: Table, delimiter: str = ",") -> Iterator[str]:
    """The table as CSV lines, UTF-8 BOM first so that Excel reads umlauts and Chinese.
    Decimals are written with the mark that goes with ``delimiter`` (``list_separator``),
    so that Excel reads them as numbers."""
    decimal_mark = "," if delimiter == ";" else "."
    writer = csv.writer(Echo(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow([str(column.header) for column in table.columns])
    for row in itertools.chain(table.rows, table.footer):
        yield writer.writerow(
            [
                _csv_value(column.cell(value), decimal_mark)
                for column, value in zip(table.columns, row, strict=True)
            ]
        )


def _csv_value(value, decimal_mark: str = "."):
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        return neutralise(value.text)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float | decimal.Decimal):
        # A number of ours, not a text: nothing for a spreadsheet to run.
        return str(value).replace(".", decimal_mark)
    return neutralise(value)
