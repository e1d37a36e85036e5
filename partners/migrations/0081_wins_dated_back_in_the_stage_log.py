from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def date_logged_wins(apps, schema_editor):
    """A win dated back on the form after the board's move (which logs a win today) kept
    the move's day in the stage log, and the report's days to win went negative: each won
    opportunity's last logged win now reads its day won, as Opportunity.save() keeps it."""
    Change = apps.get_model("partners", "OpportunityStageChange")
    last_wins = Change.objects.filter(stage="won", opportunity=OuterRef("opportunity"))
    moved = Change.objects.filter(
        stage="won",
        opportunity__stage="won",
        opportunity__won_on__isnull=False,
        pk=Subquery(last_wins.order_by("-pk").values("pk")[:1]),
    ).exclude(entered_on=F("opportunity__won_on"))
    for change in moved.select_related("opportunity"):
        change.entered_on = change.opportunity.won_on
        change.save(update_fields=["entered_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0080_tripregistration_stops"),
    ]

    operations = [migrations.RunPython(date_logged_wins, migrations.RunPython.noop)]
