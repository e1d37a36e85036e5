"""Publishing as a right of its own: a trade officer asks, a manager publishes."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import user_link


class PublicationRequest(models.Model):
    """A record marked "ready for publication" by someone without the right to publish.

    One table for every publishable model, so the managers' desk lists them in one place;
    the request is deleted when the record is published or withdrawn (partners/publishing.py).
    """

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    requested_by = user_link("+", _("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication request")
        verbose_name_plural = _("publication requests")
        ordering = ["requested_at", "pk"]
        default_permissions = ()
        # partners/roles.py gives it to Managers and Administrators (DESIGN.md).
        permissions = [("publish_records", _("Can publish and withdraw records"))]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="publication_request_once"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} #{self.object_id}"
