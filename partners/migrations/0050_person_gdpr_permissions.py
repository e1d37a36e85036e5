"""GDPR requests on people: two permissions, granted to the Administrators group."""

from django.db import migrations

PERMISSIONS = [
    ("export_person", "Can export everything stored about a person"),
    ("erase_person", "Can erase (anonymise) a person"),
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create these
    # two now so that the group can hold them from the start.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    person_type, _ = ContentType.objects.get_or_create(app_label="partners", model="person")
    administrators, _ = Group.objects.get_or_create(name="Administrators")
    for codename, name in PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=person_type, codename=codename, defaults={"name": name}
        )
        administrators.permissions.add(permission)


def revoke(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="partners", codename__in=[c for c, _ in PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_reference_data"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["full_name"],
                "permissions": [
                    ("export_person", "Can export everything stored about a person"),
                    ("erase_person", "Can erase (anonymise) a person"),
                ],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
