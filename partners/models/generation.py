"""The generation of the data: which cached figures are still true (partners/freshness.py)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataGeneration(models.Model):
    """One row. Its token is replaced after every committed write to this app's tables.

    A random token rather than a counter: after a flush (a restore, a transactional test)
    the row is created anew, and a counter starting again at 1 would meet figures cached
    for older data under the same number.
    """

    token = models.UUIDField(_("token"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data generation")
        verbose_name_plural = _("data generations")

    def __str__(self):
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
