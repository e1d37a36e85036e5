"""A generation per table (partners/freshness.py): figures are kept while the tables they
read are unchanged, instead of until any write to any table of this app."""

from django.db import migrations, models


def one_row_per_table(apps, schema_editor):
    # The single row of 0061 goes; the post_migrate handler (apps.py) creates a row for
    # every table of this app after this migration, as after every flush.
    apps.get_model("partners", "DataGeneration").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0062_index_for_the_feed"),
    ]

    operations = [
        migrations.RunPython(one_row_per_table, migrations.RunPython.noop),
        migrations.AddField(
            model_name="datageneration",
            name="table",
            field=models.CharField(default="", max_length=63, unique=True, verbose_name="table"),
            preserve_default=False,
        ),
    ]
