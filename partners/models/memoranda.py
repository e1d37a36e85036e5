"""Memoranda of understanding, letters of intent and agreements, with their parties."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import SET_NULL, F, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..uploads import memorandum_document_path
from ..validators import PdfFileField
from .base import (
    CRM_PERMISSIONS,
    CountedInReport,
    PublishableModel,
    PublishableQuerySet,
    Shown,
    SluggedMixin,
    TimeStampedModel,
    copy_translations,
    optional_link,
)
from .delegations import Delegation
from .organisation_names import KeepsOrganisationNames
from .organisations import Organisation, Person
from .places import City, Partnership

SIGNED_NEEDS_DATE = _(
    "A signed memorandum needs the signing date or the delegation it was signed during."
)
VALID_AFTER_SIGNED = _("“Valid until” cannot be before the signing date.")
TERMINATED_ON_ONLY_IF_TERMINATED = _("Only a terminated memorandum has a termination date.")
TERMINATED_AFTER_SIGNED = _("The termination date cannot be before the signing date.")


def keep_signing_date(collector, field, sub_objs, using):
    """SET_NULL, but a signed memorandum dated by its delegation alone keeps it (PROTECT):
    without it, it would break memorandum_signed_has_date_or_delegation. The admin's delete
    page names it; entering its signing date frees the delegation."""
    dated_by_it = [
        memorandum
        for memorandum in sub_objs
        if memorandum.status == Memorandum.Status.SIGNED and memorandum.signed_on is None
    ]
    if dated_by_it:
        raise ProtectedError(str(SIGNED_NEEDS_DATE), dated_by_it)
    SET_NULL(collector, field, sub_objs, using)


class MemorandumQuerySet(PublishableQuerySet):
    def concerning(self, city, partnerships):
        """Memoranda signed in ``city`` or under one of ``partnerships``, each once.

        ``id IN (… UNION ALL …)``: the OR of both made PostgreSQL read every memorandum.
        """
        signed_in = Memorandum.objects.filter(signed_in=city).order_by().values("pk")
        under = Memorandum.objects.filter(partnership__in=partnerships).order_by().values("pk")
        return self.filter(pk__in=signed_in.union(under, all=True))

    def in_force(self, on: datetime.date | None = None):
        """Signed by the given day (default: today), not past ``valid_until`` then and not
        terminated by then (terminated without a date: not in force)."""
        on = on or timezone.localdate()
        Status = Memorandum.Status
        return (
            self.filter(Q(status=Status.SIGNED) | Q(status=Status.TERMINATED, terminated_on__gt=on))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            .filter(Q(signed_on__isnull=True) | Q(signed_on__lte=on))
        )


class Memorandum(CountedInReport, KeepsOrganisationNames, SluggedMixin, PublishableModel):
    class Kind(models.TextChoices):
        MOU = "mou", _("memorandum of understanding")
        LETTER_OF_INTENT = "letter_of_intent", _("letter of intent")
        AGREEMENT = "agreement", _("agreement")
        TWINNING_CHARTER = "twinning_charter", _("twinning charter")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        NEGOTIATION = "negotiation", _("in negotiation")
        SIGNED = "signed", _("signed")
        EXPIRED = "expired", _("expired")
        TERMINATED = "terminated", _("terminated")

    slug_source = "title"
    url_name = "partners:memorandum"

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MOU)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    partnership = optional_link(
        Partnership, models.SET_NULL, _("partnership"), related_name="memoranda"
    )
    delegation = optional_link(
        Delegation, keep_signing_date, _("signed during"), related_name="memoranda"
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_in = optional_link(
        City, models.PROTECT, _("signed in"), related_name="memoranda_signed_here"
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Older terminated memoranda may have none: they count as never in force (the report
    # cannot tell until when they were).
    terminated_on = models.DateField(
        _("terminated on"),
        null=True,
        blank=True,
        help_text=_("The day the termination took effect: in force until the day before."),
    )
    review_on = models.DateField(_("review on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    document = PdfFileField(_("document (PDF)"), upload_to=memorandum_document_path, blank=True)

    objects = MemorandumQuerySet.as_manager()
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("memorandum")
        verbose_name_plural = _("memoranda")
        default_permissions = CRM_PERMISSIONS
        ordering = [F("signed_on").desc(nulls_last=True), Shown("title").asc()]
        indexes = [
            # in_force() and `remind`: signed memoranda by the end of their validity.
            models.Index(fields=["status", "valid_until"], name="memorandum_status_valid_idx"),
            # `remind`: memoranda due for review.
            models.Index(
                fields=["review_on"],
                condition=Q(review_on__isnull=False),
                name="memorandum_review_on_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed")
                | Q(signed_on__isnull=False)
                | Q(delegation__isnull=False),
                name="memorandum_signed_has_date_or_delegation",
                violation_error_message=SIGNED_NEEDS_DATE,
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(valid_until__gte=F("signed_on")),
                name="memorandum_valid_after_signed",
                violation_error_message=VALID_AFTER_SIGNED,
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(status="terminated"),
                name="memorandum_terminated_on_only_if_terminated",
                violation_error_message=TERMINATED_ON_ONLY_IF_TERMINATED,
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(terminated_on__gte=F("signed_on")),
                name="memorandum_terminated_after_signed",
                violation_error_message=TERMINATED_AFTER_SIGNED,
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.status == self.Status.SIGNED and not (self.signed_on or self.delegation_id):
            errors["signed_on"] = SIGNED_NEEDS_DATE
        if self.valid_until and self.signed_on and self.valid_until < self.signed_on:
            errors["valid_until"] = VALID_AFTER_SIGNED
        if self.terminated_on and self.status != self.Status.TERMINATED:
            errors["terminated_on"] = TERMINATED_ON_ONLY_IF_TERMINATED
        elif self.terminated_on and self.signed_on and self.terminated_on < self.signed_on:
            errors["terminated_on"] = TERMINATED_AFTER_SIGNED
        if errors:
            raise ValidationError(errors)

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        """As ``MemorandumQuerySet.in_force``, for one memorandum."""
        on = on or timezone.localdate()
        terminated_later = self.status == self.Status.TERMINATED and bool(
            self.terminated_on and self.terminated_on > on
        )
        return (
            (self.status == self.Status.SIGNED or terminated_later)
            and not (self.signed_on and self.signed_on > on)
            and (self.valid_until is None or self.valid_until >= on)
        )


class MemorandumParty(TimeStampedModel):
    memorandum = models.ForeignKey(
        Memorandum, models.CASCADE, related_name="parties", verbose_name=_("memorandum")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="memorandum_parties",
        verbose_name=_("organisation"),
    )
    signatory = optional_link(
        Person, models.SET_NULL, _("signatory"), related_name="signed_memoranda"
    )
    signatory_position = models.CharField(_("signatory's position"), max_length=200, blank=True)
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        default_permissions = CRM_PERMISSIONS
        ordering = ["memorandum", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["memorandum", "organisation"],
                name="memorandumparty_unique_organisation",
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    def save(self, *args, **kwargs):
        if self.signatory_id:
            copy_translations(self, "signatory_position", self.signatory, "position")
        super().save(*args, **kwargs)
