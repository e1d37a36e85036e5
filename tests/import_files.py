"""Real sheets for the import tests: XLSX written by openpyxl, CSV in several encodings."""

import csv
import io

from openpyxl import Workbook

GERMAN = ["Firma", "Handelsregisternummer", "Ort", "Mitarbeiter", "Branche", "Interessen"]


def xlsx(rows: list[list], headers: list[str] = GERMAN) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[list],
    headers: list[str] = GERMAN,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
