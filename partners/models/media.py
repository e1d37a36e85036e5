"""Photos of delegations, signings and meetings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..uploads import photo_path
from ..validators import PhotoImageField
from .base import (
    CRM_PERMISSIONS,
    LoggedModel,
    PublishableQuerySet,
    Visibility,
    dated_in_the_future,
    optional_link,
)
from .delegations import Delegation, Meeting
from .memoranda import Memorandum


class PhotoQuerySet(PublishableQuerySet):
    def published(self):
        """Published photos whose delegation, memorandum and meeting are published too.

        A photo is reached by its id (/files/photos/<id>/), so a published photo of an
        internal record would show what the record keeps internal. A meeting is public
        only as part of its trip's report: one of an internal trip counts as internal.
        """
        public = Visibility.PUBLIC
        meeting_trip_public = Q(meeting__delegation__isnull=True) | Q(
            meeting__delegation__visibility=public
        )
        return (
            super()
            .published()
            .filter(Q(delegation__isnull=True) | Q(delegation__visibility=public))
            .filter(Q(memorandum__isnull=True) | Q(memorandum__visibility=public))
            .filter(Q(meeting__isnull=True) | Q(meeting__visibility=public) & meeting_trip_public)
        )


class Photo(LoggedModel):
    image = PhotoImageField(_("image"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=250)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    delegation = optional_link(Delegation, models.CASCADE, _("delegation"), related_name="photos")
    memorandum = optional_link(Memorandum, models.CASCADE, _("memorandum"), related_name="photos")
    meeting = optional_link(Meeting, models.CASCADE, _("meeting"), related_name="photos")

    objects = PhotoQuerySet.as_manager()
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        default_permissions = CRM_PERMISSIONS
        permissions = [("delete_own_photo", _("Can delete photos they uploaded"))]
        ordering = ["taken_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delegation__isnull=False)
                | Q(memorandum__isnull=False)
                | Q(meeting__isnull=False),
                name="photo_belongs_somewhere",
                violation_error_message=_(
                    "A photo belongs to a delegation, a memorandum or a meeting."
                ),
            ),
        ]

    def __str__(self):
        return self.caption

    def get_file_url(self):
        return reverse("files:photo", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if errors := dated_in_the_future(self, "taken_on"):
            raise ValidationError(errors)
        # That it belongs somewhere is the constraint's to say (once, not twice).
