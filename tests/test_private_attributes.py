"""Project code reads no private attribute of Django's or a library's objects.

An attribute with a leading underscore may change in any release without notice, so
project code reads only the ones Django documents and those the project sets itself.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Documented in Django's reference despite the underscore.
DOCUMENTED = {"_meta", "_default_manager", "_base_manager", "_state"}
# Django's internals that project code once read; never allowed, whoever defines the name.
KNOWN_PRIVATE = {"_committed"}


def _sources():
    for package in ("partners", "crm"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), str(path))


def _private(name):
    return isinstance(name, str) and name.startswith("_") and not name.startswith("__")


def _by_name(node):
    """The attribute that ``getattr(obj, "_x")``, ``hasattr`` or ``setattr`` names."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"getattr", "hasattr", "setattr"}
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    ):
        return node.args[1].value
    return None


def _defined_by_the_project(sources):
    names = set()
    for _path, tree in sources:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if _private(name)}


def test_project_code_reads_no_private_attribute_of_django_objects():
    sources = list(_sources())
    allowed = (DOCUMENTED | _defined_by_the_project(sources)) - KNOWN_PRIVATE
    found = []
    for path, tree in sources:
        for node in ast.walk(tree):
            name = node.attr if isinstance(node, ast.Attribute) else _by_name(node)
            if _private(name) and name not in allowed:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not found, "private attributes read:\n" + "\n".join(found)
