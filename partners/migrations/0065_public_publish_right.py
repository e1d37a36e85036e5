"""Give Managers and Administrators the right to publish (partners.publish_records).

As in 0011: the permission is created first with the historical registry, then the
groups get exactly the rights of partners/roles.py.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from partners.roles import sync_roles


def assign(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    sync_roles(apps, using=using)


def unassign(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(codename="publish_records").delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0064_public_publication_requests")]

    operations = [migrations.RunPython(assign, unassign)]
