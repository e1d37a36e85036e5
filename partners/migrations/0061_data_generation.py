import uuid

from django.db import migrations, models


def create_generation(apps, schema_editor):
    # Also created after every flush by the post_migrate handler (apps.py).
    apps.get_model("partners", "DataGeneration").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0060_indexes_for_scale"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.UUIDField(default=uuid.uuid4, verbose_name="token")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="changed at")),
            ],
            options={
                "verbose_name": "data generation",
                "verbose_name_plural": "data generations",
            },
        ),
        migrations.RunPython(create_generation, migrations.RunPython.noop),
    ]
