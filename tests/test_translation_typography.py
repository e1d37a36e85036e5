"""The catalogs' typography: German quotes „…“, no stray space inside Chinese text.

German quotes open low and close high („Reise“); ASCII quotes ("Reise") and the English
pair (“Reise”) are wrong in German. Chinese runs its characters together: a space between
two of them ("伙伴 城市") is a typing slip. Spaces around Latin words and placeholders
("伙伴城市 CRM") are a style choice and stay.
"""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
# ASCII quotes around a word; not an HTML attribute's value (href="…"), which follows "=".
ASCII_QUOTED = re.compile(r'(?<!=)"[^"<>=]*\w[^"<>=]*"')
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
SPACE_INSIDE_CHINESE = re.compile(f"[{CJK}][ \u00a0\u3000]+[{CJK}]")


def translations(language):
    for path in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text:
                    yield f"{path.name}:{entry.linenum} {entry.msgid[:50]!r}", text


def german_quote_slips(text) -> list[str]:
    slips = ASCII_QUOTED.findall(text)
    # “ closes a German quote; without a „ before it, or with ” anywhere, it is English.
    if "”" in text or text.count("“") > text.count("„"):
        slips.append(text)
    return slips


@pytest.mark.parametrize(
    ("text", "slips"),
    [
        ("Die Reise „Nanjing 2019“ ist geplant.", False),
        ('Geplante Reise angelegt: <a href="{}">{}</a>', False),
        ('Die Reise "Nanjing 2019" ist geplant.', True),
        ("Die Reise “Nanjing 2019” ist geplant.", True),
    ],
)
def test_the_german_check_tells_german_quotes_from_others(text, slips):
    assert bool(german_quote_slips(text)) is slips


def test_german_translations_use_german_quotes():
    found = [f"{where}: {text!r}" for where, text in translations("de") if german_quote_slips(text)]
    assert not found, "\n".join(found)


def test_the_chinese_check_finds_a_space_between_two_characters_only():
    assert SPACE_INSIDE_CHINESE.search("伙伴 城市")
    assert not SPACE_INSIDE_CHINESE.search("伙伴城市 CRM · 南京")


def test_chinese_translations_have_no_space_between_two_characters():
    found = [
        f"{where}: {text!r}"
        for where, text in translations("zh_Hans")
        if SPACE_INSIDE_CHINESE.search(text)
    ]
    assert not found, "\n".join(found)
