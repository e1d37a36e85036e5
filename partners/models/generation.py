"""The generation of each table: which cached figures are still true (partners/freshness.py)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataGeneration(models.Model):
    """One row per table of this app. Its token is replaced after every committed write
    to that table.

    A random token rather than a counter: after a flush (a restore, a transactional test)
    the rows are created anew, and a counter starting again at 1 would meet figures cached
    for older data under the same number.
    """

    table = models.CharField(_("table"), max_length=63, unique=True)
    token = models.UUIDField(_("token"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data generation")
        verbose_name_plural = _("data generations")

    def __str__(self):
        return f"{self.table}: {self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
