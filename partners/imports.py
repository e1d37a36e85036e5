"""Importing company profiles from a sheet: one service used by the command and the admin.

Set-based so that 100,000 rows take seconds: the reference data (cities, sectors, interests,
existing companies) is fetched once into dicts, every row is parsed and checked in Python,
and the writes are bulk inserts/updates in one transaction (`partners.import_writes`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django_countries import countries

from . import sheet as columns
from .import_writes import Plan, PlannedRow, chunks, load_current, release, write_plan
from .models import City, ImportRun, Interest, Organisation, Sector
from .sheet import BY_KEY, HEADERS, CellError, normalise_header
from .spreadsheets import BadFile, open_sheet

__all__ = ["BadFile", "ImportResult", "RowError", "import_profiles", "normalise_company_name"]

Progress = Callable[[int, int, int], None]
PROGRESS_EVERY = 2000


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return f'row {self.row}, column "{self.column}": {self.message}'
        return f"row {self.row}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


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
    dry_run: bool
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


LEGAL_FORMS = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bgesellschaft mit beschränkter haftung\b", "gmbh"),
        (r"\bg m b h\b", "gmbh"),
        (r"\baktiengesellschaft\b", "ag"),
        (r"\bkommanditgesellschaft\b", "kg"),
        (r"\bunternehmergesellschaft\b", "ug"),
        (r"\be k\b", "ek"),
    )
]
PUNCTUATION = re.compile(r"[.,]")
AND = re.compile(r"\s*&\s*|\s+(und|u)\s+")


def normalise_company_name(name: str) -> str:
    """`Muster GmbH & Co. KG`, `muster gmbh&co kg` and `Muster  GmbH u. Co. KG` are one name."""
    value = " ".join(AND.sub(" & ", PUNCTUATION.sub(" ", name.casefold())).split())
    for pattern, replacement in LEGAL_FORMS:
        value = pattern.sub(replacement, value)
    return value


def normalise_register(number: str) -> str:
    return "".join(number.split()).upper()


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


class Lookups:
    """Every record a row may name, fetched once."""

    def __init__(self):
        self.cities: dict[str, list[tuple[int, str]]] = {}
        for pk, name, local, country in City.objects.values_list(
            "id", "name", "local_name", "country"
        ):
            for key in {_fold(name), _fold(local)} - {""}:
                self.cities.setdefault(key, []).append((pk, str(country)))
        self.sectors = self._index(Sector.objects.values_list("id", "code", "name", "name_de"))
        self.interests = self._index(Interest.objects.values_list("id", "code", "name", "name_de"))
        self.by_register: dict[str, tuple[int, str]] = {}
        self.by_name: dict[tuple[str, int | None], int] = {}
        self.register_of: dict[int, str] = {}
        for pk, name, city, register, kind in Organisation.objects.values_list(
            "id", "name", "city_id", "register_number", "kind"
        ):
            if register:
                self.by_register[normalise_register(register)] = (pk, kind)
                self.register_of[pk] = register
            if kind == Organisation.Kind.COMPANY:
                self.by_name.setdefault((normalise_company_name(name), city), pk)

    @staticmethod
    def _index(rows) -> dict[str, int]:
        index = {}
        for pk, *labels in rows:
            for label in labels:
                if label:
                    index[_fold(label)] = pk
        return index

    def city(self, name: str, country: str) -> int:
        candidates = self.cities.get(_fold(name), [])
        if country:
            candidates = [c for c in candidates if c[1] == country]
        if not candidates:
            raise CellError(_('"%(value)s" is not a known city') % {"value": name})
        if len(candidates) > 1:
            raise CellError(
                _('"%(value)s" names several cities; add the country') % {"value": name}
            )
        return candidates[0][0]


def _country_code(value: str) -> str:
    if not value:
        return ""
    if len(value) == 2 and value.upper() in countries:
        return value.upper()
    code = countries.by_name(value) or countries.by_name(value, language="de")
    if not code:
        raise CellError(_('"%(value)s" is not a known country') % {"value": value})
    return code


class Parser:
    """Turns one sheet row into field values, collecting every error of the row."""

    def __init__(self, layout: list[tuple[int, columns.Column, str]], lookups: Lookups):
        self.layout = layout
        self.lookups = lookups
        self.header_of = {column.key: header for _i, column, header in layout}
        self.formulas: set[tuple[int, int]] = set()

    def parse(self, number: int, cells: list) -> tuple[dict[str, Any], list[RowError]]:
        values, errors = {}, []
        for index, column, header in self.layout:
            cell = cells[index] if index < len(cells) else None
            if (number, index) in self.formulas:
                errors.append(RowError(number, header, _("formula without a calculated value")))
                continue
            try:
                values[column.key] = column.parse(cell)
            except CellError as error:
                errors.append(RowError(number, header, str(error)))
        if not errors:
            self._resolve(number, values, errors)
        return values, errors

    def _error(self, number, key, message) -> RowError:
        return RowError(number, self.header_of.get(key, BY_KEY[key].en), message)

    def _resolve(self, number: int, values: dict, errors: list[RowError]) -> None:
        for key in ("name", "city"):
            if not values.get(key):
                errors.append(self._error(number, key, _("a value is required")))
        try:
            values["country"] = _country_code(values.get("country", ""))
        except CellError as error:
            errors.append(self._error(number, "country", str(error)))
            values["country"] = ""
        if values.get("city"):
            try:
                values["city"] = self.lookups.city(values["city"], values["country"])
            except CellError as error:
                errors.append(self._error(number, "city", str(error)))
        if values.get("sector"):
            self._lookup(number, values, errors, "sector", self.lookups.sectors, "sector")
        for key, index, noun in (
            ("interests", self.lookups.interests, "interest"),
            ("target_cities", None, "city"),
        ):
            if values.get(key):
                values[key] = self._lookup_many(number, values[key], errors, key, index, noun)

    def _lookup(self, number, values, errors, key, index, noun) -> None:
        pk = index.get(_fold(values[key]))
        if pk is None:
            errors.append(self._error(number, key, _unknown(values[key], noun)))
        values[key] = pk

    def _lookup_many(self, number, names, errors, key, index, noun) -> set[int]:
        found = set()
        for name in names:
            try:
                pk = index.get(_fold(name)) if index is not None else self.lookups.city(name, "")
            except CellError as error:
                errors.append(self._error(number, key, str(error)))
                continue
            if pk is None:
                message = _unknown(name, noun)
                errors.append(self._error(number, key, message))
            else:
                found.add(pk)
        return found


def _unknown(value: str, noun: str) -> str:
    # Translated only when needed: gettext per row costs more than the lookup itself.
    nouns = {"sector": _("sector"), "interest": _("interest"), "city": _("city")}
    return _('"%(value)s" is not a known %(noun)s') % {"value": value, "noun": nouns[noun]}


def _layout(headers: list, result: ImportResult) -> list[tuple[int, columns.Column, str]]:
    layout, seen = [], set()
    for index, header in enumerate(headers):
        label = columns.plain(header)
        column = HEADERS.get(normalise_header(header))
        if column is None:
            if label:
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
        raise BadFile(
            _("Required column missing: %(columns)s.")
            % {"columns": ", ".join(f'"{c.en}" / "{c.de}"' for c in missing)}
        )
    return layout


def _match(values: dict, lookups: Lookups) -> tuple[int | None, Any, str | None]:
    """The existing company a row updates (or None), the row's identity, and an error."""
    register = normalise_register(values.get("register_number") or "")
    name_key = (normalise_company_name(values["name"]), values["city"])
    if register and register in lookups.by_register:
        pk, kind = lookups.by_register[register]
        if kind != Organisation.Kind.COMPANY:
            return (
                None,
                None,
                _("this register number belongs to an organisation that is not a company"),
            )
        return pk, pk, None
    pk = lookups.by_name.get(name_key)
    if pk is not None and not (register and lookups.register_of.get(pk)):
        return pk, pk, None
    return None, ("new", register or name_key), None


def _read(source: bytes | BinaryIO | Path | str) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def import_profiles(
    *,
    source: bytes | BinaryIO | Path | str,
    filename: str,
    user=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    preview_limit: int | None = 100,
    progress: Progress | None = None,
) -> ImportResult:
    """Creates or updates companies, profiles and contacts from a sheet.

    Raises `BadFile` when the file as a whole cannot be read. Row errors are collected in
    the result; without `skip_invalid` one invalid row means nothing is written.
    """
    data = _read(source)
    opened = open_sheet(data, filename)
    result = ImportResult(file_name=filename, dry_run=dry_run, skip_invalid=skip_invalid)
    parser = Parser(_layout(opened.headers, result), Lookups())
    parser.formulas = opened.formulas_without_value
    plan = Plan()
    targets: dict[Any, int] = {}
    error_names: dict[int, str] = {}
    for number, cells in opened.rows:
        if not any(columns.filled(c) for c in cells):
            continue  # Blank rows are common in hand-made sheets.
        result.total_rows += 1
        values, errors = parser.parse(number, cells)
        pk = None
        if not errors:
            pk, identity, problem = _match(values, parser.lookups)
            if problem:
                errors.append(parser._error(number, "register_number", problem))
            elif identity in targets:
                message = _("the same company as row %(row)d") % {"row": targets[identity]}
                errors.append(RowError(number, "", message))
            else:
                targets[identity] = number
        if errors:
            result.errors += errors
            if preview_limit is None or len(error_names) < preview_limit:
                error_names[number] = str(values.get("name", ""))
        else:
            plan.rows.append(PlannedRow(number, values, pk))
        if progress and result.total_rows % PROGRESS_EVERY == 0:
            progress(result.total_rows, opened.size_hint, result.invalid_rows)
    _classify(plan, parser, result)
    _collect_preview(plan, result, preview_limit, error_names)
    plan.rows = [row for row in plan.rows if row.pk is None or row.changes]
    if not dry_run and (skip_invalid or not result.errors):
        result.run = write_plan(plan, result=result, user=user, sha256=opened.sha256)
        result.written = True
    elif not dry_run:
        result.run = _record_rejected(result, user, opened.sha256)
    if progress:
        progress(result.total_rows, result.total_rows, result.invalid_rows)
    return result


def _classify(plan: Plan, parser: Parser, result: ImportResult) -> None:
    valid = []
    for rows in chunks(plan.rows):
        load_current(rows)
        for row in rows:
            problem = row.compute_changes(parser.header_of)
            if problem:
                key, message = problem
                result.errors.append(parser._error(row.number, key, message))
                continue
            valid.append(row)
            if row.pk is None:
                result.created += 1
            elif row.changes:
                result.updated += 1
            else:
                result.unchanged += 1
        release(rows)
    plan.rows = valid
    result.errors.sort(key=lambda error: error.row)


def _collect_preview(
    plan: Plan, result: ImportResult, limit: int | None, names: dict[int, str]
) -> None:
    outcomes = [
        RowOutcome(
            row.number,
            "new" if row.pk is None else ("update" if row.changes else "unchanged"),
            row.values["name"],
            row.changes,
        )
        for row in plan.rows[:limit]
    ]
    by_row: dict[int, list[RowError]] = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(error)
    outcomes += [
        RowOutcome(n, "error", names.get(n, ""), [], errs)
        for n, errs in list(by_row.items())[:limit]
    ]
    result.preview = sorted(outcomes, key=lambda outcome: outcome.row)[:limit]


def _record_rejected(result: ImportResult, user, sha256: str) -> ImportRun:
    return ImportRun.objects.create(
        user=user,
        file_name=result.file_name[:255],
        sha256=sha256,
        mode=ImportRun.Mode.SKIP_INVALID if result.skip_invalid else ImportRun.Mode.ALL_OR_NOTHING,
        status=ImportRun.Status.REJECTED,
        total_rows=result.total_rows,
        error_count=result.invalid_rows,
        errors=[error.as_dict() for error in result.errors],
        warnings=result.warnings,
    )
