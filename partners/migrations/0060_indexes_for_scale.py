"""Indexes found missing by bench/bench_scale.py at scale 100 (about a million records).

Admin search is `icontains`, which PostgreSQL runs as UPPER(col::text) LIKE UPPER('%term%'):
no B-tree helps, so every search read the whole table. Trigram GIN indexes (pg_trgm) on
exactly that expression let it find the matching rows instead. They are PostgreSQL-only
(SQLite has no GIN and no pg_trgm; its search stays a scan) and are created with RunPython
checking the vendor. pg_trgm is a trusted extension since PostgreSQL 13, so the owner of
the database may create it without superuser rights.
"""

from django.db import migrations, models

# (index name, table, column, the search it serves)
TRIGRAM_INDEXES = [
    ("organisation_name_trgm", "partners_organisation", "name",
     "admin organisation search; organisation__name in person, profile, handover searches"),
    ("organisation_short_name_trgm", "partners_organisation", "short_name",
     "admin organisation search (short_name)"),
    ("organisation_register_trgm", "partners_organisation", "register_number",
     "admin organisation search (register_number)"),
    ("person_full_name_trgm", "partners_person", "full_name",
     "admin person search; members__person__full_name in delegation search"),
    ("person_local_name_trgm", "partners_person", "local_name",
     "admin person search (local_name)"),
    ("person_email_trgm", "partners_person", "email", "admin person search (email)"),
    ("meeting_title_trgm", "partners_meeting", "title", "admin meeting search (title)"),
    ("followup_title_trgm", "partners_followup", "title", "admin follow-up search (title)"),
    ("followup_description_trgm", "partners_followup", "description",
     "admin follow-up search (description)"),
    ("profile_products_trgm", "partners_companyprofile", "products",
     "admin company profile search (products)"),
    ("delegation_title_trgm", "partners_delegation", "title", "admin delegation search (title)"),
]  # fmt: skip


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column, _ in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, *_ in TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0051_indexes_for_lists_and_reminders"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="profilehandover",
            index=models.Index(fields=["-handed_over_on", "id"], name="handover_date_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
