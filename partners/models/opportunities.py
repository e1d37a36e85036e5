"""Opportunities: a cooperation idea or an investment lead, followed to an outcome.

The day each stage was entered is kept in ``OpportunityStageChange`` (one row per move),
so that "days from idea to won" is a subtraction, not a walk through the history.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import (
    CRM_PERMISSIONS,
    PublishableQuerySet,
    Shown,
    SluggedMixin,
    TimeStampedModel,
    TripOutcome,
    dated_in_the_future,
    optional_link,
    user_link,
)
from .organisation_names import KeepsOrganisationNames
from .organisations import Organisation
from .places import City
from .profiles import CompanyProfile, ProfileHandover

WON_NEEDS_DATE = _("A won opportunity needs the day it was won.")
LOST_NEEDS_REASON = _("A lost opportunity needs the reason it was lost.")
# "Phase" in German, "阶段" in Chinese: "Schritt", "步" are the next step's, on the same form.
STAGE = pgettext_lazy("opportunity", "stage")
PUBLIC_NEEDS_WON = _("Only a won opportunity can be published (as a success story).")


class OpportunityQuerySet(PublishableQuerySet):
    def open(self):
        return self.filter(stage__in=Opportunity.OPEN_STAGES)

    def next_step_due(self, on=None):
        """Open opportunities whose next step is due today or earlier."""
        return self.open().filter(next_step_on__lte=on or timezone.localdate())

    def success_stories(self):
        """What the public may see: won and published (the constraint makes public ⇒ won)."""
        return self.published().filter(stage=Opportunity.Stage.WON)


class Opportunity(KeepsOrganisationNames, SluggedMixin, TripOutcome):
    class Kind(models.TextChoices):
        # A foreign company settling or investing in the home region.
        INVESTMENT = "investment", _("investment")
        COOPERATION = "cooperation", _("cooperation")
        DISTRIBUTION = "distribution", _("distribution")
        SOURCING = "sourcing", _("sourcing")
        RESEARCH = "research", _("research")
        OTHER = "other", _("other")

    class Stage(models.TextChoices):
        IDEA = "idea", _("idea")
        CONTACTED = "contacted", _("contacted")
        IN_TALKS = "in_talks", _("in talks")
        NEGOTIATING = "negotiating", _("negotiating")
        WON = "won", _("won")
        LOST = "lost", _("lost")
        ON_HOLD = "on_hold", _("on hold")

    # Still in the pipeline (the board's columns, in this order); won and lost are closed.
    OPEN_STAGES = [
        Stage.IDEA,
        Stage.CONTACTED,
        Stage.IN_TALKS,
        Stage.NEGOTIATING,
        Stage.ON_HOLD,
    ]

    slug_source = "title"

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.COOPERATION
    )
    stage = models.CharField(STAGE, max_length=12, choices=Stage.choices, default=Stage.IDEA)
    # Nullable: an idea from a trip to two partner cities (the seed's) names neither.
    partner_city = optional_link(
        City, models.PROTECT, _("partner city"), related_name="opportunities"
    )
    local_organisation = optional_link(
        Organisation, models.SET_NULL, _("local organisation"), related_name="local_opportunities"
    )
    foreign_organisation = optional_link(
        Organisation,
        models.SET_NULL,
        _("foreign organisation"),
        related_name="foreign_opportunities",
    )
    # Where it came from.
    profile = optional_link(
        CompanyProfile, models.SET_NULL, _("company profile"), related_name="opportunities"
    )
    handover = optional_link(
        ProfileHandover, models.SET_NULL, _("profile handover"), related_name="opportunities"
    )
    owner = user_link("opportunities", _("owner"))
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), null=True, blank=True)
    expected_investment_eur = models.PositiveBigIntegerField(
        _("expected investment (EUR)"), null=True, blank=True
    )
    won_on = models.DateField(_("won on"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created"), null=True, blank=True)
    investment_eur = models.PositiveBigIntegerField(_("investment (EUR)"), null=True, blank=True)
    figures_public = models.BooleanField(
        _("figures public"),
        default=False,
        help_text=_("The realised jobs and investment may be shown in the success story."),
    )
    lost_reason = models.TextField(_("lost reason"), blank=True)
    next_step = models.CharField(_("next step"), max_length=250, blank=True)
    next_step_on = models.DateField(_("next step on"), null=True, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("The public success story, once won.")
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Internal."))

    objects = OpportunityQuerySet.as_manager()
    # history: registered with the translated fields in partners/translation.py

    # Who moves it, for the stage log; set by the back office before save().
    stage_changed_by = None
    _loaded_stage = None
    _loaded_won_on = None  # also when not loaded: save() then dates the logged win anyway

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        default_related_name = "opportunities"  # the way back of TripOutcome's links
        default_permissions = CRM_PERMISSIONS
        ordering = [F("next_step_on").asc(nulls_last=True), Shown("title").asc()]
        indexes = [
            # "My desk" and the board: one owner's open ones by next-step date.
            models.Index(
                fields=["owner", "stage", "next_step_on"], name="opp_owner_stage_next_idx"
            ),
            # `remind`: open opportunities whose next step is past.
            models.Index(fields=["stage", "next_step_on"], name="opp_stage_next_idx"),
            # The public success stories, newest win first.
            models.Index(
                fields=["-won_on"],
                condition=Q(visibility="public"),
                name="opp_public_won_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="won") | Q(won_on__isnull=False),
                name="opportunity_won_has_date",
                violation_error_message=WON_NEEDS_DATE,
            ),
            models.CheckConstraint(
                condition=~Q(stage="lost") | ~Q(lost_reason=""),
                name="opportunity_lost_has_reason",
                violation_error_message=LOST_NEEDS_REASON,
            ),
            models.CheckConstraint(
                condition=~Q(visibility="public") | Q(stage="won"),
                name="opportunity_public_only_when_won",
                violation_error_message=PUBLIC_NEEDS_WON,
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        # Remembers the stage as loaded, so save() knows whether it moved (Django docs,
        # "Customizing model loading").
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        deferred = instance.get_deferred_fields()
        if "stage" not in deferred:
            instance._loaded_stage = instance.stage
        if "won_on" not in deferred:
            instance._loaded_won_on = instance.won_on
        return instance

    def get_absolute_url(self):
        return reverse("partners:success-stories") + f"#{self.slug}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.stage in self.OPEN_STAGES
            and self.next_step_on is not None
            and self.next_step_on < timezone.localdate()
        )

    def clean(self):
        super().clean()
        errors = dated_in_the_future(self, "won_on")
        if self.stage == self.Stage.WON and not self.won_on:
            errors["won_on"] = WON_NEEDS_DATE
        if self.stage == self.Stage.LOST and not self.lost_reason.strip():
            errors["lost_reason"] = LOST_NEEDS_REASON
        if self.visibility == "public" and self.stage != self.Stage.WON:
            errors["visibility"] = PUBLIC_NEEDS_WON
        if errors:
            raise ValidationError(errors)

    def _stage_moved(self) -> bool:
        if self._state.adding:
            return True
        loaded = self._loaded_stage
        if loaded is None:  # loaded with the stage deferred
            current = type(self)._default_manager.filter(pk=self.pk)
            loaded = current.values_list("stage", flat=True).first()
        return loaded != self.stage

    def save(self, *args, **kwargs):
        entered = self._stage_moved()
        # The record and its stage log, together or not at all.
        with transaction.atomic():
            super().save(*args, **kwargs)
            if entered:
                self.stage_changes.create(
                    stage=self.stage,
                    # A win is dated by the day it was won, which may lie before today.
                    entered_on=(self.stage == self.Stage.WON and self.won_on)
                    or timezone.localdate(),
                    changed_by=self.stage_changed_by,
                )
            elif (
                self.stage == self.Stage.WON and self.won_on and self.won_on != self._loaded_won_on
            ):
                # The day won corrected after the move (the board dates a win today): the
                # logged win follows, or the days to win would count from the wrong day.
                last_win = self.stage_changes.filter(stage=self.Stage.WON).order_by("-pk")
                OpportunityStageChange.objects.filter(
                    pk=Subquery(last_win.values("pk")[:1])
                ).exclude(entered_on=self.won_on).update(
                    entered_on=self.won_on, updated_at=timezone.now()
                )
        self._loaded_stage, self._loaded_won_on = self.stage, self.won_on


class OpportunityStageChange(TimeStampedModel):
    """The day an opportunity entered a stage: written by Opportunity.save(), never edited."""

    opportunity = models.ForeignKey(
        Opportunity, models.CASCADE, related_name="stage_changes", verbose_name=_("opportunity")
    )
    stage = models.CharField(STAGE, max_length=12, choices=Opportunity.Stage.choices)
    entered_on = models.DateField(_("entered on"))
    changed_by = user_link("+", _("changed by"))

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        default_permissions = CRM_PERMISSIONS
        ordering = ["opportunity", "entered_on", "pk"]
        indexes = [
            # Reports: the first day of each opportunity (days to win, cohorts).
            models.Index(fields=["opportunity", "entered_on"], name="opp_stage_entered_idx"),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} ({self.entered_on})"
