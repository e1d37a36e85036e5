"""An XLSX export leaves no temporary file with contacts' data behind, even when it fails."""

import tempfile

import pytest

from partners.spreadsheets import Column, Table, write_xlsx


class ExportBroke(Exception):
    pass


def rows_then_failure():
    for number in range(500):
        yield (f"Erika Mustermann {number}", f"erika{number}@muster.example")
    raise ExportBroke  # a query failing halfway, a client that went away


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """The system's temporary folder, pointed at an empty folder of the test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_failed_export_leaves_no_temporary_file(temp_dir, tmp_path_factory):
    table = Table("People", [Column("Name"), Column("E-mail")], rows_then_failure())
    target = tmp_path_factory.mktemp("out") / "people.xlsx"

    with pytest.raises(ExportBroke):
        write_xlsx(str(target), [table])

    assert list(temp_dir.iterdir()) == []


def test_a_finished_export_leaves_no_temporary_file(temp_dir, tmp_path_factory):
    rows = [(f"Erika Mustermann {n}", f"erika{n}@muster.example") for n in range(500)]
    target = tmp_path_factory.mktemp("out") / "people.xlsx"

    write_xlsx(str(target), [Table("People", [Column("Name"), Column("E-mail")], rows)])

    assert target.stat().st_size > 0
    assert list(temp_dir.iterdir()) == []
