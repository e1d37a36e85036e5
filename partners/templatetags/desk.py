"""The admin index: the user's desk, and background tasks no worker has picked up."""

from django import template
from django_tasks_db.models import DBTaskResult

from ..desk import desk_for, headline

register = template.Library()
SHOWN = 5


@register.inclusion_tag("partners/admin/desk.html", takes_context=True)
def my_desk(context):
    user = context["request"].user
    return {
        "desk": desk_for(user),
        "headline": headline() if user.has_perm("partners.view_reports") else None,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.filter
def admin_opts(record):
    """A record's model options, for the admin URL names (templates cannot read _meta)."""
    return record._meta


@register.inclusion_tag("admin/partners/waiting_tasks.html", takes_context=True)
def waiting_tasks(context):
    """Queued tasks, oldest first, with how long each has waited: a queue that only
    grows means no worker is running (or it cannot reach the database)."""
    user = context["request"].user
    if not user.has_perm("django_tasks_database.view_dbtaskresult"):
        return {"waiting": []}
    queued = DBTaskResult.objects.ready().order_by("enqueued_at")
    waiting = list(queued.only("id", "task_path", "enqueued_at")[:SHOWN])
    return {"waiting": waiting, "count": queued.count() if waiting else 0}
