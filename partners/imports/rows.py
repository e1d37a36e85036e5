"""One sheet row: reading its cells, resolving the records it names, finding its company.

The reference data a row may name (cities, sectors, interests) is fetched once into dicts by
`Lookups`; `Parser` then checks a row without any further query. `Companies` reads only the
existing companies that the sheet's rows may be, by register number or normalised name.
"""

from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django_countries import countries

from ..models import City, Interest, Organisation, Sector
from ..models.organisations import REGISTER_KEY, normalise_company_name, normalise_register
from . import sheet as columns
from .sheet import BY_KEY, CellError, folded


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _('row %(row)d, column "%(column)s": %(message)s') % asdict(self)
        return _("row %(row)d: %(message)s") % asdict(self)


# Each column the sheet has: its index, its declaration, its header as the sheet writes it.
Layout = list[tuple[int, columns.Column, str]]
# Names and register numbers looked up per query: few enough that PostgreSQL reads them
# from the index even where a name repeats often (it scanned the whole table for 1,000).
LOOKUP_CHUNK = 250


class Lookups:
    """The reference data a row may name (cities, sectors, interests), fetched once."""

    def __init__(self):
        self.cities: dict[str, list[tuple[int, str]]] = {}
        # A sheet may name a city, sector or interest in any of the site's languages;
        # columns named explicitly, so the admin's language does not change the match.
        for pk, country, *names in City.objects.values_list(
            "id", "country", "name_de", "name_en", "name_zh_hans", "local_name"
        ):
            for key in {folded(name) for name in names} - {""}:
                self.cities.setdefault(key, []).append((pk, str(country)))
        names = ("id", "code", "name_de", "name_en", "name_zh_hans")
        self.sectors = self._index(Sector.objects.values_list(*names))
        self.interests = self._index(Interest.objects.values_list(*names))

    @staticmethod
    def _index(rows) -> dict[str, int]:
        return {folded(label): pk for pk, *labels in rows for label in labels if label}

    def city(self, name: str, country: str) -> int:
        candidates = self.cities.get(folded(name), [])
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
    if len(value) in (2, 3) and value.isalpha() and (code := countries.alpha2(value)):
        return code  # ISO 3166 alpha-2 or alpha-3
    # A name in any of the site's languages: Germany, Deutschland, 德国.
    names = (countries.by_name(value, language=code) for code, _label in settings.LANGUAGES)
    code = next(filter(None, names), "")
    if not code:
        raise CellError(_('"%(value)s" is not a known country') % {"value": value})
    return code


class Parser:
    """Turns one sheet row into field values, collecting every error of the row."""

    def __init__(self, layout: Layout, lookups: Lookups, formulas: set[tuple[int, int]]):
        self.layout = layout
        self.lookups = lookups
        self.header_of = {column.key: header for _i, column, header in layout}
        self.formulas = formulas

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
        # The cells that were read are checked too: one upload shows all the row's errors.
        self._resolve(number, values, errors)
        return values, errors

    def error(self, number: int, key: str, message: str) -> RowError:
        """An error of the row's cell for `key`, named by the header the sheet uses."""
        return RowError(number, self.header_of.get(key, BY_KEY[key].en), message)

    def _resolve(self, number: int, values: dict, errors: list[RowError]) -> None:
        unread = {error.column for error in errors}
        for key in ("name", "city"):
            if not values.get(key) and self.header_of.get(key) not in unread:
                errors.append(self.error(number, key, _("a value is required")))
        try:
            values["country"] = _country_code(values.get("country", ""))
        except CellError as error:
            errors.append(self.error(number, "country", str(error)))
            values["country"] = ""
        if values.get("city"):
            try:
                values["city"] = self.lookups.city(values["city"], values["country"])
            except CellError as error:
                errors.append(self.error(number, "city", str(error)))
        if sector := values.get("sector"):
            values["sector"] = self.lookups.sectors.get(folded(sector))
            if values["sector"] is None:
                errors.append(self.error(number, "sector", _unknown(sector, "sector")))
        for key, index, noun in (
            ("interests", self.lookups.interests, "interest"),
            ("target_cities", None, "city"),
        ):
            if values.get(key):
                values[key] = self._lookup_many(number, values[key], errors, key, index, noun)

    def _lookup_many(self, number, names, errors, key, index, noun) -> set[int]:
        found = set()
        for name in names:
            try:
                pk = index.get(folded(name)) if index is not None else self.lookups.city(name, "")
            except CellError as error:
                errors.append(self.error(number, key, str(error)))
                continue
            if pk is None:
                errors.append(self.error(number, key, _unknown(name, noun)))
            else:
                found.add(pk)
        return found


def _unknown(value: str, noun: str) -> str:
    # Translated only when needed: gettext per row costs more than the lookup itself.
    nouns = {"sector": _("sector"), "interest": _("interest"), "city": _("city")}
    return _('"%(value)s" is not a known %(noun)s') % {"value": value, "noun": nouns[noun]}


class Companies:
    """The existing organisations that the given rows may name: only those are read, so an
    import costs the same whatever the size of the database."""

    def __init__(self, rows: list[dict]):
        self.by_register: dict[str, tuple[int, str]] = {}
        self.by_name: dict[tuple[str, int | None], int] = {}
        self.register_of: dict[int, str] = {}
        # Agencies, chambers… of a name: a row naming one must not create its company twin.
        self.others_by_name: dict[tuple[str, int | None], str] = {}
        registers = sorted(
            {normalise_register(r["register_number"]) for r in rows if r.get("register_number")}
        )
        names = sorted({normalise_company_name(r["name"]) for r in rows})
        fields = ("id", "name_key", "city_id", "register_number", "kind")
        for start in range(0, max(len(registers), len(names)), LOOKUP_CHUNK):
            by_register = Organisation.objects.alias(normalised=REGISTER_KEY).filter(
                normalised__in=registers[start : start + LOOKUP_CHUNK]
            )
            by_name = Organisation.objects.filter(name_key__in=names[start : start + LOOKUP_CHUNK])
            for queryset in (by_register, by_name):
                for pk, key, city, register, kind in queryset.values_list(*fields):
                    self._add(pk, key, city, register, kind)

    def _add(self, pk, name_key, city, register, kind) -> None:
        if register:
            self.by_register[normalise_register(register)] = (pk, kind)
            self.register_of[pk] = register
        key = (name_key, city)
        if kind == Organisation.Kind.COMPANY:
            # The lowest id wins, as the admin's first-created company would.
            self.by_name[key] = min(pk, self.by_name.get(key, pk))
        else:
            self.others_by_name[key] = kind


def match_company(
    values: dict, lookups: Companies
) -> tuple[int | None, Any, tuple[str, str] | None]:
    """The existing company a row updates (or None), the row's identity, and an error
    (the column key and the message)."""
    register = normalise_register(values.get("register_number") or "")
    name_key = (normalise_company_name(values["name"]), values["city"])
    if register and register in lookups.by_register:
        pk, kind = lookups.by_register[register]
        if kind != Organisation.Kind.COMPANY:
            return (
                None,
                None,
                (
                    "register_number",
                    _("this register number belongs to an organisation that is not a company"),
                ),
            )
        return pk, pk, None
    pk = lookups.by_name.get(name_key)
    if pk is not None and not (register and lookups.register_of.get(pk)):
        return pk, pk, None
    if pk is None and (kind := lookups.others_by_name.get(name_key)):
        message = _("an organisation of this name in this city is not a company (%(kind)s)")
        return None, None, ("name", message % {"kind": Organisation.Kind(kind).label})
    return None, ("new", register or name_key), None


def same_new_company(values: dict, number: int, seen: dict) -> int | None:
    """The earlier row that creates this row's new company, found by name and city when
    either row has no register number, as an existing company would be (two register
    numbers are two companies). `seen` collects the new rows' names."""
    registered = bool(values.get("register_number"))
    key = (normalise_company_name(values["name"]), values["city"])
    first, first_registered = seen.setdefault(key, (number, registered))
    return first if first != number and not (registered and first_registered) else None
