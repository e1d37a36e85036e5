"""The cache's per-table tokens go: django-cachalot keeps its own invalidation times in the
cache itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0063_data_generation_per_table"),
    ]

    operations = [
        migrations.DeleteModel(name="DataGeneration"),
    ]
