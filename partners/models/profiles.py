"""Company profiles of local companies for foreign partners, and who received them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import (
    COUNTED_FIELDS,
    CRM_PERMISSIONS,
    CountedInReport,
    PublishableModel,
    Shown,
    SluggedMixin,
    TimeStampedModel,
    Visibility,
    dated_in_the_future,
    optional_link,
)
from .delegations import Delegation, Meeting
from .organisations import Organisation, Person
from .places import City

PUBLIC_NEEDS_CONSENT = _("A profile can only be published with the company's consent to share it.")
FOUR_DIGIT_YEAR = _("The founding year has four digits.")
NO_CONSENT = _(
    "“%(profile)s” cannot be handed over: the company has not consented to sharing its profile."
)


class SectorQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Sector(TimeStampedModel):
    """A NACE Rev. 2 section (A–U) or division."""

    code = models.CharField(_("NACE code"), max_length=10, unique=True)
    # Per language (partners/translation.py): name_de, name_en, name_zh_hans.
    name = models.CharField(_("name"), max_length=200)

    objects = SectorQuerySet.as_manager()
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        default_permissions = CRM_PERMISSIONS
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def natural_key(self):
        return (self.code,)


class Interest(TimeStampedModel):
    class Code(models.TextChoices):
        COOPERATION = "cooperation", _("cooperation")
        EXPANSION = "expansion", _("expansion")
        DISTRIBUTION = "distribution", _("distribution")
        INVESTMENT = "investment", _("investment")
        SOURCING = "sourcing", _("sourcing")
        RESEARCH = "research", _("research")

    code = models.CharField(_("code"), max_length=20, unique=True, choices=Code.choices)
    name = models.CharField(_("name"), max_length=100)

    objects = SectorQuerySet.as_manager()
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        default_permissions = CRM_PERMISSIONS
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class CompanyProfile(SluggedMixin, PublishableModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        READY = "ready", _("ready")
        SHARED = "shared", _("shared")
        ARCHIVED = "archived", _("archived")

    url_name = "partners:company"

    organisation = models.OneToOneField(
        Organisation,
        models.CASCADE,
        related_name="profile",
        limit_choices_to={"kind": Organisation.Kind.COMPANY},
        verbose_name=_("company"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    sector = optional_link(Sector, models.PROTECT, _("sector"), related_name="profiles")
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    products = models.TextField(_("products"), blank=True)
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="profiles", verbose_name=_("interests")
    )
    target_cities = models.ManyToManyField(
        City, blank=True, related_name="targeted_by_profiles", verbose_name=_("target cities")
    )
    contact = optional_link(
        Person, models.SET_NULL, _("contact"), related_name="contact_for_profiles"
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    consent_to_share = models.BooleanField(_("consent to share"), default=False)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)

    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profiles")
        # "import": django-import-export's permission (IMPORT_EXPORT_IMPORT_PERMISSION_CODE).
        default_permissions = (*CRM_PERMISSIONS, "import")
        ordering = [Shown("organisation__name").asc()]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="public") | Q(consent_to_share=True),
                name="companyprofile_public_needs_consent",
                violation_error_message=PUBLIC_NEEDS_CONSENT,
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=1000, founded_year__lte=2999),
                name="companyprofile_founded_year_four_digits",
                violation_error_message=FOUR_DIGIT_YEAR,
            ),
        ]

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation_id else ""

    def clean(self):
        super().clean()
        # A withdrawn consent takes the profile off the public site at once, whoever records
        # it (as Person.clean()); publishing without consent is refused (publishing.refusal).
        if self.is_published and not self.consent_to_share:
            self.visibility = Visibility.INTERNAL
        errors = dated_in_the_future(self, "consent_given_on")
        if self.founded_year is not None and not 1000 <= self.founded_year <= 2999:
            errors["founded_year"] = FOUR_DIGIT_YEAR
        if self.organisation_id and self.organisation.kind != Organisation.Kind.COMPANY:
            errors["organisation"] = _("Only a company can have a company profile.")
        if errors:
            raise ValidationError(errors)


class ProfileHandover(CountedInReport, TimeStampedModel):
    class Response(models.TextChoices):
        NONE = "none", _("no response yet")
        INTERESTED = "interested", _("interested")
        MEETING_ARRANGED = "meeting_arranged", _("meeting arranged")
        DECLINED = "declined", _("declined")

    profile = models.ForeignKey(
        CompanyProfile, models.CASCADE, related_name="handovers", verbose_name=_("profile")
    )
    recipient = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="received_profiles",
        verbose_name=_("recipient"),
    )
    delegation = optional_link(
        Delegation, models.SET_NULL, _("delegation"), related_name="handovers"
    )
    meeting = optional_link(Meeting, models.SET_NULL, _("meeting"), related_name="handovers")
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    handed_over_by = models.ManyToManyField(
        Person, blank=True, related_name="profile_handovers", verbose_name=_("handed over by")
    )
    response = models.CharField(
        _("response"), max_length=20, choices=Response.choices, default=Response.NONE
    )
    notes = models.TextField(_("internal notes"), blank=True)

    history = HistoricalRecords(excluded_fields=COUNTED_FIELDS)

    class Meta:
        verbose_name = _("profile handover")
        verbose_name_plural = _("profile handovers")
        default_permissions = CRM_PERMISSIONS
        ordering = ["-handed_over_on", "pk"]
        indexes = [
            # Profiles handed over during a delegation (the public count, reports).
            models.Index(fields=["delegation", "profile"], name="handover_delegation_idx"),
            # A profile's handovers, newest first (profile pages, admin inline).
            models.Index(fields=["profile", "-handed_over_on"], name="handover_profile_date_idx"),
            # Admin handover changelist in the default ordering (newest first).
            models.Index(fields=["-handed_over_on", "id"], name="handover_date_idx"),
        ]

    def __str__(self):
        return _("%(profile)s to %(recipient)s") % {
            "profile": self.profile,
            "recipient": self.recipient,
        }

    def clean(self):
        super().clean()
        trip = self.delegation_id
        if trip and self.meeting_id and self.meeting.delegation_id not in (None, trip):
            # The report counts a handover of a meeting by the meeting's trip.
            raise ValidationError(
                {
                    "meeting": _("This meeting belongs to another delegation: %(trip)s.")
                    % {"trip": self.meeting.delegation}
                }  # fmt: skip
            )
        if self.profile_id and not self.profile.consent_to_share and self._newly_handed_over():
            raise ValidationError({"profile": NO_CONSENT % {"profile": self.profile}})

    def _newly_handed_over(self) -> bool:
        """Consent is checked when a profile is handed over, not on every later save of a
        page that lists the handover: a company may withdraw its consent afterwards, and
        what was handed over stays on record."""
        if self._state.adding:
            return True
        stored = type(self)._default_manager.filter(pk=self.pk).values_list("profile", flat=True)
        return stored.first() != self.profile_id
