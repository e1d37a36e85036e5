"""The downloadable import template: header row, drop-downs, an example sheet, instructions."""

import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..imports.sheet import COLUMNS, EXAMPLE, TEMPLATE_SHEETS, yes_no
from ..models import CompanyProfile, Interest, Sector
from .pages import XLSX, attachment

INSTRUCTIONS = {
    "de": [
        "Eine Zeile je Firmenprofil. Spalten in beliebiger Reihenfolge; englische oder "
        "deutsche Überschriften.",
        "Zuordnung: über die Handelsregisternummer, sonst über Firmenname und Ort.",
        "Leere Zellen lassen gespeicherte Werte unverändert (außer Ja/Nein-Spalten: leer = nein).",
        "Listen (Interessen, Zielstädte) mit ; oder , trennen.",
    ],
    "en": [
        "One row per company profile. Columns in any order; English or German headers.",
        "Matching: by register number, else by company name and city.",
        "Empty cells keep the stored values (except yes/no columns: empty = no).",
        "Separate list items (interests, target cities) with ; or ,.",
    ],
}


def _lists_sheet(workbook, language: str) -> dict[str, str]:
    """Choices on a hidden sheet: drop-downs longer than 255 characters need a range."""
    lists = workbook.create_sheet("Listen" if language == "de" else "Lists")
    lists.sheet_state = "hidden"
    choices = {
        "sector": list(Sector.objects.values_list("code", flat=True)),
        "interests": list(Interest.objects.values_list("code", flat=True)),
        "status": [choice for choice, _label in CompanyProfile.Status.choices],
        "yes_no": ["ja", "nein", "yes", "no"],
    }
    ranges = {}
    for column_number, (key, values) in enumerate(choices.items(), start=1):
        letter = lists.cell(row=1, column=column_number).column_letter
        for row_number, value in enumerate(values, start=1):
            lists.cell(row=row_number, column=column_number, value=value)
        ranges[key] = f"'{lists.title}'!${letter}$1:${letter}${max(len(values), 1)}"
    return ranges


def _add_validations(sheet, ranges: dict[str, str]) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        choices = ranges.get("yes_no" if column.parse is yes_no else column.key)
        if choices is None:
            continue
        validation = DataValidation(type="list", formula1=choices, allow_blank=True)
        # Interests may list several codes, so the drop-down only suggests.
        validation.showErrorMessage = column.key != "interests"
        letter = sheet.cell(row=1, column=index).column_letter
        validation.add(f"{letter}2:{letter}1000")
        sheet.add_data_validation(validation)


def build_template(language: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Firmenprofile" if language == "de" else "Company profiles"
    headers = [column.header(language) for column in COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    _add_validations(sheet, _lists_sheet(workbook, language))
    # The example on a sheet of its own: only the first sheet is imported.
    example_name, help_name = TEMPLATE_SHEETS[language]
    example = workbook.create_sheet(example_name)
    example.append(headers)
    example.append([EXAMPLE.get(column.key, "") for column in COLUMNS])
    help_sheet = workbook.create_sheet(help_name)
    for line in INSTRUCTIONS[language]:
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append(["English header", "German header", "field", "notes"])
    with translation.override(language):
        for column in COLUMNS:
            help_sheet.append([column.en, column.de, column.field, str(column.notes)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_response(language: str):
    language = "en" if language == "en" else "de"
    name = "firmenprofile-vorlage.xlsx" if language == "de" else "company-profiles-template.xlsx"
    return attachment(build_template(language), name, XLSX)
