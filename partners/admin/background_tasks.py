"""django-tasks-db's admin, with its two column titles translated (they are plain strings
there, so the German back office showed "run after" and "traceback")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .ids import CheckedParametersMixin


class TaskResultAdmin(CheckedParametersMixin, DBTaskResultAdmin):
    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)


# Importing django_tasks_db.admin above registered its own class; replace it.
admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
