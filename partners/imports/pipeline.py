"""Importing company profiles from a sheet: one service used by the command and the admin.

Set-based so that 100,000 rows take seconds: the reference data (cities, sectors, interests,
existing companies) is fetched once into dicts, every row is parsed and checked in Python,
and the writes are bulk inserts/updates in one transaction (`partners.imports.writes`).
"""

import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..models import ImportRun
from ..models.organisations import normalise_register
from ..publishing import may_publish
from ..validators import CONTROL, control_character
from . import sheet as columns
from .reader import BadFile, Sheet, open_sheet
from .rows import Companies, Layout, Lookups, Parser, RowError, match_company, same_new_company
from .sheet import HEADERS
from .writes import BATCH, PlannedRow, load_current, release, write_plan

Progress = Callable[[int, int, int], None]
PROGRESS_EVERY = 2000
# Rows a dry run describes one by one (its counts and errors cover every row).
PREVIEW_ROWS = 100
# The key of PostgreSQL's transaction-level advisory lock that serialises imports.
IMPORT_LOCK = 7_301_964


@dataclass
class RowOutcome:
    row: int
    action: str  # "new", "update", "unchanged" or "error"
    name: str
    changes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    file_name: str
    skip_invalid: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preview: list[RowOutcome] = field(default_factory=list)
    run: ImportRun | None = None
    written: bool = False

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, errors {self.invalid_rows}"
        )


def _layout(headers: list, result: ImportResult, sheet_name: str, rows) -> Layout:
    """The sheet's known columns; ``rows`` (the rows below the headers) are only looked at
    to explain a missing required column."""
    layout, seen, unknown = [], set(), []
    for index, header in enumerate(headers):
        label = columns.plain(header)
        if CONTROL.search(label):
            raise BadFile(
                _("The header of column %(column)s contains a control character.")
                % {"column": get_column_letter(index + 1)}
            )
        column = HEADERS.get(label.casefold())
        if column is None:
            if label:
                unknown.append(f'"{label}"')
                result.warnings.append(
                    _('Unknown column "%(header)s" ignored.') % {"header": label}
                )
            continue
        if column.key in seen:
            raise BadFile(_('The column "%(header)s" appears twice.') % {"header": label})
        seen.add(column.key)
        layout.append((index, column, label))
    missing = [c for c in columns.COLUMNS if c.required and c.key not in seen]
    if missing:
        names = ", ".join(f'"{c.en}" / "{c.de}"' for c in missing)
        if sheet_name:  # a workbook whose sheets were reordered: say which one was read
            message = _(
                'Required column missing on the first sheet ("%(sheet)s"), the only one '
                "read: %(columns)s."
            ) % {"sheet": sheet_name, "columns": names}
        else:
            message = _("Required column missing: %(columns)s.") % {"columns": names}
        if header_row := _header_row_below(rows):  # a title above the headers
            message += " " + _(
                "The headers must be in the first row; row %(row)d looks like the header "
                "row: delete the rows above it."
            ) % {"row": header_row}
        elif unknown:  # a typo in a header ("Frima") shows here
            message += " " + _("Columns not recognised: %(headers)s.") % {
                "headers": ", ".join(unknown)
            }
        raise BadFile(message)
    return layout


def _header_row_below(rows) -> int | None:
    """The number of the first of the next ten rows that holds every required header."""
    required = [c for c in columns.COLUMNS if c.required]
    for number, cells in itertools.islice(rows, 10):
        found = {HEADERS.get(columns.folded(cell)) for cell in cells}
        if all(column in found for column in required):
            return number
    return None


def serialise_imports() -> None:
    """Waits for any other import's write transaction to end, then holds the lock until ours
    ends. On SQLite `BEGIN IMMEDIATE` (settings) has taken the database's write lock already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _refuse_publishing(layout: Layout) -> None:
    """The publish column publishes or withdraws (an empty cell withdraws): it needs the
    right to publish, as the admin's publish action does."""
    for _index, column, label in layout:
        if column.key == "publish":
            raise BadFile(
                _(
                    'The column "%(column)s" publishes and withdraws profiles, which needs '
                    "the right to publish. Remove the column, or ask someone who may publish."
                )
                % {"column": label}
            )


def import_profiles(
    *,
    source: Sheet | bytes,
    filename: str,
    user=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Creates or updates companies, profiles and contacts from a sheet.

    `source` may be a sheet opened already (`open_sheet`), so that a caller that looked at
    it does not read the file twice. Raises `BadFile` when the file as a whole cannot be
    read, or when a concurrent write makes ours break a uniqueness constraint. Row errors
    are collected in the result; without `skip_invalid` one invalid row means nothing is
    written. A dry run also describes its first rows (`preview`).
    """
    opened = source if isinstance(source, Sheet) else open_sheet(source, filename)
    result = ImportResult(file_name=filename, skip_invalid=skip_invalid)
    layout = _layout(opened.headers, result, opened.name, opened.rows)
    template_sheets = {name for names in columns.TEMPLATE_SHEETS.values() for name in names}
    unread = [name for name in opened.others if name not in template_sheets]
    if unread:  # rows there would be missed without a word
        result.warnings.append(
            _(
                'Only the sheet "%(sheet)s" was read; the workbook\'s other sheets '
                "(%(others)s) were not."
            )
            % {"sheet": opened.name, "others": ", ".join(f'"{name}"' for name in unread)}
        )
    hidden_columns = [f'"{label}"' for i, _c, label in layout if i in opened.hidden_columns]
    if hidden_columns:  # hidden on screen, not from the import
        result.warnings.append(
            _("Columns hidden in the sheet are imported too: %(columns)s.")
            % {"columns": ", ".join(hidden_columns)}
        )
    if user is not None and not may_publish(user):
        _refuse_publishing(layout)
    parser = Parser(layout, Lookups(), opened.formulas_without_value)
    parsed: list[tuple[int, dict]] = []
    error_names: dict[int, str] = {}
    hidden = []
    for number, cells in opened.rows:
        if not any(columns.filled(c) for c in cells):
            continue  # Blank rows are common in hand-made sheets.
        if number in opened.hidden_rows:
            hidden.append(number)
        errors = []
        if CONTROL.search("".join(c for c in cells if type(c) is str)):
            errors = _control_characters(number, cells, opened.headers)
            # Messages quote cells: they must not carry the characters (JSON, PostgreSQL).
            cells = [CONTROL.sub("\ufffd", c) if type(c) is str else c for c in cells]
        values, cell_errors = parser.parse(number, cells)
        errors += cell_errors
        if not errors and columns.is_example(values):
            result.warnings.append(
                _("Row %(row)d is the template's example and was skipped.") % {"row": number}
            )
            continue
        result.total_rows += 1
        if errors:
            result.errors += errors
            if len(error_names) < PREVIEW_ROWS:
                error_names[number] = str(values.get("name", ""))
        else:
            parsed.append((number, values))
        if progress and result.total_rows % PROGRESS_EVERY == 0:
            progress(result.total_rows, opened.size_hint, result.invalid_rows)
    if hidden:  # a filter hides rows on screen, not from the import
        result.warnings.append(
            _("Rows hidden in the sheet are imported too: %(rows)s.") % {"rows": _listed(hidden)}
        )
    if progress:
        # Read phase over: the write (if any) follows.
        progress(result.total_rows, result.total_rows, result.invalid_rows)
    if dry_run:
        plan = _plan(parsed, parser, result)
        _collect_preview(plan, result, error_names, parsed)
    else:
        _write(result, parsed, parser, user, opened.sha256)
    if progress:
        progress(result.total_rows, result.total_rows, result.invalid_rows)
    return result


def _listed(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:20])) + (" …" if len(numbers) > 20 else "")


def _write(result, parsed, parser, user, sha256) -> None:
    try:
        with transaction.atomic():
            # Existence checks and writes under one lock: two imports creating the same
            # company run one after the other, and the second finds the first's record.
            serialise_imports()
            plan = _plan(parsed, parser, result)
            result.written = result.skip_invalid or not result.errors
            result.run = _record_run(result, user, sha256)
            if result.written:
                write_plan(plan, run=result.run, user=user)
    except IntegrityError:
        # A write outside the import (an admin edit) created the same company (register
        # number, slug) after we read; the transaction is rolled back.
        raise BadFile(
            _(
                "Another change to the same companies was saved while this import ran; "
                "nothing was imported — please run it again."
            )
        ) from None


def _control_characters(number: int, cells: list, headers: list) -> list[RowError]:
    # Found here, in the preview, rather than at the confirm step.
    errors = []
    for index, cell in enumerate(cells):
        problem = control_character(cell) if type(cell) is str else ""
        if problem:
            header = columns.plain(headers[index]) if index < len(headers) else ""
            errors.append(RowError(number, header or get_column_letter(index + 1), problem))
    return errors


def _plan(parsed: list[tuple[int, dict]], parser: Parser, result: ImportResult) -> list[PlannedRow]:
    """Finds each row's company and what the row changes; rows naming one company twice
    are errors."""
    plan = []
    companies = Companies([values for _number, values in parsed])
    targets: dict[Any, int] = {}
    new_names: dict[tuple, tuple[int, bool]] = {}
    # A register number names one company: two rows naming two companies (one found by its
    # name) cannot both write it, the database refuses the second at the confirm.
    registers: dict[str, int] = {}
    for number, values in parsed:
        pk, identity, problem = match_company(values, companies)
        first = targets.get(identity)
        if first is None and pk is None and not problem:
            first = same_new_company(values, number, new_names)
        register = normalise_register(values.get("register_number") or "")
        if problem:
            result.errors.append(parser.error(number, *problem))
        elif first is not None:
            message = _("the same company as row %(row)d") % {"row": first}
            result.errors.append(RowError(number, "", message))
        elif register in registers:
            message = _("the same register number as row %(row)d") % {"row": registers[register]}
            result.errors.append(parser.error(number, "register_number", message))
        else:
            targets[identity] = number
            if register:
                registers[register] = number
            plan.append(PlannedRow(number, values, pk))
    return _classify(plan, parser, result)


def _classify(plan: list[PlannedRow], parser: Parser, result: ImportResult) -> list[PlannedRow]:
    """The rows that break no rule, counted as created, updated or unchanged."""
    valid = []
    for rows in itertools.batched(plan, BATCH):
        load_current(rows)
        for row in rows:
            problem = row.compute_changes(parser.header_of)
            if problem:
                key, message = problem
                result.errors.append(parser.error(row.number, key, message))
                continue
            valid.append(row)
            if row.pk is None:
                result.created += 1
            elif row.changes:
                result.updated += 1
            else:
                result.unchanged += 1
        release(rows)
    result.errors.sort(key=lambda error: error.row)
    return valid


def _collect_preview(
    plan: list[PlannedRow],
    result: ImportResult,
    names: dict[int, str],
    parsed: list[tuple[int, dict]],
) -> None:
    outcomes = [
        RowOutcome(
            row.number,
            "new" if row.pk is None else ("update" if row.changes else "unchanged"),
            row.values["name"],
            row.changes,
        )
        for row in plan[:PREVIEW_ROWS]
    ]
    by_row: dict[int, list[RowError]] = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(error)
    # A row refused after it was read (a duplicate, publishing without consent) has a name.
    names = {**{n: str(v.get("name", "")) for n, v in parsed if n in by_row}, **names}
    outcomes += [
        RowOutcome(n, "error", names.get(n, ""), [], errs)
        for n, errs in list(by_row.items())[:PREVIEW_ROWS]
    ]
    result.preview = sorted(outcomes, key=lambda outcome: outcome.row)[:PREVIEW_ROWS]


def _record_run(result: ImportResult, user, sha256: str) -> ImportRun:
    """The import log's entry, for an import that writes and for one that is rejected."""
    return ImportRun.objects.create(
        user=user,
        file_name=result.file_name[:255],
        sha256=sha256,
        mode=ImportRun.Mode.SKIP_INVALID if result.skip_invalid else ImportRun.Mode.ALL_OR_NOTHING,
        status=ImportRun.Status.IMPORTED if result.written else ImportRun.Status.REJECTED,
        total_rows=result.total_rows,
        created=result.created if result.written else 0,
        updated=result.updated if result.written else 0,
        unchanged=result.unchanged if result.written else 0,
        error_count=result.invalid_rows,
        errors=[asdict(error) for error in result.errors],
        warnings=result.warnings,
    )
