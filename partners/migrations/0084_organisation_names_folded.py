"""The organisation names kept on memoranda and opportunities (0073) folded for the admin
search as 0082 folds the organisations' own: "Muller" finds a memorandum signed by Müller
GmbH. Filled for the existing rows, with trigram indexes on PostgreSQL as 0073."""

from django.db import migrations

import partners.models.folding

TABLES = ["partners_memorandum", "partners_opportunity"]


def fold_existing(apps, schema_editor):
    from partners.models import folding

    for model_name in ("memorandum", "opportunity"):
        folding.refresh(apps.get_model("partners", model_name))


def index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table.removeprefix('partners_')}_names_folded_trgm "
            f"ON {table} USING gin (UPPER(organisation_names_folded::text) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {table.removeprefix('partners_')}_names_folded_trgm"
        )


def field():
    return partners.models.folding.FoldedField(
        blank=True, default="", editable=False, source="organisation_names"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0083_upload_checks_in_forms"),
    ]

    operations = [
        migrations.AddField(
            model_name="memorandum", name="organisation_names_folded", field=field()
        ),
        migrations.AddField(
            model_name="opportunity", name="organisation_names_folded", field=field()
        ),
        migrations.RunPython(fold_existing, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(index, drop_index),
    ]
