"""Building blocks shared by every model of the domain."""

import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import translation
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, get_translation_fields
from modeltranslation.utils import get_language as translated_language
from pypinyin import lazy_pinyin
from text_unidecode import unidecode

from ..dates import latest_today

# Django's four default permissions plus "export", which django-import-export checks
# (settings.IMPORT_EXPORT_EXPORT_PERMISSION_CODE); partners/roles.py hands them out.
CRM_PERMISSIONS = ("add", "change", "delete", "view", "export")


@deconstructible(path="partners.models.base.Shown")
class Shown(models.Expression):
    """A translated field as a page shows it, for ordering lists by what they display:
    the active language's text, else the German source (modeltranslation's fallback).

    ``ordering = ["name"]`` would sort an English page by ``name_en`` alone, which is
    empty for most records. ``path`` may span relations (``organisation__name``).
    """

    def __init__(self, path: str):
        super().__init__(output_field=models.TextField())
        self.path = path

    def prefix_references(self, prefix):
        # Ordering by a relation (``ordering = ["delegation"]``) borrows the related
        # model's ordering with the relation's prefix.
        return Shown(prefix + self.path)

    def resolve_expression(self, *args, **kwargs):
        prefix, _sep, name = self.path.rpartition("__")
        prefix = f"{prefix}__" if prefix else ""
        german = F(prefix + build_localized_fieldname(name, DEFAULT_LANGUAGE))
        language = translated_language()
        if language == DEFAULT_LANGUAGE:
            shown = german  # the source column itself: its index serves the sort
        else:
            active = F(prefix + build_localized_fieldname(name, language))
            # Each translation column has its own field class: the type is given.
            shown = Coalesce(NullIf(active, Value("")), german, output_field=self.output_field)
        return shown.resolve_expression(*args, **kwargs)


def is_translated(model, path: str) -> bool:
    """Whether ``path`` (``name``, ``organisation__name``) ends at a translated field."""
    *relations, name = path.split(LOOKUP_SEP)
    try:
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        return name in translator.get_options_for_model(model).fields
    except (FieldDoesNotExist, AttributeError, NotRegistered):
        return False


def shown_text(record, field: str) -> tuple[str, str | None]:
    """The text of ``field`` in the active language, and the language it is really in
    when that differs (the German source shown for a missing translation)."""
    source = build_localized_fieldname(field, DEFAULT_LANGUAGE)
    if not hasattr(record, source):  # not a translated field: shown as it is
        return getattr(record, field), None
    language = translated_language()
    own = getattr(record, build_localized_fieldname(field, language), None)
    return shown_as(own, getattr(record, source), language)


def clause_separator() -> str:
    """What parts one message as the language writes it: "; " in German and English, "；"
    in Chinese."""
    return pgettext("clause separator", "; ")


def clauses(parts) -> str:
    """``parts`` of one message (problems, names with their reasons), joined."""
    return clause_separator().join(parts)


def in_brackets() -> str:
    """ "{} ({})": a name and an aside (a short name, a role), bracketed as the language
    writes it; a Chinese full-width bracket brings its own space: "南京市人民政府（NJG）"."""
    return pgettext("a name and an aside in brackets", "{} ({})")


def shown_as(own: str | None, german: str | None, language: str) -> tuple[str, str | None]:
    """``shown_text`` of a text ``own`` in ``language`` and its German source ``german``."""
    text = own or german or ""
    if in_chinese(text):  # a name written in Chinese whatever the field: 南京金鹰集团
        return text, (None if language.startswith("zh") else "zh")
    return text, (DEFAULT_LANGUAGE if text and not own and language != DEFAULT_LANGUAGE else None)


def copy_translations(record, field: str, source, source_field: str) -> None:
    """A copy kept as it was then (a member's position at the time of a trip): when
    ``field`` is blank in every language, it takes ``source_field`` in every language,
    whatever language the editor's page speaks. One language given is left as typed."""
    targets = get_translation_fields(field)
    if any(getattr(record, target) for target in targets):
        return
    for target, origin in zip(targets, get_translation_fields(source_field), strict=True):
        setattr(record, target, getattr(source, origin))


def dated_in_the_future(record, *fields, now=None) -> dict:
    """Errors for those of ``fields`` (days on which something happened: won, completed,
    consent given) that have begun nowhere on earth yet (at ``now``): an officer in
    Nanjing logs a win on Nanjing's date while the office's is still the day before."""
    today = latest_today(now)
    return {
        name: _("“%(field)s” cannot lie in the future.")
        % {"field": capfirst(record._meta.get_field(name).verbose_name)}
        for name in fields
        # Not a date: the field's own validation says so.
        if isinstance(day := getattr(record, name), datetime.date) and day > today
    }


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("internal")
    PUBLIC = "public", _("public")


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Incremented on every save; the admin refuses a save based on an older version
    # (no lost updates when two people edit the same record).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
        # A translated field's original column (``name`` beside ``name_de``…) holds the
        # German source whatever language the editor's page speaks: the save reads it in
        # German. Lookups across relations (``city__name``) read that column.
        with translation.override(settings.LANGUAGE_CODE):
            super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        # A row entered on a new record's page (an inline) has its parent set but not saved:
        # Django would read the missing id as null, so the database checks it on save.
        unsaved = {
            field.name
            for field in self._meta.concrete_fields
            if field.many_to_one
            and getattr(self, field.attname) is None
            # Without an id, reading the link makes no query: it is the record set, if any.
            and getattr(self, field.name, None) is not None
        }
        super().validate_constraints(exclude={*(exclude or ()), *unsaved})


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Only records that may appear on a public page (DESIGN.md, publication rule)."""
        return self.filter(visibility=Visibility.PUBLIC)


class PublishableModel(TimeStampedModel):
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
        db_index=True,
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.visibility == Visibility.PUBLIC


def optional_link(to, on_delete, verbose_name, **kwargs):
    return models.ForeignKey(
        to, on_delete, null=True, blank=True, verbose_name=verbose_name, **kwargs
    )


def user_link(related_name, verbose_name):
    """The back-office user who did something: kept, and emptied when that user is
    deleted."""
    return optional_link(
        settings.AUTH_USER_MODEL, models.SET_NULL, verbose_name, related_name=related_name
    )


class LoggedModel(PublishableModel):
    """A record someone logs in the back office (meetings, photos, follow-ups, opportunities)."""

    logged_by = user_link("+", _("logged by"))

    class Meta:
        abstract = True


class TripOutcome(LoggedModel):
    """What came out of a delegation, a meeting or a memorandum (follow-ups, opportunities):
    a link to each, emptied when that record is deleted. The way back from each is the
    model's ``Meta.default_related_name`` (``delegation.follow_ups``)."""

    delegation = optional_link("partners.Delegation", models.SET_NULL, _("delegation"))
    meeting = optional_link("partners.Meeting", models.SET_NULL, _("meeting"))
    memorandum = optional_link("partners.Memorandum", models.SET_NULL, _("memorandum"))

    class Meta:
        abstract = True


class CountedInReport(models.Model):
    """A record the report counts (meetings, handovers, memoranda, follow-ups): the partner
    city and the day it counts under, kept by ``partners.reports.places`` on every write
    that changes them. Worked out from the record's delegation, stops, meeting and
    counterparts on each report, they cost seconds at ten years of records."""

    counted_in = models.ForeignKey(
        "partners.City",
        models.SET_NULL,
        null=True,
        editable=False,
        db_index=False,  # read by whole-table counts only
        related_name="+",
        verbose_name=_("counted in partner city"),
    )
    counted_on = models.DateField(_("counted on"), null=True, editable=False)

    class Meta:
        abstract = True


# Kept out of the history: they follow from other records, and are refreshed after a save.
COUNTED_FIELDS = ["counted_in", "counted_on"]


# German letters spelled out as Germans do in URLs (slugify would drop the umlaut's dots
# and ß altogether: "Körner" → "korner", "Straße" → "strae").
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
     # Latin letters that have no accent to strip, which slugify would drop too
     # ("Łódź" → "odz"): Polish, Danish, Croatian, French names of partner companies.
     "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Æ": "Ae", "æ": "ae",
     "Œ": "Oe", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i"}
)  # fmt: skip
# Dashes and slashes between words are word boundaries ("Leipzig–Nanjing" → "leipzig-nanjing").
_BOUNDARIES = str.maketrans(dict.fromkeys("–—‒―/\\·•|+&.,:;_", " "))
# Chinese characters, which slugify would drop: a Chinese-only name is spelled in pinyin.
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def in_chinese(text: str) -> bool:
    """Whether ``text`` is written in Chinese characters only (南京; not Kraków, nor a German
    text that quotes one: "Nanjing (南京)")."""
    return bool(_HAN.search(text)) and not _LATIN.search(text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _in_latin(match: re.Match) -> str:
    """A letter of another script, which slugify would drop, spelled in Latin ("Москва"
    "Moskva", "Αθήνα" "Athena", "서울" "seoul", "とうきょう" "toukiyou", "القاهرة" "lqhr");
    one that slugify keeps ("é", and so every Latin letter) is left to it as before."""
    char = match.group()
    return unidecode(char) if char.isalpha() and not slugify(char) else char


def german_slug(value: str) -> str:
    text = str(value).translate(_GERMAN).translate(_BOUNDARIES)
    if _HAN.search(text):
        text = " ".join(lazy_pinyin(text))  # "南京新港" → "nan jing xin gang"
    return slugify(_NON_ASCII.sub(_in_latin, text))


def unique_slug(instance, value: str, *, max_length: int = 80) -> str:
    """A slug for ``value`` that no other row of the instance's model uses yet. A taken
    one gets a random suffix, not a count: "-2" or "-7" on a public page told how many
    other records, internal ones too, have that name."""
    base = german_slug(value)[:max_length].strip("-") or instance._meta.model_name
    candidate = base
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    while others.filter(slug=candidate).exists():
        candidate = suffixed(base, max_length)
    return candidate


def suffixed(base: str, max_length: int = 80) -> str:
    """``base`` with a random suffix, for a slug already taken (``unique_slug``)."""
    suffix = f"-{secrets.token_hex(3)}"
    return f"{base[: max_length - len(suffix)]}{suffix}"


class SluggedMixin:
    """Named by ``slug_source`` (the name or title), which fills ``slug`` when left blank:
    from its German text, whatever language the editor's page speaks (slugs come from
    German)."""

    slug_source = "name"
    url_name = ""  # the public page's URL name, which takes the slug

    def __str__(self):
        return getattr(self, self.slug_source)

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            source = build_localized_fieldname(self.slug_source, DEFAULT_LANGUAGE)
            german = getattr(self, source, "")  # a profile's name is its company's: no column
            self.slug = unique_slug(self, german or getattr(self, self.slug_source))
        super().save(*args, **kwargs)
