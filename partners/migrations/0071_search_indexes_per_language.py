"""Trigram indexes on the English and Chinese columns the admin search reads.

The admin search matches a translated field in every language (``admin/search.py``), as
``name_de ILIKE … OR name_en ILIKE … OR name_zh_hans ILIKE …``. With indexes on the
German columns only (0060, 0064), PostgreSQL read every row for that OR: a rare word in a
memorandum party's name took 5× longer at 150,000 organisations than at 15,000. With one
index per language column it combines the three (a BitmapOr). Memoranda and opportunities
get theirs in all three languages. PostgreSQL only, as 0060.
"""

from django.db import migrations

TRIGRAM_INDEXES = [
    (table, column)
    for table, field, languages in [
        ("partners_organisation", "name", ["en", "zh_hans"]),
        ("partners_meeting", "title", ["en", "zh_hans"]),
        ("partners_companyprofile", "products", ["en", "zh_hans"]),
        ("partners_delegation", "title", ["en", "zh_hans"]),
        ("partners_memorandum", "title", ["de", "en", "zh_hans"]),
        ("partners_opportunity", "title", ["de", "en", "zh_hans"]),
    ]
    for column in (f"{field}_{language}" for language in languages)
]


def _name(table: str, column: str) -> str:
    return f"{table.removeprefix('partners_')}_{column}_trgm"


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_name(table, column)} ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column in TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {_name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0070_organisation_register_key_index"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
