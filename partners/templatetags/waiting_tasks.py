"""The admin index's notice of background tasks that no worker has picked up."""

from django import template
from django_tasks_db.models import DBTaskResult

register = template.Library()
SHOWN = 5


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
