"""Every user-facing string ships in German (locale/de), none left empty or fuzzy."""

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "de" / "LC_MESSAGES" / "django.po"


def _entries(text):
    # An entry is a block separated by blank lines; the header has an empty msgid.
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid or msgid.group(1).strip() == '""':
            continue
        yield block


def test_every_german_string_is_translated_and_not_fuzzy():
    untranslated = [
        block
        for block in _entries(CATALOG.read_text(encoding="utf-8"))
        if "#, fuzzy" in block or re.search(r'^msgstr(\[\d\])? ""\Z', block.strip(), re.M)
    ]
    assert untranslated == []


def test_the_catalog_knows_the_strings_of_the_domain():
    text = CATALOG.read_text(encoding="utf-8")
    assert 'msgid "delegation"\nmsgstr "Delegation"' in text
    assert "%(start_day)s.–%(end_day)s. %(month)s %(year)s" in text
