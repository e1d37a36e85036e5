"""Finding a person's name, e-mail or phone in stored text and files (partners/gdpr.py).

Matching is done here, in Python, the same on SQLite and PostgreSQL: SQLite's LIKE folds the
case of ASCII letters only, and neither database equates "Müller" typed as one character
(NFC) with "u" plus a combining diaeresis (NFD). Text is folded as the admin search folds
it (models/folding.py: case, accents, Unicode form and "ue" for "ü" ignored) and a value
matches as whole words only, so "Anna Alt" leaves "Johanna
Altmann" alone. Chinese, Japanese and Korean are written without spaces: a name in those
scripts matches inside a word ("与张伟会谈").
"""

import collections
import functools
import html
import io
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .models.folding import SPELT_OUT, fold, fold_letters

# Han, kana and Hangul: one character is a syllable, so a two-character name is a name.
CJK_CHARS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK = re.compile(f"[{CJK_CHARS}]")
# A letter or digit that would make a Latin name part of a longer word. Not a CJK one:
# Chinese text runs straight into a Latin name ("总经理Michael Körner与…"), with no space.
WORD_CHAR = rf"[^\W{CJK_CHARS}]"
# Combining marks (accents): NFD writes "ü" as "u" and one of these.
MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
XML_TAG = re.compile(r"<[^>]*>")
# Characters beyond the Basic Multilingual Plane (emoji): outside _folding_table().
BEYOND_TABLE = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _folding_table() -> dict[int, str]:
    """What fold_letters() makes of each character of the Basic Multilingual Plane, where it
    changes it."""
    table = {}
    for code in range(0x10000):
        if (text := fold_letters(chr(code))) != chr(code):
            table[code] = text
    return table


def folded(text: str) -> str:
    """fold(text), as a table lookup per character: fold() would be most of an erasure's
    time. Characters beyond the Basic Multilingual Plane (emoji) go through fold() itself."""
    if text.isascii():
        return SPELT_OUT.sub("", text.lower())
    if BEYOND_TABLE.search(text):
        return fold(text)
    return SPELT_OUT.sub("", text.translate(_folding_table()))


@functools.cache
def _sources() -> dict[str, str]:
    """For each character that folded() may produce, every character it may come from."""
    sources = collections.defaultdict(set)
    for code, text in _folding_table().items():
        for char in text:
            sources[char].add(chr(code))
    return {char: "".join(found) for char, found in sources.items()}


# Letters from the most common in German and English prose down.
COMMON = "enisratdhulcgmobwfkzpvjyxq"


def _screens(value: str) -> list[re.Pattern]:
    """Cheap tests that a text must pass to fold to ``value``: it holds a character that
    folds to each of the value's two rarest characters (which rarely both occur)."""
    chars = {char for char in folded(value) if not char.isspace()}
    # Characters that are no letters (digits, "@", Chinese) first, then the rarest letters.
    rarest = sorted(chars, key=lambda char: (char in COMMON, -COMMON.find(char), char))[:2]
    return [re.compile(f"[{re.escape(char + _sources().get(char, ''))}]") for char in rarest]


class Traces:
    """Values that stand for one person, found in text and in JSON data."""

    def __init__(self, values: Iterable[str]):
        self.values = sorted({value.strip() for value in values if value.strip()})
        # Longest first: "Anna Alt" goes before "Anna" would leave "Alt" behind.
        alternatives = sorted(map(self._pattern, self.values), key=len, reverse=True)
        self.pattern = re.compile("|".join(alternatives) or "(?!)")
        # Each value's screens and its own pattern: a text is searched for the values whose
        # screens it passes, not for all (an erasure of many people has many values).
        self.checks = [(_screens(value), re.compile(self._pattern(value))) for value in self.values]

    @staticmethod
    def _pattern(value: str) -> str:
        # Any run of spaces and line breaks between words (a PDF breaks lines anywhere).
        body = r"\s+".join(map(re.escape, folded(value).split()))
        if CJK.search(value):
            return body
        # Whole words; a German genitive or an English possessive ("Müllers", "Li Na's")
        # is still the person.
        return rf"(?<!{WORD_CHAR}){body}(?:['’]?s)?(?!{WORD_CHAR})"

    def __bool__(self) -> bool:
        return bool(self.values)

    def found_in(self, data) -> bool:
        """Whether ``data`` (a text, or JSON data: every string in it) mentions a value."""
        return any(self._holds(text) for text in _strings(data))

    def _holds(self, text: str) -> bool:
        # Folding is the costly part: most texts fail a screen and are never folded.
        if not text.isascii() and BEYOND_TABLE.search(text):
            return bool(self.pattern.search(folded(text)))
        patterns = [
            pattern
            for screens, pattern in self.checks
            if all(screen.search(text) for screen in screens)
        ]
        if not patterns:
            return False
        text = folded(text)
        return any(pattern.search(text) for pattern in patterns)

    def replace(self, data, replacement: str):
        """``data`` (a text or JSON data) with every mention replaced by ``replacement``."""
        if isinstance(data, str):
            return self._replace_text(data, replacement)
        if isinstance(data, list):
            return [self.replace(item, replacement) for item in data]
        if isinstance(data, dict):
            return {key: self.replace(item, replacement) for key, item in data.items()}
        return data

    def _replace_text(self, text: str, replacement: str) -> str:
        # Fold character by character, remembering where each folded one came from; an "e"
        # after a, o or u is dropped as fold() drops it from the whole text ("Mueller").
        pieces, origin, previous = [], [], ""
        for index, char in enumerate(text):
            piece = fold(char)
            if piece == "e" and previous in ("a", "o", "u"):
                piece = ""
            previous = piece[-1:] or previous
            pieces.append(piece)
            origin += [index] * len(piece)
        parts, done = [], 0
        for match in self.pattern.finditer("".join(pieces)):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            while end < len(text) and MARKS.match(text[end]):
                end += 1  # the accents (NFD) on the last letter
            parts += [text[done:start], replacement]
            done = end
        result = "".join([*parts, text[done:]])
        # Should folding one character at a time ever differ from folding the text, the
        # whole text goes rather than a trace staying.
        return replacement if self.pattern.search(folded(result)) else result


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, list | dict):
        for item in data.values() if isinstance(data, dict) else data:
            yield from _strings(item)


def change_message_data(message: str):
    """An admin log entry's change message as data: Django stores it as JSON with
    non-ASCII escaped ("M\\u00fcller"), or, in older entries, as plain text."""
    try:
        return json.loads(message) if message.startswith("[") else message
    except ValueError:
        return message


def file_text(path: Path) -> str:
    """The text of a job's file: a CSV in UTF-8, UTF-16 or Windows-1252 (Excel's "CSV"), an
    XLSX workbook (every part of it, properties too), or a PDF (read with pypdf)."""
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        try:
            return _pdf_text(data)
        except PdfReadError:
            pass  # damaged: read as bytes below
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        # Tags become line breaks, so two cells never run together into one word.
        return "\n".join(html.unescape(XML_TAG.sub("\n", part)) for part in parts)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() or "" for page in reader.pages]
    texts += [str(value) for value in (reader.metadata or {}).values()]  # title, author
    return "\n".join(texts)
