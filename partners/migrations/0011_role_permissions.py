"""Give the three groups of 0002_reference_data their permissions (partners/roles.py).

Permissions normally appear only after migrate (post_migrate), so they are created here
first with the historical app registry. The same sync runs after every migrate (see
PartnersConfig.ready), which covers permissions of models and apps migrated later.
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
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Trade officers", "Managers", "Administrators"]):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0010_permissions_and_upload_checks"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(assign, unassign)]
