"""Follow-ups: what came out of a visit or a memorandum and must be done."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import (
    CRM_PERMISSIONS,
    CountedInReport,
    PublishableQuerySet,
    Shown,
    TripOutcome,
    dated_in_the_future,
    optional_link,
    user_link,
)
from .places import City


class FollowUpQuerySet(PublishableQuerySet):
    def open(self):
        return self.filter(status__in=FollowUp.OPEN_STATUSES)


class FollowUp(CountedInReport, TripOutcome):
    class Kind(models.TextChoices):
        IDEA = "idea", _("idea")
        COMMITMENT = "commitment", _("commitment")
        TASK = "task", _("task")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    OPEN_STATUSES = [Status.OPEN, Status.IN_PROGRESS]

    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TASK)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    owner = user_link("follow_ups", _("owner"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    partner_city = optional_link(
        City, models.SET_NULL, _("partner city"), related_name="follow_ups"
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    opportunity = optional_link(
        "partners.Opportunity", models.SET_NULL, _("opportunity"), related_name="follow_ups"
    )

    objects = FollowUpQuerySet.as_manager()
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        default_related_name = "follow_ups"  # the way back of TripOutcome's links
        default_permissions = CRM_PERMISSIONS
        permissions = [
            ("delete_own_followup", _("Can delete follow-ups they logged")),
            ("change_followup_status", _("Can change the status of follow-ups")),
        ]
        ordering = [F("due_on").asc(nulls_last=True), Shown("title").asc()]
        indexes = [
            # "My follow-ups": one owner's open ones by due date (back office).
            models.Index(fields=["owner", "status", "due_on"], name="followup_owner_status_idx"),
            # `remind` and reports: open follow-ups past their due date.
            models.Index(fields=["status", "due_on"], name="followup_status_due_idx"),
            # Admin changelist in the default ordering (ASC is NULLS LAST in PostgreSQL).
            models.Index(fields=["due_on", "title"], name="followup_due_title_idx"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if errors := dated_in_the_future(self, "completed_on"):
            raise ValidationError(errors)

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in self.OPEN_STATUSES
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )
