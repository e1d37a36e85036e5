"""The record of every spreadsheet import, detailed enough to revert it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import user_link


class ImportRun(models.Model):
    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("all or nothing")
        SKIP_INVALID = "skip_invalid", _("skip invalid rows")

    class Status(models.TextChoices):
        IMPORTED = "imported", _("imported")
        REJECTED = "rejected", _("rejected (nothing written)")
        REVERTED = "reverted", _("reverted")

    user = user_link("+", _("imported by"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 17, "column": "Mitarbeiter", "message": "…"}, …]
    errors = models.JSONField(_("error list"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by = user_link("+", _("reverted by"))

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]
        permissions = [("revert_importrun", _("Can revert an import"))]

    def __str__(self):
        # Local time (TIME_ZONE), as everywhere a time is shown.
        return f"{self.file_name} ({timezone.localtime(self.started_at):%Y-%m-%d %H:%M})"


class ImportRunItem(models.Model):
    """One imported row: what it created or updated, and the state before (for revert).

    Plain ids rather than foreign keys: a record deleted later must not erase the log.
    """

    run = models.ForeignKey(ImportRun, models.CASCADE, related_name="items")
    row = models.PositiveIntegerField(_("row"))
    created = models.BooleanField(_("created"))
    organisation_id = models.PositiveBigIntegerField()
    profile_id = models.PositiveBigIntegerField()
    contact_id = models.PositiveBigIntegerField(null=True)
    contact_created = models.BooleanField(default=False)
    # The versions the import left behind; a different version later means someone edited.
    versions = models.JSONField(default=dict)
    # The field values before the import (updated rows only).
    before = models.JSONField(null=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["run", "row"]

    def __str__(self):
        return f"{self.run_id}:{self.row}"
