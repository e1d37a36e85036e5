"""System checks of a production installation (`manage.py check --deploy`)."""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Error, Tags, register


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs):
    # With DEBUG off every page looks up its static files in the manifest that
    # collectstatic writes; without it each page is a 500.
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if settings.DEBUG or manifest is None or staticfiles_storage.exists(manifest):
        return []
    return [
        Error(
            f"The static files manifest {manifest} is missing from STATIC_ROOT "
            f"({settings.STATIC_ROOT}): every page would fail.",
            hint="Run `manage.py collectstatic --no-input` with the production settings.",
            id="partners.E001",
        )
    ]
