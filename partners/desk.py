""" "My desk": what a back-office user should look at next.

Used by the admin index panel and by ``manage.py remind``. Follow-ups and opportunities
are personal (their owner); memoranda and delegations have no owner, so they are the
team's and appear on every desk. Records marked ready for publication appear on the desks
of those who may publish them.
"""

import datetime
from dataclasses import dataclass, field, fields

from django.db.models import F, Q
from django.utils import timezone

from .models import Delegation, FollowUp, Memorandum, Opportunity, PublicationRequest
from .publishing import may_publish, pending_requests
from .reports import figures, queries

# The report's figures a manager's desk compares with last year (partners.reports.figures.FIGURES).
HEADLINE = [
    "delegations_out",
    "delegations_in",
    "meetings",
    "handovers",
    "memoranda_signed",
    "memoranda_in_force",
    "follow_ups_overdue",
]
MEMORANDUM_HORIZON_DAYS = 90
DELEGATION_HORIZON_DAYS = 60


@dataclass
class Desk:
    follow_ups: list[FollowUp]
    memoranda: list[Memorandum]
    delegations: list[Delegation]
    opportunities: list[Opportunity]
    ready_to_publish: list[PublicationRequest] = field(default_factory=list)

    def __bool__(self):
        # Every field is a list of things to look at: the desk is empty when all are.
        return any(getattr(self, f.name) for f in fields(self))


def open_follow_ups(user):
    # Oldest due date first puts the overdue ones on top; undated ones last.
    return (
        FollowUp.objects.open()
        .filter(owner=user)
        .select_related("delegation", "memorandum")
        .order_by(F("due_on").asc(nulls_last=True), "title")
    )


def opportunities_due(user, today: datetime.date):
    """My open opportunities whose next step is due today or overdue, oldest first."""
    return (
        Opportunity.objects.next_step_due(today)
        .filter(owner=user)
        .select_related("partner_city")
        .order_by("next_step_on", "title")
    )


def memoranda_due(today: datetime.date):
    """Memoranda to review or renew: ``review_on`` or ``valid_until`` within 90 days, and
    reviews overdue (the date passed and was not moved on) while the memorandum is in force."""
    horizon = today + datetime.timedelta(days=MEMORANDUM_HORIZON_DAYS)
    in_force = Memorandum.objects.in_force(today).values("pk")
    return (
        Memorandum.objects.exclude(
            status__in=[Memorandum.Status.EXPIRED, Memorandum.Status.TERMINATED]
        )
        .filter(
            Q(review_on__range=(today, horizon))
            | Q(review_on__lt=today, pk__in=in_force)
            | Q(valid_until__range=(today, horizon))
        )
        .order_by(F("review_on").asc(nulls_last=True), "valid_until", "title")
    )


def upcoming_delegations(today: datetime.date):
    horizon = today + datetime.timedelta(days=DELEGATION_HORIZON_DAYS)
    return (
        Delegation.objects.filter(start_date__gte=today, start_date__lte=horizon)
        .exclude(status=Delegation.Status.CANCELLED)
        .select_related("origin_city")
        .order_by("start_date", "title")
    )


def desk_for(user, today: datetime.date | None = None) -> Desk:
    today = today or timezone.localdate()

    # Only what the user may read: a colleague taken out of their group (still staff, or
    # still the owner of old follow-ups) sees no titles on the index nor in a reminder.
    def readable(model_name, records):
        return list(records) if user.has_perm(f"partners.view_{model_name}") else []

    return Desk(
        follow_ups=readable("followup", open_follow_ups(user)),
        memoranda=readable("memorandum", memoranda_due(today)),
        delegations=readable("delegation", upcoming_delegations(today)),
        opportunities=readable("opportunity", opportunities_due(user, today)),
        ready_to_publish=pending_requests() if may_publish(user) else [],
    )


@dataclass
class Headline:
    year: int
    figures: list[tuple[str, int, int]]  # label, this year, last year


def headline(today: datetime.date | None = None) -> Headline:
    """This year's totals of the report's headline figures next to last year's, counted
    by the report itself (one read of the data for both years)."""
    today = today or timezone.localdate()
    criteria = queries.Criteria.for_year(today.year, today=today)
    periods = {
        "this": figures.period_of(criteria),
        "last": figures.period_of(queries.Criteria.for_year(today.year - 1, today=today)),
    }
    counted, _first = figures.count(criteria, periods, criteria.city_ids())
    compared = [
        (figures.BY_NAME[name].label, counted["this"].total[name], counted["last"].total[name])
        for name in HEADLINE
    ]
    return Headline(today.year, compared)
