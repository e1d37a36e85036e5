"""Third-party apps under names of this product's language (Django's documented way:
an AppConfig subclass listed in INSTALLED_APPS); their labels and tables stay."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class LoginProtectionConfig(AxesAppConfig):
    verbose_name = _("Login protection")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
