"""Names as the admin search matches them whatever the keyboard: "Lukosz" finds "Łukosz",
"Muller" and "Mueller" find "Müller", "Sao Paulo" finds "São Paulo".

A ``FoldedField`` keeps its source field folded (``fold``) on every save and bulk_create;
the admin search (``admin/search.py``) folds a term the same way before matching it there,
besides matching the name as written. Writes that skip the field (the import's SQL, a
fixture's raw save, a queryset ``update()``) keep it through ``refresh``.
"""

import re
import unicodedata

from django.apps import apps
from django.db import models
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname

# Letters that Unicode does not write as a base letter and an accent (casefold() already
# makes "ß" "ss").
LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "ħ": "h"})
LIGATURES = str.maketrans({"æ": "ae", "œ": "oe", "þ": "th"})
# Umlauts spelt out as Germans type them without the keys ("Mueller"): read as the plain
# vowel, as "Müller" is once its dots are gone, so that all three spellings meet. "Michael"
# reads "michal" too, on both sides of the match: a search finds a little more, never less.
SPELT_OUT = re.compile(r"(?<=[aou])e")


def fold(text: str) -> str:
    """``text`` without case, accents and umlauts: "Łukosz" "lukosz", "São" "sao",
    "Müller" and "Mueller" "muller"."""
    return SPELT_OUT.sub("", fold_letters(text))


def fold_letters(text: str) -> str:
    """fold() but for spelt-out umlauts: each character on its own, so a table of
    characters can stand for it (gdpr_traces)."""
    text = unicodedata.normalize("NFKD", text.casefold()).translate(LETTERS)
    return "".join(char for char in text if not unicodedata.combining(char)).translate(LIGATURES)


class FoldedField(models.TextField):
    """``source`` folded, in its German text for a translated field (the source language,
    as the import's match key ``Organisation.name_key``)."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def read_from(self, model) -> str:
        """The field whose text is folded: the German one of a translated ``source``."""
        german = build_localized_fieldname(self.source, DEFAULT_LANGUAGE)
        return german if any(f.name == german for f in model._meta.fields) else self.source

    def pre_save(self, model_instance, add):
        text = getattr(model_instance, self.read_from(type(model_instance))) or ""
        # A record created in an English admin: its name is in the active language only.
        value = fold(text or getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def folded_fields(model) -> list[FoldedField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, FoldedField)]


# Rows read and written at a time: a migration over every person holds one batch in
# memory, not the table (300,000 people: +520 MB read whole, +33 MB in batches).
BATCH = 2000


def refresh(model=None, *, write: bool = True) -> int:
    """Fold again where a write skipped it: every row of ``model`` (None: of every model
    with a ``FoldedField``; a migration's model too); returns how many were out of date
    (and, with ``write``, are written)."""
    written = 0
    for each in [model] if model else apps.get_app_config("partners").get_models():
        for field in folded_fields(each):
            # As pre_save reads it: the German text, else the active language's.
            texts = list(dict.fromkeys([field.read_from(each), field.source]))
            rows = each._default_manager.order_by("pk").values_list("pk", field.attname, *texts)
            last = None
            # By ranges of ids, not one cursor: the batches written are not the rows read.
            while batch := list((rows if last is None else rows.filter(pk__gt=last))[:BATCH]):
                changed = [
                    each(pk=pk, **{field.attname: folded})
                    for pk, kept, *text in batch
                    if (folded := fold(next(filter(None, text), ""))) != kept
                ]
                if write:
                    each._default_manager.bulk_update(changed, [field.name], batch_size=500)
                written += len(changed)
                last = batch[-1][0]
    return written
