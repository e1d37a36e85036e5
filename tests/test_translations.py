"""Every user-facing string ships in German and Chinese (locale/de, locale/zh_Hans), none
left empty or fuzzy, and the catalogs keep to the README's glossary (one term per concept)."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
README = Path(__file__).resolve().parent.parent / "README.md"
CATALOG = LOCALE / "de" / "LC_MESSAGES" / "django.po"


def _catalog(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("language", ["de", "zh_Hans"])
def test_every_string_is_translated_and_not_fuzzy(language):
    catalog = _catalog(language)
    assert not catalog.metadata_is_fuzzy
    untranslated = [
        entry.msgid
        for entry in catalog
        if not entry.obsolete and ("fuzzy" in entry.flags or not all(_translations(entry)))
    ]
    assert untranslated == []


def test_the_catalogs_hold_the_same_strings():
    german, chinese = ({e.msgid for e in _catalog(code)} for code in ("de", "zh_Hans"))
    assert german == chinese


def test_the_catalog_knows_the_strings_of_the_domain():
    text = CATALOG.read_text(encoding="utf-8")
    assert 'msgid "delegation"\nmsgstr "Delegation"' in text
    assert "%(start_day)s.–%(end_day)s. %(month)s %(year)s" in text


def _glossary():
    """The README's glossary: (English, German, Chinese) per concept."""
    section = README.read_text(encoding="utf-8").split("### Glossary")[1].split("\n## ")[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ")]
    return [tuple(cell.strip() for cell in row[1:]) for row in rows[1:]]


# Words that name a concept of the glossary in an English msgid. A kind of memorandum
# (memorandum of understanding) has its own term, so it is not the general one.
CONCEPTS = {
    "memorandum": r"\bmemorand(um|a)\b(?! of understanding)",
    "delegation": r"\bdelegations?\b",
    "meeting": r"\bmeetings?\b",
    "partner city": r"\bpartner cit(y|ies)\b",
    "company profile": r"\bcompany profiles?\b",
    "follow-up": r"\bfollow-ups?\b",
    "letter of intent": r"\bletters? of intent\b",
    "memorandum of understanding": r"\bmemorandum of understanding\b",
}
# Words the glossary retired: a letter of intent is one kind of memorandum, not all of them.
RETIRED_GERMAN = {"memorandum": ["Absichtserklärung", "Memoranden", "MoU-Register"]}


def _stem(german):
    # "Vereinbarung" also covers "Vereinbarungen", "Partnerstadt" "Partnerstädte".
    return german[:-3] if german.endswith("stadt") else german


@pytest.mark.parametrize("language", ["de", "zh_Hans"])
def test_the_catalogs_use_one_term_per_concept(language):
    terms = {english: (german, chinese) for english, german, chinese in _glossary()}
    assert set(CONCEPTS) <= set(terms), "every checked concept is in the README's glossary"
    breaches = []
    for entry in _catalog(language):
        for concept, pattern in CONCEPTS.items():
            if not re.search(pattern, entry.msgid, re.IGNORECASE):
                continue
            german, chinese = terms[concept]
            wanted = _stem(german) if language == "de" else chinese
            for text in _translations(entry):
                if wanted.casefold() not in text.casefold():
                    breaches.append((entry.msgid, text, wanted))
                if language == "de" and "letter of intent" not in entry.msgid.lower():
                    for retired in RETIRED_GERMAN.get(concept, []):
                        if retired in text:
                            breaches.append((entry.msgid, text, f"not {retired}"))
    assert breaches == []
