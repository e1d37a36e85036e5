"""Reference data every installation needs: the roles, the NACE sections and interests.

Migration 0002 writes it, and the post_migrate handler (apps.py) writes it again, so that
it survives a flush (Django's transactional tests empty every table between tests).
Both paths are idempotent.
"""

import json
from pathlib import Path

from .roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

GROUPS = [TRADE_OFFICERS, MANAGERS, ADMINISTRATORS]

# NACE Rev. 2 sections (Regulation (EC) No 1893/2006) and the interests, each a row of code,
# English, German and Chinese name: reference_data.json.
_DATA = json.loads(Path(__file__).with_name("reference_data.json").read_text(encoding="utf-8"))
NACE_SECTIONS, INTERESTS = _DATA["NACE_SECTIONS"], _DATA["INTERESTS"]


def create(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    Sector = apps.get_model("partners", "Sector")
    Interest = apps.get_model("partners", "Interest")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for model, rows in ((Sector, NACE_SECTIONS), (Interest, INTERESTS)):
        translated = any(field.name == "name_zh_hans" for field in model._meta.get_fields())
        for code, english, german, chinese in rows:
            if translated:
                # German is the source language, also in the original column (0064).
                names = {"name": german, "name_de": german, "name_en": english}
                names["name_zh_hans"] = chinese
            else:  # the state of migration 0002: English name, German name_de
                names = {"name": english, "name_de": german}
            row, created = model.objects.get_or_create(code=code, defaults=names)
            changed = [name for name, value in names.items() if getattr(row, name) != value]
            if changed and not created:  # saved only then: each save adds a history row
                for name in changed:
                    setattr(row, name, names[name])
                row.save(update_fields=changed)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()
    for model, rows in (("Sector", NACE_SECTIONS), ("Interest", INTERESTS)):
        codes = [code for code, *_ in rows]
        apps.get_model("partners", model).objects.filter(code__in=codes).delete()
