"""Opportunities in the back office: the record, the pipeline board and its one-POST moves.

A card is moved by one POST carrying the version the board was loaded with; a move based
on an older version is refused and names what changed (versions.py), like a change form.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationTabularInline

from ..models import (
    City,
    FollowUp,
    Meeting,
    Memorandum,
    Opportunity,
    OpportunityStageChange,
    ProfileHandover,
)
from ..publishing import may_publish
from ..widgets import AutocompleteSelect, LongSelect, NameChoiceField
from .base import CRMAdmin, CRMInline, ReadOnlyMixin, TranslatedAdmin
from .followups import StaffOwnerMixin
from .list_filters import InUseFilter, NoPartnerCityFilter
from .pages import page_context
from .versions import changes_since

# A column shows its next steps by date; the rest are a click away in the list (the link under it).
CARDS_PER_COLUMN = 15
Stage = Opportunity.Stage
# Where an opportunity came from: picked by search on the form, shown together.
SOURCES = [
    "local_organisation",
    "foreign_organisation",
    "profile",
    "delegation",
    "meeting",
    "handover",
    "memorandum",
]


class StageChangeInline(ReadOnlyMixin, admin.TabularInline):
    """The stage log: written by Opportunity.save(), read here, never edited."""

    model = OpportunityStageChange
    fields = ["stage", "entered_on", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["entered_on", "pk"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("partners.view_opportunity")


class OpportunityFollowUpInline(StaffOwnerMixin, CRMInline, TranslationTabularInline):
    model = FollowUp
    fields = ["title_de", "kind", "status", "owner", "due_on"]


# A filter left empty shows every card.
ALL = gettext_lazy("all")


class BoardFilter(forms.Form):
    # Typed and searched, as on the change form: hundreds of partner cities are no list.
    partner_city = forms.ModelChoiceField(
        City.objects.all(),
        required=False,
        label=gettext_lazy("Partner city"),
        widget=AutocompleteSelect(Opportunity._meta.get_field("partner_city"), admin.site),
    )
    # A list: the admin's user search is for administrators only, and owners are colleagues.
    owner = NameChoiceField(
        get_user_model().objects.none(),
        required=False,
        label=gettext_lazy("Owner"),
        label_field="username",
        widget=LongSelect,
        empty_label=ALL,
    )
    kind = forms.ChoiceField(
        choices=[("", ALL), *Opportunity.Kind.choices],
        required=False,
        label=gettext_lazy("Kind"),
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        # The user too, owner of nothing yet: the desk links to "my" board (an empty one).
        owners = Q(pk__in=Opportunity.objects.values("owner")) | Q(pk=user.pk)
        self.fields["owner"].queryset = get_user_model().objects.filter(owners).order_by("username")

    # The list's parameters for each filter (its list filters), for the link to a column's rest.
    LIST_PARAMETERS = {
        "partner_city": "partner_city__id__exact",
        "owner": "owner__id__exact",
        "kind": "kind__exact",
    }

    def chosen(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}

    def apply(self, queryset):
        return queryset.filter(**self.chosen())

    def list_query(self, stage) -> str:
        """The list's query string for the opportunities of ``stage`` the board shows."""
        chosen = {
            self.LIST_PARAMETERS[name]: getattr(value, "pk", value)
            for name, value in self.chosen().items()
        }
        return urlencode({"stage__exact": stage, **chosen})


def initial_from_sources(request) -> dict:
    """The add form prefilled from the meeting, handover or memorandum it is created from.
    The title goes into the German field, the source every other language falls back to.
    The partner city is the one the report counts the source under (``counted_in``: never
    a home city, e.g. Leipzig for a meeting there with visitors from Nanjing), or blank."""
    initial = {}
    handover = _source(request, ProfileHandover, "handover", "profile__organisation", "recipient")
    meeting = _source(request, Meeting, "meeting", "city", "delegation")
    memorandum = _source(request, Memorandum, "memorandum")
    if handover:
        recipient = handover.recipient
        with translation.override(settings.LANGUAGE_CODE):
            title = _("%(company)s with %(recipient)s") % {
                "company": handover.profile.organisation,
                "recipient": recipient,
            }
        initial.update(
            title_de=title,
            profile=handover.profile_id,
            local_organisation=handover.profile.organisation_id,
            foreign_organisation=recipient.pk,
            partner_city=handover.counted_in_id,
            delegation=handover.delegation_id,
            meeting=handover.meeting_id,
        )
    for source in filter(None, [meeting, memorandum]):
        initial.setdefault("title_de", source.title_de)
        initial.setdefault("partner_city", source.counted_in_id)
        initial.setdefault("delegation", source.delegation_id)
    return {key: value for key, value in initial.items() if value is not None}


def _source(request, model, parameter, *related):
    pk = request.GET.get(parameter, "")
    if not pk.isdigit():
        return None
    records = model.objects.filter(pk=pk)
    # select_related() without names would join every link (deprecated in Django 6.1).
    return (records.select_related(*related) if related else records).first()


@admin.register(Opportunity)
class OpportunityAdmin(StaffOwnerMixin, CRMAdmin, TranslatedAdmin):
    list_display = [
        "title",
        "kind",
        "stage",
        "partner_city",
        "owner",
        "next_step_on",
        "won_on",
        "visibility",
    ]
    # The board's filters too: its link to the rest of a column keeps them.
    list_filter = [
        "stage",
        "kind",
        ("partner_city", InUseFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
        "visibility",
        NoPartnerCityFilter,
    ]
    list_select_related = ["partner_city", "owner"]
    # The organisations' names as kept on the opportunity (models/organisation_names.py).
    search_fields = ["title", "organisation_names"]
    autocomplete_fields = ["partner_city", *SOURCES]
    inlines = [StageChangeInline, OpportunityFollowUpInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "stage", "partner_city", "owner"]}),
        (gettext_lazy("Who and where from"), {"fields": SOURCES}),
        (gettext_lazy("Next step"), {"fields": ["next_step", "next_step_on"]}),
        (
            gettext_lazy("Value and outcome"),
            {
                "fields": [
                    "expected_jobs",
                    "expected_investment_eur",
                    "won_on",
                    "jobs_created",
                    "investment_eur",
                    "lost_reason",
                ]
            },
        ),
        (
            gettext_lazy("Success story and notes"),
            {"fields": ["summary", "figures_public", "notes", "logged_by", "visibility"]},
        ),
    ]

    def get_changeform_initial_data(self, request):
        # The owner is the user by default too (StaffOwnerMixin).
        return {**super().get_changeform_initial_data(request), **initial_from_sources(request)}

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # On a published story the tick publishes the figures: it is a publisher's decision.
        if obj is not None and obj.is_published and not may_publish(request.user):
            return [*fields, "figures_public"]
        return fields

    def save_model(self, request, obj, form, change):
        obj.stage_changed_by = request.user
        super().save_model(request, obj, form, change)

    # The board ------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("board/", view(self.board_view), name="partners_opportunity_board"),
            path("<int:pk>/move/", view(self.move_view), name="partners_opportunity_move"),
            *super().get_urls(),
        ]

    def board_queryset(self, filters: BoardFilter):
        ranked = Window(
            RowNumber(),
            partition_by=[F("stage")],
            order_by=[F("next_step_on").asc(nulls_last=True), F("title").asc(), F("pk").asc()],
        )
        return (
            filters.apply(Opportunity.objects.open())
            # No join with the users: a query of this app's tables alone is cached (cachalot).
            .select_related("partner_city", "local_organisation", "foreign_organisation")
            .only(
                "title",
                "stage",
                "kind",
                "next_step",
                "next_step_on",
                "version",
                "partner_city__name",
                "local_organisation__name",
                "foreign_organisation__name",
                "owner",
            )
            .annotate(rank=ranked)
            .filter(rank__lte=CARDS_PER_COLUMN)
            .order_by("stage", "rank")
        )

    def board_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        filters, status = BoardFilter(request.GET or None, user=request.user), 200
        if filters.is_bound and not filters.is_valid():
            # Said, not silently dropped; the other filters still apply, the bad ones are gone.
            for name, errors in filters.errors.items():
                label = filters.fields[name].label
                self.message_user(request, f"{label}: {' '.join(errors)}", messages.ERROR)
            valid = {key: value for key, value in request.GET.items() if key not in filters.errors}
            filters, status = BoardFilter(valid or None, user=request.user), 400
        cards = {stage: [] for stage in Opportunity.OPEN_STAGES}
        shown = list(self.board_queryset(filters))
        owners = dict(
            get_user_model()
            .objects.filter(pk__in={card.owner_id for card in shown})
            .values_list("pk", "username")
        )
        for opportunity in shown:
            opportunity.owner_name = owners.get(opportunity.owner_id, "")
            cards[opportunity.stage].append(opportunity)
        counts = dict(
            filters.apply(Opportunity.objects.open())
            .order_by()
            .values_list("stage")
            .annotate(n=Count("pk"))
        )
        stages = [(value, str(label)) for value, label in Stage.choices]  # translated once
        columns = [
            {
                "stage": stage,
                "label": Stage(stage).label,
                "cards": cards[stage],
                "count": counts.get(stage, 0),
                "list_query": filters.list_query(stage),
                # The same for every card of a column: rendered once, not once per card.
                "move_to": forms.Select(choices=[c for c in stages if c[0] != stage]).render(
                    "stage", None
                ),
            }
            for stage in Opportunity.OPEN_STAGES
        ]
        context = {
            **page_context(self, request, _("Pipeline of opportunities")),
            "filters": filters,
            "columns": columns,
            "may_move": self.has_change_permission(request),
            "may_add": self.has_add_permission(request),
            "back": request.get_full_path(),
        }
        return TemplateResponse(
            request, "partners/admin/opportunity_board.html", context, status=status
        )

    def move_view(self, request, pk):
        if request.method != "POST":
            return redirect("admin:partners_opportunity_board")
        if not self.has_change_permission(request):
            raise PermissionDenied
        back = request.POST.get("next", "")
        # Only a path of this site: redirect() took any other word for a view's name (a 500).
        if not back.startswith("/") or not url_has_allowed_host_and_scheme(
            back, {request.get_host()}
        ):
            back = reverse("admin:partners_opportunity_board")
        try:
            opportunity = move(
                pk=pk,
                stage=request.POST.get("stage", ""),
                loaded_version=request.POST.get("version", ""),
                lost_reason=request.POST.get("lost_reason", ""),
                user=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("“%(title)s” moved to %(stage)s.")
                % {"title": opportunity, "stage": opportunity.get_stage_display()},
            )
        return HttpResponseRedirect(back)


def move(*, pk, stage: str, loaded_version: str, lost_reason: str, user) -> Opportunity:
    """Move one opportunity to ``stage``, refusing a move based on an older version."""
    if stage not in Stage.values:
        raise ValidationError(_("Unknown stage “%(stage)s”.") % {"stage": stage})
    with transaction.atomic():
        opportunity = get_object_or_404(Opportunity.objects.select_for_update(), pk=pk)
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if not loaded_version.isdecimal():  # not from the board's own form
            raise ValidationError(
                _("Not moved: version %(value)s is not a version. Reload the board.")
                % {"value": repr(loaded_version)}
            )
        loaded = int(loaded_version)
        if stage == opportunity.stage:
            # Already there (the same move posted again from a second tab): nothing to do.
            return opportunity
        if loaded != opportunity.version:
            raise ValidationError(
                _(
                    "Not moved: someone else saved “%(title)s” after the board was loaded. "
                    "Their changes: %(changes)s. The board now shows the current state."
                )
                % {"title": opportunity, "changes": changes_since(opportunity, loaded)}
            )
        moved_to_won = stage == Stage.WON and opportunity.stage != Stage.WON
        if moved_to_won and (not opportunity.won_on or _dated_by_an_earlier_win(opportunity)):
            opportunity.won_on = timezone.localdate()
        opportunity.stage = stage
        if stage == Stage.LOST and lost_reason.strip():
            opportunity.lost_reason = lost_reason.strip()
        opportunity.full_clean()
        opportunity.stage_changed_by = user
        opportunity._history_user = user
        opportunity.save()
    return opportunity


def _dated_by_an_earlier_win(opportunity: Opportunity) -> bool:
    """Whether ``won_on`` is the day of a win since undone (reopened on its form, the day
    left filled in): a new win on the board is today's, not counted in that day's year."""
    last_win = opportunity.stage_changes.filter(stage=Stage.WON).order_by("-pk").first()
    return last_win is not None and last_win.entered_on == opportunity.won_on
