"""The partner city and day the report counts each record under, kept on the record.

Working them out (``queries.placement``) reads each record's delegation and its stops, its
meeting and its counterparts' cities: at ten years of records (demo scale 100) that took
2 s of every report after a write. They are kept in ``counted_in`` and ``counted_on``
instead (``CountedInReport``), refreshed in the transaction of every write that can change
them: the signals below for writes through the ORM, ``refresh`` called by the writes that
send none (bulk inserts, the import, demo data, ``loaddata``), and
``manage.py refresh_report_places`` after anything else (raw SQL, another client).

A refresh writes only the rows whose values changed: an unchanged table keeps its cached
counts (``reports.cache``).
"""

import functools
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import batched

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from ..models import (
    City,
    Delegation,
    DelegationStop,
    FollowUp,
    Meeting,
    Memorandum,
    MemorandumParty,
    Opportunity,
    Organisation,
    Partnership,
    ProfileHandover,
)
from .queries import KEPT, partner_ids, placement

BATCH = 500


def refresh(kind: str, where: Q | None = None) -> int:
    """Keep the partner city and day of the records of ``kind`` that ``where`` selects
    (None: all of them); returns how many rows changed."""
    model = KEPT[kind]
    if where is None:
        # Unordered: migration 0072 runs this before later migrations add what the model's
        # ordering reads (a follow-up's title_de).
        fresh = placement(kind, partner_ids()).filter(pk=OuterRef("pk")).order_by()
        return model._default_manager.update(
            counted_in=Subquery(fresh.values("place")), counted_on=Subquery(fresh.values("on"))
        )
    # Most writes select no record of most kinds: one small query, and no placement built.
    selected = model._default_manager.filter(where).values("pk")
    if not selected.exists():
        return 0
    rows = _placement(kind, tuple(partner_ids())).filter(pk__in=selected).order_by()
    changed = defaultdict(list)  # (city id, day) → pks
    for pk, place, on, was_in, was_on in rows.values_list(
        "pk", "place", "on", "counted_in", "counted_on"
    ):
        if (place, on) != (was_in, was_on):
            changed[place, on].append(pk)
    for (place, on), pks in changed.items():
        for batch in batched(pks, BATCH):  # SQLite takes some thousand parameters
            model._default_manager.filter(pk__in=batch).update(counted_in=place, counted_on=on)
    return sum(len(pks) for pks in changed.values())


@functools.lru_cache(maxsize=16)
def _placement(kind: str, partners: tuple[int, ...]) -> QuerySet:
    """``placement``, built once per set of partner cities: building its expressions takes
    longer than running it for one record (12 ms). Only ever filtered, which copies it."""
    return placement(kind, list(partners))


def refresh_all() -> int:
    with transaction.atomic():
        return sum(refresh(kind) for kind in KEPT)


def stale(kind: str) -> list[int]:
    """The records of ``kind`` whose kept values are not what ``placement`` works out."""
    rows = placement(kind, partner_ids()).values_list(
        "pk", "place", "on", "counted_in", "counted_on"
    )
    return [pk for pk, *now, was_in, was_on in rows if tuple(now) != (was_in, was_on)]


# What a write can change: per kind, the records to refresh (a Q on that kind's model).


def of_meetings(pks) -> dict[str, Q]:
    """A meeting's place and day are read by its handovers and follow-ups too."""
    return {
        "meetings": Q(pk__in=pks),
        "handovers": Q(meeting__in=pks),
        "follow_ups": Q(meeting__in=pks),
    }


def of_memoranda(pks) -> dict[str, Q]:
    return {"memoranda": Q(pk__in=pks), "follow_ups": Q(memorandum__in=pks)}


def of_delegations(pks) -> dict[str, Q]:
    return {
        "meetings": Q(delegation__in=pks),
        "handovers": Q(delegation__in=pks) | Q(meeting__delegation__in=pks),
        "memoranda": Q(delegation__in=pks),
        "follow_ups": Q(delegation__in=pks)
        | Q(meeting__delegation__in=pks)
        | Q(memorandum__delegation__in=pks),
    }


def of_organisations(pks) -> dict[str, Q]:
    """An organisation's city places the meetings, handovers and memoranda it is in."""
    return {
        "meetings": Q(organisations__in=pks),
        "handovers": Q(recipient__in=pks),
        "memoranda": Q(parties__organisation__in=pks),
        "follow_ups": Q(meeting__organisations__in=pks)
        | Q(memorandum__parties__organisation__in=pks),
    }


def of_city(pk) -> dict[str, Q]:
    """Whether a city is a partner city places the records that involve it."""
    trips = Delegation.objects.filter(Q(stops__city=pk) | Q(origin_city=pk)).values("pk")
    organisations = Organisation.objects.filter(city=pk).values("pk")
    return _merge(
        {
            "meetings": Q(city=pk),
            "handovers": Q(meeting__city=pk),
            "memoranda": Q(signed_in=pk) | Q(partnership__partner_city=pk),
            "follow_ups": Q(partner_city=pk)
            | Q(meeting__city=pk)
            | Q(memorandum__signed_in=pk)
            | Q(memorandum__partnership__partner_city=pk)
            | Q(opportunity__partner_city=pk),
        },
        dict.fromkeys(KEPT, Q(counted_in=pk)),
        of_delegations(trips),
        of_organisations(organisations),
    )


def _merge(*affected: dict[str, Q]) -> dict[str, Q]:
    merged = defaultdict(Q)
    for each in affected:
        for kind, where in each.items():
            merged[kind] |= where
    return merged


def refresh_affected(affected: dict[str, Q]) -> None:
    for kind, where in affected.items():
        refresh(kind, where)


# What each saved or deleted model affects.
AFFECTED = {
    Meeting: lambda meeting: of_meetings([meeting.pk]),
    ProfileHandover: lambda handover: {"handovers": Q(pk=handover.pk)},
    Memorandum: lambda memorandum: of_memoranda([memorandum.pk]),
    MemorandumParty: lambda party: of_memoranda([party.memorandum_id]),
    FollowUp: lambda follow_up: {"follow_ups": Q(pk=follow_up.pk)},
    Delegation: lambda delegation: of_delegations([delegation.pk]),
    DelegationStop: lambda stop: of_delegations([stop.delegation_id]),
    Organisation: lambda organisation: of_organisations([organisation.pk]),
    Partnership: lambda partnership: of_city(partnership.partner_city_id),
    # An opportunity's partner city places the follow-ups that have no other link.
    Opportunity: lambda opportunity: {"follow_ups": Q(opportunity=opportunity.pk)},
    # A city becoming a home city (or ceasing to be one) makes its partners partner cities.
    City: lambda city: _merge(
        of_city(city.pk),
        *(of_city(pk) for pk in city.partnerships.values_list("partner_city", flat=True)),
    ),
}
OWN_KIND = {model: kind for kind, model in KEPT.items()}
# The fields of these models that place other records, read before a save: a save that
# leaves them (a description edited) refreshes nothing, nor does a new row, which no
# record links to yet (but a partnership, which makes its city a partner city).
WATCHED = {
    City: ("is_home",),
    Partnership: ("partner_city_id", "home_city_id"),
    Organisation: ("city_id",),
    Delegation: ("direction", "origin_city_id", "start_date"),
    Opportunity: ("partner_city_id",),
}


# While a fixture loads (``loaddata``) the signals wait: its records arrive in any order,
# and one refresh at the end is quicker than one per row.
_paused = ContextVar("report_places_paused", default=False)


@contextmanager
def paused():
    """Writes in this block refresh nothing: call ``refresh_all`` after it."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _unless_paused(handler):
    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        if not _paused.get():
            handler(*args, **kwargs)

    return wrapper


@_unless_paused
def _remember(sender, instance, **kwargs):
    if instance.pk is not None:
        rows = sender._default_manager.filter(pk=instance.pk)
        instance.counted_before = rows.values_list(*WATCHED[sender]).first()


@_unless_paused
def _saved(sender, instance, created, **kwargs):
    if created and sender in OWN_KIND:  # a new record, which nothing links to yet
        refresh(OWN_KIND[sender], Q(pk=instance.pk))
    elif sender not in WATCHED:
        refresh_affected(AFFECTED[sender](instance))
    else:
        before = None if created else instance.counted_before
        now = tuple(getattr(instance, name) for name in WATCHED[sender])
        if before == now or (created and sender is not Partnership):
            return
        if sender is Partnership and before is not None:  # its cities changed
            refresh_affected(_merge(of_city(before[0]), of_city(now[0])))
        else:
            refresh_affected(AFFECTED[sender](instance))


# Deleting these empties other records' links to them (``SET_NULL``), or their
# many-to-many rows: which records were linked is read before.
LINKED = {Meeting, Memorandum, Delegation, Organisation, Opportunity}


@_unless_paused
def _deleting(sender, instance, **kwargs):
    if sender in LINKED:
        instance.counted_affected = {
            kind: Q(
                pk__in=list(KEPT[kind]._default_manager.filter(where).values_list("pk", flat=True))
            )
            for kind, where in AFFECTED[sender](instance).items()
        }


@_unless_paused
def _deleted(sender, instance, **kwargs):
    if sender in LINKED:
        refresh_affected(instance.counted_affected)
    else:
        refresh_affected(AFFECTED[sender](instance))


@_unless_paused
def _m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A meeting's organisations: ``instance`` is the meeting, or (``reverse``) an
    organisation whose meetings ``pk_set`` names (None for a clear: read before)."""
    if action == "pre_clear" and reverse:
        instance.counted_affected = of_meetings(
            list(instance.meetings.values_list("pk", flat=True))
        )
    elif action.startswith("post_"):
        if not reverse:
            refresh_affected(of_meetings([instance.pk]))
        elif pk_set is None:
            refresh_affected(instance.counted_affected)
        else:
            refresh_affected(of_meetings(list(pk_set)))


def connect():
    """Called by the app's ``ready``."""
    uid = "partners-report-places"
    for model in AFFECTED:
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    for model in WATCHED:
        pre_save.connect(_remember, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_m2m_changed, sender=Meeting.organisations.through, dispatch_uid=uid)
