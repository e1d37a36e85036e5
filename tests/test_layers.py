"""Which part may use which (DESIGN.md, Layout), read from the source: the service packages
use models only, never views, admin or HTTP; models use no service package; public views
never import admin code."""

import ast
from pathlib import Path

import pytest

PARTNERS = Path(__file__).resolve().parent.parent / "partners"
HTTP = ("django.http", "django.shortcuts", "django.views", "django.template.response")
SERVICES = ("imports", "reports", "documents", "scheduling")


def imported(path: Path) -> set[str]:
    """Every module a file imports, relative imports made absolute."""
    package = ".".join(path.relative_to(PARTNERS.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def reads_a_request(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Attribute) and node.attr in {"GET", "POST", "META", "COOKIES"}
        for node in ast.walk(tree)
    )


def offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in sorted((PARTNERS / folder).rglob("*.py")):
        names = [name for name in imported(path) if name.startswith(forbidden)]
        if names:
            found[str(path.relative_to(PARTNERS))] = sorted(names)
    return found


@pytest.mark.parametrize("package", SERVICES)
def test_a_service_package_uses_no_views_admin_or_http(package):
    forbidden = ("partners.admin", "partners.public", *HTTP)
    assert offending(package, forbidden) == {}
    readers = [p.name for p in (PARTNERS / package).rglob("*.py") if reads_a_request(p)]
    assert readers == []


def test_models_use_no_service_package_nor_screen():
    services = tuple(f"partners.{name}" for name in (*SERVICES, "admin", "public"))
    assert offending("models", services) == {}


def test_public_views_never_import_admin_code():
    assert offending("public", ("partners.admin",)) == {}
