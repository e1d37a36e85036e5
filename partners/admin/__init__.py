"""The back office: one module per area, mirroring partners/models/."""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401 (each module registers its admin classes)
    background_tasks,
    delegations,
    followups,
    import_runs,
    jobs,
    media,
    memoranda,
    opportunities,
    organisations,
    places,
    profiles,
    trips,
    users,
)

# The product and the office that runs it, not "Django administration" (settings.CRM_OFFICE_NAME).
admin.site.site_header = admin.site.site_title = format_lazy(
    "{product} · {office}", product=_("Partner-city CRM"), office=settings.CRM_OFFICE_NAME
)
admin.site.index_title = _("Back office")
