from django.db import migrations
from django.db.models import Count


def refresh(apps, schema_editor):
    """Place again the meetings of several organisations, and the follow-ups of such
    meetings: the first organisation is now the first by name, not the first added. Uses
    the app's code (the rules live there only), so only where there are such meetings."""
    meetings = apps.get_model("partners", "Meeting").objects
    several = meetings.alias(n=Count("organisations")).filter(n__gt=1).values("pk")
    if several.exists():
        from django.db.models import Q

        from partners.models import Meeting
        from partners.reports.places import refresh

        several = Meeting.objects.alias(n=Count("organisations")).filter(n__gt=1).values("pk")
        refresh("meetings", Q(pk__in=several))
        refresh("follow_ups", Q(meeting__in=several))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0086_job_kind_erasure"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
