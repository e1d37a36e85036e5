"""Follow-ups of kind "idea" become opportunities; the follow-ups stay, linked to them.

Nothing is invented: the opportunity takes the follow-up's title, description (as notes),
owner, links and dates. Its partner city is the follow-up's own, else the one partner city
its meeting, delegation or memorandum points to; when those name two (the 2019 trip went
to Nanjing and Jining) it is left empty for a person to decide. The stage follows the
follow-up's status: open or in progress → idea; dropped → lost (the reason says so);
done → on hold, because "done" said the follow-up's work was finished, not how the idea
ended. The seed (fixtures/seed.json, loaded after migrate) carries the same conversion of
its one idea; tests/test_opportunity_migration.py checks both.
"""

from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify

DROPPED_REASON = "Als Folgeaufgabe verworfen (aus der Folgeaufgabe übernommen)."
DONE_NOTE = "Die Folgeaufgabe war als erledigt markiert; wie die Idee ausging, ist nicht erfasst."


def partner_city_id(follow_up, home_city_ids) -> int | None:
    """The follow-up's partner city, else the only one its sources point to."""
    if follow_up.partner_city_id:
        return follow_up.partner_city_id
    candidates = set()
    if follow_up.meeting_id and follow_up.meeting.city_id:
        candidates.add(follow_up.meeting.city_id)
    if follow_up.delegation_id:
        candidates |= {stop.city_id for stop in follow_up.delegation.stops.all()}
        if follow_up.delegation.origin_city_id:
            candidates.add(follow_up.delegation.origin_city_id)
    if follow_up.memorandum_id and follow_up.memorandum.partnership_id:
        candidates.add(follow_up.memorandum.partnership.partner_city_id)
    candidates -= set(home_city_ids)
    return candidates.pop() if len(candidates) == 1 else None


def stage_entries(follow_up) -> list[tuple[str, object]]:
    """(stage, day entered) in order: the idea on the day it was logged, then the outcome."""
    logged = timezone.localdate(follow_up.created_at)
    closed = follow_up.completed_on or timezone.localdate(follow_up.updated_at)
    if follow_up.status == "dropped":
        return [("idea", logged), ("lost", max(closed, logged))]
    if follow_up.status == "done":
        return [("idea", logged), ("on_hold", max(closed, logged))]
    return [("idea", logged)]


def opportunity_values(follow_up, city_id) -> dict:
    entries = stage_entries(follow_up)
    stage = entries[-1][0]
    notes = follow_up.description
    if follow_up.status == "done":
        notes = f"{notes}\n\n{DONE_NOTE}".strip()
    return {
        "title": follow_up.title,
        "kind": "cooperation",
        "stage": stage,
        "partner_city_id": city_id,
        "delegation_id": follow_up.delegation_id,
        "meeting_id": follow_up.meeting_id,
        "memorandum_id": follow_up.memorandum_id,
        "owner_id": follow_up.owner_id,
        "logged_by_id": follow_up.logged_by_id,
        "next_step_on": follow_up.due_on if stage == "idea" else None,
        "lost_reason": DROPPED_REASON if stage == "lost" else "",
        "notes": notes,
        # Public ⇒ won: an idea is never a success story yet.
        "visibility": "internal",
    }


def _unique_slug(model, title, used) -> str:
    base = slugify(title)[:80].strip("-") or "opportunity"
    slug, n = base, 2
    while slug in used or model.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug, n = f"{base[: 80 - len(suffix)]}{suffix}", n + 1
    used.add(slug)
    return slug


def ideas_to_opportunities(apps, schema_editor):
    FollowUp = apps.get_model("partners", "FollowUp")
    Opportunity = apps.get_model("partners", "Opportunity")
    StageChange = apps.get_model("partners", "OpportunityStageChange")
    City = apps.get_model("partners", "City")
    home_city_ids = list(City.objects.filter(is_home=True).values_list("pk", flat=True))
    ideas = (
        FollowUp.objects.filter(kind="idea", opportunity__isnull=True)
        .select_related("meeting", "delegation", "memorandum__partnership")
        .prefetch_related("delegation__stops")
        .order_by("pk")
    )
    used = set()
    for follow_up in ideas.iterator(chunk_size=500):
        values = opportunity_values(follow_up, partner_city_id(follow_up, home_city_ids))
        opportunity = Opportunity.objects.create(
            slug=_unique_slug(Opportunity, follow_up.title, used), **values
        )
        # The opportunity is as old as the idea (auto_now_add set it to now).
        Opportunity.objects.filter(pk=opportunity.pk).update(
            created_at=follow_up.created_at, updated_at=follow_up.updated_at
        )
        StageChange.objects.bulk_create(
            StageChange(opportunity=opportunity, stage=stage, entered_on=day)
            for stage, day in stage_entries(follow_up)
        )
        FollowUp.objects.filter(pk=follow_up.pk).update(opportunity=opportunity)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0064_opportunities_model"),
    ]

    operations = [
        # Reversing leaves the opportunities; unapplying 0064 then drops them all.
        migrations.RunPython(ideas_to_opportunities, migrations.RunPython.noop),
    ]
