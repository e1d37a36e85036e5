"""The README against the code: settings, commands, benchmarks and the project layout it names."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from partners.public.feeds import CALENDAR_SIZE
from partners.public.sitemaps import PAGE_SIZE

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = (ROOT / "crm" / "settings.py").read_text(encoding="utf-8")
READERS = r"(?:envbool|envint|envsecret|envlist|os\.getenv|os\.environ\.get)"


def table_rows():
    """Each README table row's first two cells (the names written in code, then the default
    or the production value) with the header of its second column."""
    header = ""
    for line in README.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| variable |"):
            header = cells[1]
        elif line.startswith("| `") and len(cells) >= 2:
            yield header, re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]), cells[1]


def test_every_environment_variable_the_settings_read_is_in_a_readme_table():
    read = set(re.findall(READERS + r'\(\s*"([A-Z][A-Z0-9_]+)"', SETTINGS))
    documented = {name for _header, names, _default in table_rows() for name in names}
    assert read - documented == set()


def test_the_readme_tables_give_the_defaults_the_settings_use():
    defaults = dict(re.findall(READERS + r'\(\s*"([A-Z][A-Z0-9_]+)",\s*"([^"]*)"\s*\)', SETTINGS))
    checked = 0
    for header, names, default in table_rows():
        written = re.fullmatch(r"`([^`]*)`", default)
        if header == "default" and len(names) == 1 and written and names[0] in defaults:
            assert written.group(1) == defaults[names[0]], names[0]
            checked += 1
    assert checked >= 20


def options_of(command: str) -> set[str]:
    parser = load_command_class(get_commands()[command], command).create_parser(
        "manage.py", command
    )
    return set(re.findall(r"--[a-z][a-z-]*", parser.format_help()))


def test_every_manage_py_command_in_the_readme_exists_with_the_options_it_shows():
    named = re.findall(r"manage\.py ([a-z_]+)([^`\n]*)", README)
    assert len(named) > 30
    for command, rest in named:
        assert command in get_commands(), command
        options = {option.split("=")[0] for option in re.findall(r"--[a-z][a-z-]*=?", rest)}
        assert options - options_of(command) == set(), command


def test_every_benchmark_is_in_the_readme_with_the_options_it_takes():
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        path = f"bench/{script.name}"
        assert path in README, path
        source = script.read_text(encoding="utf-8")
        for rest in re.findall(re.escape(path) + r"([^`\n]*)", README):
            for option in re.findall(r"--[a-z][a-z-]*", rest):
                assert f'"{option}"' in source, (path, option)


def test_every_make_target_in_the_readme_is_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.search(r"^\.PHONY: (.*)$", makefile, re.M).group(1).split())
    assert set(re.findall(r"`make ([a-z-]+)", README)) <= targets
    layout = re.search(r"^Makefile +(.*)$", README, re.M).group(1)
    assert set(re.findall(r"[a-z-]+", layout)) == targets


@pytest.mark.parametrize(
    "package",
    [
        "crm",
        "partners",
        "partners/models",
        "partners/public",
        "partners/reports",
        "partners/documents",
        "partners/scheduling",
        "partners/imports",
        "partners/demo",
        "partners/management/commands",
    ],
)
def test_the_project_layout_names_every_module(package):
    layout = README.split("## Project layout\n```\n")[1].split("\n```")[0]
    words = set(re.findall(r"\w+", layout))
    modules = {path.stem for path in (ROOT / package).glob("*.py")} - {"__init__"}
    assert modules - words == set()


def test_the_readme_gives_the_page_sizes_of_the_sitemap_and_the_calendar_feed():
    assert f"`/sitemap-<section>.xml?p=N`, {PAGE_SIZE:,} URLs each" in README
    assert f"the calendar feed carries the latest {CALENDAR_SIZE} trips" in README
