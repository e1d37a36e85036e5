from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, using, **kwargs):
    # Also after a flush (transactional tests): the reference data and roles come back.
    # Runs once per migrate (sender is this app). Permissions of apps later in
    # INSTALLED_APPS are created by their own post_migrate turn, which has not come yet,
    # so create them all first; both steps are idempotent.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .reference_data import create as create_reference_data
    from .roles import sync_roles

    create_reference_data(apps)
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(apps, using=using)


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner cities")

    def ready(self):
        post_migrate.connect(
            _sync_roles_after_migrate, sender=self, dispatch_uid="partners-sync-roles"
        )
        from . import checks  # noqa: F401 (registers the checks)
        from .models import organisation_names
        from .reports import places

        places.connect()
        organisation_names.connect()

    def db_tables(self) -> list[str]:
        """Every table of this app, many-to-many tables included."""
        return sorted(model._meta.db_table for model in self.get_models(include_auto_created=True))
