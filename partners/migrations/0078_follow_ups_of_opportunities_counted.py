from django.db import migrations


def refresh(apps, schema_editor):
    """Place the follow-ups logged on an opportunity, now counted for its partner city. Uses
    the app's code (the rules live there only), so only where there are such follow-ups."""
    if apps.get_model("partners", "FollowUp").objects.filter(opportunity__isnull=False).exists():
        from django.db.models import Q

        from partners.reports.places import refresh

        refresh("follow_ups", Q(opportunity__isnull=False))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0077_organisation_name_key_umlauts"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
