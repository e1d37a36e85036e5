"""The names of the organisations a memorandum or an opportunity involves, kept on it for
the admin search (``partners/models/organisation_names.py``), with trigram indexes on
PostgreSQL as 0060 and 0071."""

from django.db import migrations, models

TABLES = ["partners_memorandum", "partners_opportunity"]


def fill(apps, schema_editor):
    from partners.models.organisation_names import refresh

    for name in ["Memorandum", "Opportunity"]:
        refresh(apps.get_model("partners", name))


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table.removeprefix('partners_')}_names_trgm "
                f"ON {table} USING gin (UPPER(organisation_names::text) gin_trgm_ops)"
            )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"DROP INDEX IF EXISTS {table.removeprefix('partners_')}_names_trgm"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0072_counted_in_report"),
    ]

    operations = [
        migrations.AddField(
            model_name="memorandum",
            name="organisation_names",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="organisation names"
            ),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="organisation_names",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="organisation names"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
