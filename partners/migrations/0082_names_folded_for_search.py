"""Names folded for the admin search (partners/models/folding.py): "Lukosz" finds "Łukosz",
"Muller" and "Mueller" find "Müller". Filled for the existing rows; the search reads the
organisations' and people's with trigram indexes as every column it reads (PostgreSQL
only, as 0060; cities are few and read whole)."""

from django.db import migrations

import partners.models.folding

TRIGRAM = {"organisation": "name_folded", "person": "full_name_folded"}


def fold_existing(apps, schema_editor):
    from partners.models import folding

    for model_name in ("city", "organisation", "person"):
        folding.refresh(apps.get_model("partners", model_name))


def index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON partners_{table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


def field(source):
    return partners.models.folding.FoldedField(
        blank=True, default="", editable=False, source=source
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0081_wins_dated_back_in_the_stage_log"),
    ]

    operations = [
        migrations.AddField(model_name="city", name="name_folded", field=field("name")),
        migrations.AddField(model_name="organisation", name="name_folded", field=field("name")),
        migrations.AddField(model_name="person", name="full_name_folded", field=field("full_name")),
        migrations.RunPython(fold_existing, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(index, drop_index),
    ]
