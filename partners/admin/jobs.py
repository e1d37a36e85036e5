"""Background jobs in the back office: read-only, each linked to its own page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Job
from .base import ReadOnlyMixin
from .ids import CheckedParametersMixin


@admin.register(Job)
class JobAdmin(ReadOnlyMixin, CheckedParametersMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "stage",
        "state",
        "file_name",
        "created_by",
        "progress",
        "total",
        "expires_at",
        "page",
    ]
    list_filter = ["kind", "state"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        *(f.name for f in Job._meta.fields if f.name not in ("file", "task_id")),
        "page",
    ]
    show_full_result_count = False

    @admin.display(description=_("page"))
    def page(self, job):
        return format_html('<a href="{}">{}</a>', reverse("jobs:detail", args=[job.pk]), _("open"))
