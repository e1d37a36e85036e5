"""Generated garbage and near-valid sheets never crash the import nor half-write it.

Hypothesis builds CSV (in several encodings) and XLSX (openpyxl) files with random and real
headers, cells of every type, control characters, right-to-left and CJK text and huge
cells, plus plain random bytes. The service either refuses the file (``BadFile``) or
returns a result; when the result says nothing was written, the database is unchanged.
The admin upload answers with a page, never a 500. Examples are few, to keep CI quick.
"""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from partners.imports import BadFile, import_profiles
from partners.imports.sheet import COLUMNS
from partners.models import CompanyProfile, ImportRun, Organisation, Person
from partners.roles import ADMINISTRATORS
from tests.backoffice import client_for, user_with_role
from tests.factories import CityFactory, HomeCityFactory

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

REAL_HEADERS = [column.en for column in COLUMNS] + [column.de for column in COLUMNS]
ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"])
SCRIPTS = st.sampled_from(
    [
        "Leipzig",
        "南京",
        "济宁",
        "شركة لايبزيغ",
        "חברה בע״מ",
        "\u202eGmbH",
        "\x00\x07\x1b",
        "ja",
        "x",
    ]
)
TEXT = st.one_of(st.text(ALPHABET, max_size=30), SCRIPTS, st.just("W" * 40_000))
CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1)),
)
HEADER = st.one_of(
    st.sampled_from(REAL_HEADERS).map(lambda h: f"  {h.upper()} "),
    st.sampled_from(REAL_HEADERS),
    st.text(ALPHABET, max_size=12),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "gb18030"])


@st.composite
def table(draw):
    headers = draw(st.lists(HEADER, min_size=0, max_size=8))
    width = max(len(headers), 1)
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=width + 2), max_size=6))
    if draw(st.booleans()):
        # Near-valid: the required columns, a company name and a known city in most rows.
        headers = ["Firma", "Ort", *headers]
        names = st.one_of(st.text(ALPHABET, min_size=1, max_size=40), SCRIPTS)
        city = st.sampled_from(["Leipzig", "南京", " nanjing ", "Atlantis", ""])
        rows = [[draw(names), draw(city), *row] for row in rows]
    return headers, rows


def as_csv(headers, rows, encoding, delimiter) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def as_xlsx(headers, rows) -> bytes:
    def clean(value):
        # openpyxl refuses control characters and cells over 32,767 characters outright.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767] if isinstance(value, str) else value

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([clean(h) for h in headers])
    for row in rows:
        sheet.append([clean(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def sheet_file(draw):
    kind = draw(st.sampled_from(["csv", "xlsx", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000)), draw(st.sampled_from(["a.csv", "a.xlsx", "a"]))
    headers, rows = draw(table())
    if kind == "xlsx":
        return as_xlsx(headers, rows), "sheet.xlsx"
    encoding, delimiter = draw(ENCODINGS), draw(st.sampled_from([",", ";", "\t"]))
    return as_csv(headers, rows, encoding, delimiter), "sheet.csv"


def counts() -> tuple:
    return (
        Organisation.objects.count(),
        CompanyProfile.objects.count(),
        Person.objects.count(),
        ImportRun.objects.filter(status=ImportRun.Status.IMPORTED).count(),
    )


@pytest.fixture
def cities():
    HomeCityFactory(name="Leipzig")
    CityFactory(name="Nanjing", local_name="南京", country="CN")


@FUZZ
@given(file=sheet_file(), skip_invalid=st.booleans())
def test_the_import_refuses_or_imports_but_never_crashes_or_half_writes(cities, file, skip_invalid):
    data, name = file
    before = counts()
    try:
        result = import_profiles(source=data, filename=name, skip_invalid=skip_invalid)
    except BadFile as refusal:
        assert refusal.message
        assert counts() == before
        return
    if not result.written:
        assert counts() == before
    if result.errors and not skip_invalid:
        assert not result.written
    if result.written:
        event("written")
        assert counts()[0] == before[0] + result.created


@settings(FUZZ, max_examples=15)
@given(file=sheet_file())
def test_the_admin_upload_answers_with_a_page_never_a_500(cities, file):
    data, name = file
    client = client_for(user_with_role(ADMINISTRATORS))
    before = counts()

    response = client.post(
        reverse("admin:partners_companyprofile_import"),
        {"import_file": SimpleUploadedFile(name, data)},
        follow=True,
    )

    assert response.status_code == 200  # the preview or the form with its error
    assert counts() == before  # a preview writes nothing
