"""Reference data every installation needs: the roles, the NACE sections and interests.

The data is declared in partners/reference_data.py; the groups' permissions are assigned
in a later migration (they exist only once post_migrate has created them).
"""

from django.db import migrations

from partners.reference_data import create, remove


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
