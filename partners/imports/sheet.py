"""The company-profile sheet: its columns, declared once (DESIGN.md, "Company profile sheet").

This one declaration drives the import (`partners.imports`), the export of profiles
(`partners.admin.resources`), the downloadable template and the README table (checked by a test).
A column knows its English and German header, the field it fills, how a cell is parsed into
a Python value and how a stored value is written back into a cell. Cells that name other
records (cities, sectors, interests) are parsed into names here and resolved by the import.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dates import latest_today


class CellError(ValueError):
    """A cell that cannot be read; the message names the value, the import adds row/column."""


def plain(value: Any) -> str:
    """A cell as text: integral floats (Excel stores every number as one) lose their `.0`."""
    if type(value) is str:  # Most cells: skip the checks below.
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def folded(value: Any) -> str:
    """A header, or a name a cell gives, as it is matched: spaces and case ignored."""
    return plain(value).casefold()


def filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def not_a_date(value: Any) -> Any:
    """A text cell that Excel turned into a date or time (it does so with "3-4", "1/2",
    "12.5." as they are typed): the text that was typed is gone, so the cell is refused
    rather than imported as "2025-04-03"."""
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise CellError(
            _(
                '"%(value)s" is a date or time in the sheet, not text: format the column '
                "as text and type the value again"
            )
            % {"value": plain(value)}
        )
    return value


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        result = plain(not_a_date(value))
        if len(result) > max_length:
            raise CellError(
                _('"%(value)s…" is longer than %(max)d characters')
                % {"value": result[:20], "max": max_length}
            )
        return result

    return parse


def long_text(value: Any) -> str:
    # Multi-line cells (products, address) keep their line breaks.
    return "" if value is None else str(not_a_date(value)).strip()


THOUSANDS = re.compile(r"(?<=\d)[.,  ](?=\d{3}(\D|$))")
# What an integer column holds on every supported database (PostgreSQL's `integer`), as the
# admin's form allows: a larger number must be a row error, not a failed write at confirm.
LARGEST_WHOLE_NUMBER = 2_147_483_647


def whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        raise CellError(_('"%(value)s" is not a number') % {"value": value})
    if isinstance(value, int | float) and float(value).is_integer() and value >= 0:
        return _at_most_largest(int(value), plain(value))
    raw = plain(value)
    if raw == "":
        return None
    # German `1.200`, English `1,200` and `1 200` are all twelve hundred.
    digits = THOUSANDS.sub("", raw)
    if not digits.isdigit():
        raise CellError(_('"%(value)s" is not a number') % {"value": raw})
    return _at_most_largest(int(digits), raw)


def _at_most_largest(number: int, raw: str) -> int:
    if number > LARGEST_WHOLE_NUMBER:
        raise CellError(
            _('"%(value)s" is too large (at most %(largest)s)')
            % {"value": raw, "largest": number_format(LARGEST_WHOLE_NUMBER, force_grouping=True)}
        )
    return number


def year(value: Any) -> int | None:
    raw = plain(value)
    if raw == "":
        return None
    if not re.fullmatch(r"[12]\d{3}", raw):
        raise CellError(_('"%(value)s" is not a four-digit year') % {"value": raw})
    return int(raw)


def date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = plain(value)
    if raw == "":
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError(
        _('"%(value)s" is not a date (write 25.06.2019 or 2019-06-25)') % {"value": raw}
    )


def past_date(value: Any) -> datetime.date | None:
    """A day on which something happened (consent given): one that has begun somewhere
    on earth, as the model's clean() requires."""
    day = date(value)
    if day and day > latest_today():
        raise CellError(_('"%(value)s" lies in the future') % {"value": plain(value)})
    return day


YES = {"ja", "yes", "x", "1", "true", "wahr", "j", "y"}
NO = {"nein", "no", "", "0", "false", "falsch", "n"}


def yes_no(value: Any) -> bool:
    raw = plain(value).casefold()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(
        _('"%(value)s" is not yes or no (ja/nein, yes/no, x/empty, 1/0)') % {"value": raw}
    )


def names(value: Any) -> list[str]:
    """A list cell: `;` or `,` between the items."""
    return [item.strip() for item in re.split(r"[;,]", plain(value)) if item.strip()]


def email(value: Any) -> str:
    raw = text(254)(value)
    if raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise CellError(_('"%(value)s" is not an e-mail address') % {"value": raw}) from None
    return raw


def website(value: Any) -> str:
    raw = text(200)(value)
    if raw and "://" not in raw:
        raw = f"https://{raw}"  # People write `www.example.de`.
        # With the scheme added it must still fit the field, or the write fails at confirm.
        text(200)(raw)
    if raw:
        try:
            URLValidator()(raw)
        except ValidationError:
            raise CellError(_('"%(value)s" is not a web address') % {"value": raw}) from None
    return raw


STATUSES = {
    "draft": "draft",
    "entwurf": "draft",
    "ready": "ready",
    "bereit": "ready",
    "shared": "shared",
    "weitergegeben": "shared",
    "archived": "archived",
    "archiviert": "archived",
}


def status(value: Any) -> str | None:
    raw = plain(value).casefold()
    if raw == "":
        return None
    if raw not in STATUSES:
        raise CellError(
            _('"%(value)s" is not a status (draft/ready/shared/archived)') % {"value": raw}
        )
    return STATUSES[raw]


def write_text(value: Any) -> Any:
    return "" if value is None else value


def write_yes_no(value: bool) -> str:
    return "ja" if value else "nein"


def write_names(values: list[str]) -> str:
    return "; ".join(values)


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    de: str
    field: str
    parse: Callable[[Any], Any]
    write: Callable[[Any], Any] = write_text
    required: bool = False
    notes: str = ""  # shown in the admin's language; the README's table is English
    # Empty cells keep the stored value (half-filled rows must not wipe data), except
    # yes/no columns, where empty means "no" (DESIGN.md).
    empty_keeps: bool = True

    def header(self, language: str) -> str:
        return self.de if language == "de" else self.en


INTERESTS_NOTE = gettext_lazy(
    "codes or names: cooperation/Kooperation, expansion/Expansion, distribution/Vertrieb, "
    "investment/Investition, sourcing/Beschaffung, research/Forschung"
)
STATUS_NOTE = gettext_lazy("draft/ready/shared/archived or Entwurf/bereit/weitergegeben/archiviert")

COLUMNS: tuple[Column, ...] = (
    Column("name", "Company", "Firma", "Organisation.name", text(200), required=True,
           notes=gettext_lazy("required")),
    Column("register_number", "Register number", "Handelsregisternummer",
           "Organisation.register_number", text(60),
           notes=gettext_lazy("match key when present")),
    Column("city", "City", "Ort", "Organisation.city", text(120), required=True,
           notes=gettext_lazy("name (German, English or Chinese) or local name of a known "
                              "city; required")),
    Column("country", "Country", "Land", "City.country", text(60),
           notes=gettext_lazy("ISO code or name; disambiguates the city")),
    Column("website", "Website", "Webseite", "Organisation.website", website),
    Column("email", "Email", "E-Mail", "Organisation.email", email),
    Column("phone", "Phone", "Telefon", "Organisation.phone", text(50)),
    Column("address", "Address", "Adresse", "Organisation.address", long_text),
    Column("sector", "Sector", "Branche", "CompanyProfile.sector", text(200),
           notes=gettext_lazy("NACE code or name")),
    Column("employees", "Employees", "Mitarbeiter", "CompanyProfile.employees", whole_number,
           notes=gettext_lazy("whole number, `1.200` and `1,200` accepted")),
    Column("founded_year", "Founded", "Gründungsjahr", "CompanyProfile.founded_year", year,
           notes=gettext_lazy("four digits")),
    Column("products", "Products", "Produkte", "CompanyProfile.products", long_text),
    Column("interests", "Interests", "Interessen", "CompanyProfile.interests", names,
           write_names, notes=INTERESTS_NOTE),
    Column("target_cities", "Target cities", "Zielstädte", "CompanyProfile.target_cities",
           names, write_names,
           notes=gettext_lazy("names (German, English or Chinese) or local names")),
    Column("contact_name", "Contact", "Ansprechpartner", "Person.full_name", text(200)),
    Column("contact_position", "Contact position", "Position", "Person.position", text(200)),
    Column("contact_email", "Contact email", "E-Mail Ansprechpartner", "Person.email", email),
    Column("contact_phone", "Contact phone", "Telefon Ansprechpartner", "Person.phone",
           text(50)),
    Column("summary", "Summary", "Kurzprofil", "CompanyProfile.summary", long_text),
    Column("consent_to_share", "Consent to share", "Freigabe",
           "CompanyProfile.consent_to_share", yes_no, write_yes_no,
           notes=gettext_lazy("yes/no"), empty_keeps=False),
    Column("consent_given_on", "Consent date", "Freigabe am", "CompanyProfile.consent_given_on",
           past_date, notes=gettext_lazy("date")),
    Column("status", "Status", "Status", "CompanyProfile.status", status, notes=STATUS_NOTE),
    Column("publish", "Publish", "Veröffentlichen", "CompanyProfile.visibility", yes_no,
           write_yes_no, notes=gettext_lazy("yes → public (needs consent)"),
           empty_keeps=False),
    # Translations of the public texts (German is the source, in the columns above).
    Column("products_en", "Products (English)", "Produkte (Englisch)",
           "CompanyProfile.products_en", long_text, notes=gettext_lazy("optional")),
    Column("summary_en", "Summary (English)", "Kurzprofil (Englisch)",
           "CompanyProfile.summary_en", long_text, notes=gettext_lazy("optional")),
    Column("products_zh_hans", "Products (Chinese)", "Produkte (Chinesisch)",
           "CompanyProfile.products_zh_hans", long_text, notes=gettext_lazy("optional")),
    Column("summary_zh_hans", "Summary (Chinese)", "Kurzprofil (Chinesisch)",
           "CompanyProfile.summary_zh_hans", long_text, notes=gettext_lazy("optional")),
)  # fmt: skip

BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = {folded(h): c for c in COLUMNS for h in (c.en, c.de)}

# The template's sheets beside the one imported, by language: the example and the help.
# An upload made from the template carries them; the preview does not call them unread.
TEMPLATE_SHEETS = {"de": ("Beispiel", "Anleitung"), "en": ("Example", "Instructions")}

# The template's example row: on its own sheet, and skipped (with a warning) when someone
# copies it into the data sheet, so that the example never becomes a company.
EXAMPLE = {
    "name": "Muster Maschinenbau GmbH & Co. KG",
    "register_number": "HRA 12345",
    "city": "Leipzig",
    "country": "DE",
    "website": "https://www.muster-maschinenbau.de",
    "email": "info@muster-maschinenbau.de",
    "phone": "+49 341 1234567",
    "address": "Musterstraße 1, 04109 Leipzig",
    "sector": "C",
    "employees": "1.200",
    "founded_year": 1990,
    "products": "Sondermaschinen, Automatisierung",
    "interests": "cooperation; distribution",
    "target_cities": "Nanjing",
    "contact_name": "Erika Mustermann",
    "contact_position": "Geschäftsführerin",
    "contact_email": "e.mustermann@muster-maschinenbau.de",
    "contact_phone": "+49 341 1234568",
    "summary": "Familienunternehmen, sucht Vertriebspartner in Jiangsu.",
    "consent_to_share": "ja",
    "consent_given_on": "25.06.2019",
    "status": "ready",
    "publish": "nein",
    "products_en": "Special-purpose machines, automation",
    "summary_en": "Family business looking for sales partners in Jiangsu.",
    "products_zh_hans": "专用机械、自动化",
    "summary_zh_hans": "家族企业，正在江苏寻找销售合作伙伴。",
}


def is_example(values: dict) -> bool:
    return all(values.get(key) == EXAMPLE[key] for key in ("name", "register_number"))


def markdown_table() -> str:
    """The README's table, generated from the declaration (a test compares the two)."""
    lines = [
        "| English header | German header | field | notes |",
        "|---|---|---|---|",
    ]
    with translation.override(None):  # the notes' English source text
        lines += [f"| {c.en} | {c.de} | {c.field} | {c.notes} |" for c in COLUMNS]
    return "\n".join(lines)
