"""The import's match key of every organisation (``Organisation.name_key``) spells umlauts
out, as ``normalise_company_name`` now does: "Mueller GmbH" in a sheet is "Müller GmbH"."""

from django.db import migrations


def refresh_name_keys(apps, schema_editor):
    from partners.models.organisations import normalise_company_name

    Organisation = apps.get_model("partners", "Organisation")
    changed = [
        Organisation(pk=pk, name_key=key)
        for pk, german, kept in Organisation.objects.values_list("pk", "name_de", "name_key")
        if (key := normalise_company_name(german or "")) != kept
    ]
    Organisation.objects.bulk_update(changed, ["name_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0076_translated_city_region"),
    ]

    operations = [
        migrations.RunPython(refresh_name_keys, migrations.RunPython.noop, elidable=True),
    ]
