from django.db import migrations


def refresh(apps, schema_editor):
    """Place and date the handovers logged at a meeting of a trip without naming the trip,
    now counted as of the meeting's trip. Uses the app's code (the rules live there only),
    so only where there are such handovers."""
    handovers = apps.get_model("partners", "ProfileHandover").objects
    if handovers.filter(delegation__isnull=True, meeting__delegation__isnull=False).exists():
        from django.db.models import Q

        from partners.reports.places import refresh

        refresh("handovers", Q(delegation__isnull=True, meeting__delegation__isnull=False))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0078_follow_ups_of_opportunities_counted"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
