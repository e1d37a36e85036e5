"""Cities and the partnerships between them."""

import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_countries.fields import CountryField

from ..dates import keep_wall_clock, local_day_and_times
from .base import (
    CRM_PERMISSIONS,
    PublishableModel,
    PublishableQuerySet,
    Shown,
    SluggedMixin,
    clauses,
)
from .folding import FoldedField


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """The IANA zones the system knows. A callable, so that migrations name it instead of
    copying a list that changes with the tzdata release."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def with_country(name: str, country: str) -> str:
    """A city's name with its country's code, which tells namesakes apart: "Birmingham,
    GB"; in Chinese "伯明翰（GB）"."""
    return pgettext("a city and its country", "%(city)s, %(country)s") % {
        "city": name,
        "country": country,
    }


class CityQuerySet(PublishableQuerySet):
    def partners_of_home_cities(self):
        """Cities in a partnership whose home city is a home city (``is_home``)."""
        return self.filter(partnered_with__home_city__is_home=True).distinct()

    def with_namesakes(self):
        """Each city with ``namesake``: whether another city has its name (Birmingham in
        GB and in the US), so that a list can tell them apart (``City.distinct_name``)."""
        others = City.objects.filter(name_de=OuterRef("name_de")).exclude(pk=OuterRef("pk"))
        return self.annotate(namesake=Exists(others))


class City(SluggedMixin, PublishableModel):
    url_name = "partners:city"

    name = models.CharField(_("name"), max_length=120)
    local_name = models.CharField(_("local name"), max_length=120, blank=True)
    # The name as the admin search matches it, accents and umlauts folded.
    name_folded = FoldedField(source="name")
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=120, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_home = models.BooleanField(
        _("home city"),
        default=False,
        help_text=_("A city whose offices use this CRM."),
    )
    description = models.TextField(_("description"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        choices=time_zone_choices,
        help_text=_(
            "Meeting times of a trip's stop here are entered and shown in it. "
            "Empty: the office's time zone."
        ),
    )

    objects = CityQuerySet.as_manager()
    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        default_permissions = CRM_PERMISSIONS
        ordering = [Shown("name").asc()]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="city_unique_name_country"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="city_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="city_longitude_range",
            ),
        ]

    @property
    def distinct_name(self) -> str:
        """Its name, with its country's code where another city has the same name
        ("Birmingham, GB"); read from ``with_namesakes()``, else the name alone."""
        if getattr(self, "namesake", False):
            return with_country(self.name, self.country.code)
        return self.name

    def clean(self):
        super().clean()
        moved, skipped = self.on_its_clock()
        errors = [self._skipped(skipped)] if skipped else []
        # As for a stop moved to another city: its slots stay within its dates.
        outside = [_named(s, self.tzinfo) for s in moved if hasattr(s, "stop") and s.outside_stop()]
        if outside:
            errors.append(
                _(
                    "On the clock of %(zone)s these meeting slots would lie outside their "
                    "stop's dates: %(slots)s. Move them first."
                )
                % {"zone": self.tzinfo, "slots": clauses(outside)}
            )
        if errors:
            raise ValidationError({"time_zone": errors})

    def save(self, *args, **kwargs):
        # A corrected zone keeps the local times entered here: saved with it, or not at all.
        # What moved is kept for the caller to tell (the admin's message).
        self.times_kept, skipped = self.on_its_clock()
        if skipped:  # saved without clean(), which says so on the zone
            raise ValidationError({"time_zone": self._skipped(skipped)})
        if not self.times_kept:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=router.db_for_write(City, instance=self)):
            super().save(*args, **kwargs)
            for record in self.times_kept:
                record.save()

    def on_its_clock(self) -> tuple[list, list[str]]:
        """The meeting slots at its stops and the meetings held here, at the local times
        they had on its zone as stored, read on its zone as set: a 09:00 meeting entered
        while the city had no zone (the office's) stays at 09:00 once the zone is
        corrected to Asia/Shanghai, as when a stop moves to another city
        (DelegationStop.on_its_clock).

        Returns the slots and meetings to save, and those left out, named with their
        times as stored: the clocks of the zone as set skip a time of theirs."""
        from .trips import MeetingSlot  # trips build on cities

        stored = self.pk and City.objects.filter(pk=self.pk).only("time_zone").first()
        if not stored or stored.tzinfo == self.tzinfo:
            return [], []
        slots = list(MeetingSlot.objects.filter(stop__city=self).select_related("stop__delegation"))
        for slot in slots:
            slot.stop.city = self  # the zone as set, for the checks of the stop's dates
        # A meeting known by its date alone has no time to keep (nor a history row to add).
        records = [*slots, *self.meetings.exclude(starts_at=None, ends_at=None)]
        moved, skipped = keep_wall_clock(records, stored.tzinfo, self.tzinfo)
        return moved, [_named(record, stored.tzinfo) for record in skipped]

    def _skipped(self, skipped: list[str]) -> str:
        return _(
            "The clocks of %(zone)s skip these local times (they go forward then): "
            "%(records)s. Move them first."
        ) % {"zone": self.tzinfo, "records": clauses(skipped)}

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """The city's time zone; the office's (TIME_ZONE) where none is set."""
        if self.time_zone:
            return zoneinfo.ZoneInfo(self.time_zone)
        return timezone.get_default_timezone()

    @property
    def shown_local_name(self) -> str:
        """The city's own name where it adds to the shown one: "Nanjing (南京)", but on a
        Chinese page the name is the local one: "南京", not "南京 (南京)"."""
        return self.local_name if self.local_name != self.name else ""


def _named(record, zone) -> str:
    """A meeting slot or a meeting, and its local times in ``zone``."""
    times = local_day_and_times(record.starts_at, record.ends_at, zone)
    if hasattr(record, "stop"):  # a slot: named by its trip
        return _("meeting slot of “%(delegation)s”, %(times)s") % {
            "delegation": record.stop.delegation,
            "times": times,
        }
    return _("meeting “%(meeting)s”, %(times)s") % {"meeting": record, "times": times}


class Partnership(PublishableModel):
    class Kind(models.TextChoices):
        TWINNING = "twinning", _("twinning")
        FRIENDSHIP = "friendship", _("friendship")
        ECONOMIC = "economic", _("economic partnership")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        DORMANT = "dormant", _("dormant")
        ENDED = "ended", _("ended")

    home_city = models.ForeignKey(
        City, models.PROTECT, related_name="partnerships", verbose_name=_("home city")
    )
    partner_city = models.ForeignKey(
        City, models.PROTECT, related_name="partnered_with", verbose_name=_("partner city")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    established_year = models.PositiveSmallIntegerField(_("established in"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    # history: registered with the translated fields in partners/translation.py

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        default_permissions = CRM_PERMISSIONS
        ordering = [Shown("home_city__name").asc(), Shown("partner_city__name").asc()]
        constraints = [
            models.UniqueConstraint(
                fields=["home_city", "partner_city", "kind"],
                name="partnership_unique_cities_kind",
            ),
            models.CheckConstraint(
                condition=~Q(home_city=models.F("partner_city")),
                name="partnership_home_differs_from_partner",
            ),
        ]

    def __str__(self):
        # The catalog's brackets: Chinese writes 莱比锡 – 南京（友好城市）.
        kind = pgettext("details", " (") + self.get_kind_display() + pgettext("details", ")")
        return f"{self.home_city} – {self.partner_city}{kind}"

    def clean(self):
        super().clean()
        if self.home_city_id and self.home_city_id == self.partner_city_id:
            raise ValidationError({"partner_city": _("A city cannot be its own partner city.")})
