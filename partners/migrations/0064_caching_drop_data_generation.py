"""The cache's per-table tokens go: django-cachalot keeps its own invalidation times in the
cache itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0064_imports_jobs_and_name_key"),
    ]

    operations = [
        migrations.DeleteModel(name="DataGeneration"),
    ]
