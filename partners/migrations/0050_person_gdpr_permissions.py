"""GDPR requests on people: two permissions (Administrators get them through partners/roles.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0020_import_runs"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "default_permissions": ("add", "change", "delete", "view", "export"),
                "ordering": ["full_name"],
                "permissions": [
                    ("gdpr_export_person", "Can export everything stored about a person"),
                    ("erase_person", "Can erase (anonymise) a person"),
                ],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
    ]
