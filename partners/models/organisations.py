"""Organisations (agencies, governments, companies, …) and the people who work there."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils.translation import gettext_lazy as _

from .base import (
    CRM_PERMISSIONS,
    PublishableModel,
    Shown,
    SluggedMixin,
    Visibility,
    dated_in_the_future,
    in_brackets,
    optional_link,
)
from .folding import FoldedField
from .places import City

LEGAL_FORMS = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bgesellschaft mit beschränkter haftung\b", "gmbh"),
        (r"\bg m b h\b", "gmbh"),
        (r"\baktiengesellschaft\b", "ag"),
        (r"\bkommanditgesellschaft\b", "kg"),
        (r"\bunternehmergesellschaft\b", "ug"),
        (r"\be k\b", "ek"),
    )
]
PUNCTUATION = re.compile(r"[.,]")
# Umlauts as Germans type them without the keys ("Müller" = "Mueller"), as casefold() already
# makes "ß" "ss"; after the legal forms, whose patterns are spelt with umlauts.
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
AND = re.compile(r"\s*&\s*|\s+(und|u)\s+")
# Chinese sets no space between words: one typed beside a CJK character separates nothing.
SPACE_BY_CJK = re.compile(
    r"\s+(?=[\u3000-\u9fff\uf900-\ufaff])|(?<=[\u3000-\u9fff\uf900-\ufaff])\s+"
)


NAME_KEY_LENGTH = 200


def normalise_company_name(name: str) -> str:
    """`Muster GmbH & Co. KG`, `muster gmbh&co kg` and `Muster  GmbH u. Co. KG` are one name,
    `Müller` and `Mueller` too; `莱比锡 机械（有限公司）` is `莱比锡机械(有限公司)` (NFKC: the
    full-width forms of a Chinese keyboard)."""
    value = unicodedata.normalize("NFKC", name).casefold()
    value = " ".join(AND.sub(" & ", PUNCTUATION.sub(" ", value)).split())
    value = SPACE_BY_CJK.sub("", value)
    for pattern, replacement in LEGAL_FORMS:
        value = pattern.sub(replacement, value)
    # Spelt out, a name as long as its column ("ü" → "ue") outgrows the key's column.
    return value.translate(UMLAUTS)[:NAME_KEY_LENGTH]


CONSENT_NEEDS_DATE = _("Consent needs the date it was given.")

# A register number as the import matches it, written with or without spaces. The index
# below is on this expression: a query must use the same one for PostgreSQL to use it.
REGISTER_KEY = Upper(Replace("register_number", Value(" "), Value("")))


def normalise_register(number: str) -> str:
    """``number`` as REGISTER_KEY reads it."""
    return "".join(number.split()).upper()


class Organisation(SluggedMixin, PublishableModel):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("agency")
        MUNICIPAL = "municipal", _("municipal office")
        GOVERNMENT = "government", _("government")
        CHAMBER = "chamber", _("chamber")
        COMPANY = "company", _("company")
        ASSOCIATION = "association", _("association")
        FACILITATOR = "facilitator", _("facilitator")
        EDUCATION = "education", _("education")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = optional_link(City, models.PROTECT, _("city"), related_name="organisations")
    parent = optional_link(
        "self", models.SET_NULL, _("parent organisation"), related_name="children"
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    register_number = models.CharField(
        _("register number"),
        max_length=60,
        blank=True,
        help_text=_("Commercial register id, e.g. HRB 12345."),
    )
    description = models.TextField(_("description"), blank=True)
    # The name as the import matches companies (normalise_company_name), kept on save so
    # that an import looks up only the names of its rows.
    name_key = models.CharField(max_length=NAME_KEY_LENGTH, blank=True, editable=False)
    # The name as the admin search matches it, accents and umlauts folded.
    name_folded = FoldedField(source="name")

    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        default_permissions = CRM_PERMISSIONS
        ordering = [Shown("name").asc()]
        indexes = [
            # Admin changelist and autocomplete in the default ordering.
            models.Index(fields=["name"], name="organisation_name_idx"),
            models.Index(fields=["name_key", "city"], name="organisation_name_key_idx"),
            # The import's match by register number, written with or without spaces.
            models.Index(REGISTER_KEY, name="organisation_register_key_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["register_number"],
                condition=~Q(register_number=""),
                name="organisation_unique_register_number",
                violation_error_message=_("Another organisation already has this register number."),
                # The code "unique" makes full_clean() report it on the field, not the form.
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")) | Q(parent__isnull=True),
                name="organisation_not_own_parent",
            ),
        ]

    def __str__(self):
        short = self.shown_short_name
        return in_brackets().format(self.name, short) if short else self.name

    @property
    def shown_short_name(self) -> str:
        """The short name to add in brackets, unless the name (in the active language)
        holds it already: "中欧城市发展委员会（ECMDC）"."""
        return self.short_name if self.short_name not in self.name else ""

    def save(self, *args, **kwargs):
        # The German name (the source language), whatever language is active.
        self.name_key = normalise_company_name(getattr(self, "name_de", None) or self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "name_de"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "name_folded"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # Organisations have no page of their own; a company's page is its profile.
        return self.profile.get_absolute_url() if hasattr(self, "profile") else None

    def clean(self):
        super().clean()
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
        # "HRB 1" and "HRB1" are one number to the import, which matches either: one company.
        if self.register_number.strip():
            twins = Organisation.objects.alias(key=REGISTER_KEY).exclude(pk=self.pk)
            if twins.filter(key=normalise_register(self.register_number)).exists():
                raise ValidationError(
                    {"register_number": _("Another organisation already has this register number.")}
                )


# Who may be named on the public site (DESIGN.md): office holders, and people who consented.
PUBLISHABLE_BASES = ["public_office", "consent"]
PUBLIC_NEEDS_BASIS = _("A person is published only as an office holder or with consent.")


class Person(PublishableModel):
    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", _("consent")
        LEGITIMATE_INTEREST = "legitimate_interest", _("legitimate interest")
        PUBLIC_OFFICE = "public_office", _("public office")

    full_name = models.CharField(
        _("full name"),
        max_length=200,
        help_text=_("As written in the person's culture, e.g. “Shi Guangliang”."),
    )
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    # The name as the admin search matches it, accents and umlauts folded.
    full_name_folded = FoldedField(source="full_name")
    honorific = models.CharField(_("honorific"), max_length=40, blank=True)
    organisation = optional_link(
        Organisation, models.SET_NULL, _("organisation"), related_name="people"
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    lawful_basis = models.CharField(
        _("lawful basis"),
        max_length=30,
        choices=LawfulBasis.choices,
        default=LawfulBasis.LEGITIMATE_INTEREST,
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        default_permissions = CRM_PERMISSIONS
        ordering = ["full_name"]
        indexes = [
            # Admin changelist and autocomplete in the default ordering.
            models.Index(fields=["full_name"], name="person_full_name_idx"),
        ]
        # GDPR requests (partners/gdpr.py): only Administrators hold these.
        permissions = [
            ("gdpr_export_person", _("Can export everything stored about a person")),
            ("erase_person", _("Can erase (anonymise) a person")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(lawful_basis="consent") | Q(consent_given_on__isnull=False),
                name="person_consent_has_date",
                violation_error_message=CONSENT_NEEDS_DATE,
            ),
            models.CheckConstraint(
                condition=~Q(visibility="public")
                | Q(lawful_basis__in=PUBLISHABLE_BASES, anonymised_at__isnull=True),
                name="person_public_needs_office_or_consent",
                violation_error_message=PUBLIC_NEEDS_BASIS,
            ),
        ]

    def __str__(self):
        # An erased person keeps their links; the name shown is "anonymised" in the reader's
        # language, whatever language the erasure ran in.
        return str(_("anonymised")) if self.anonymised_at else self.full_name

    @property
    def may_be_published(self) -> bool:
        return self.lawful_basis in PUBLISHABLE_BASES and not self.anonymised_at

    def clean(self):
        super().clean()
        # A withdrawn consent takes the name off the public site at once, whoever records
        # it: waiting for someone who may publish would keep it public against the person's will.
        if self.is_published and not self.may_be_published:
            self.visibility = Visibility.INTERNAL
        if self.lawful_basis == self.LawfulBasis.CONSENT and not self.consent_given_on:
            raise ValidationError({"consent_given_on": CONSENT_NEEDS_DATE})
        if errors := dated_in_the_future(self, "consent_given_on"):
            raise ValidationError(errors)
