from django.db import migrations
from django.db.models import Count, Q


def refresh(apps, schema_editor):
    """Place again the meetings of several organisations, and the follow-ups of such
    meetings: their first organisation is now the one entered first, not the first added
    to the meeting. Uses the app's code (the rules live there only), so only where there
    are such meetings."""
    meetings = apps.get_model("partners", "Meeting").objects
    several = meetings.alias(n=Count("organisations")).filter(n__gt=1).values("pk")
    if several.exists():
        from partners.reports.places import refresh

        refresh("meetings", Q(pk__in=several))
        refresh("follow_ups", Q(meeting__in=several))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0086_job_kind_erasure"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
