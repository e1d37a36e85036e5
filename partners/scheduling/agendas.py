"""Who meets whom, when and where: the schedule as each participant and counterpart sees it."""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.db.models import Q

from ..models import (
    City,
    Delegation,
    MeetingRequest,
    MeetingSlot,
    Organisation,
    TripRegistration,
)


@dataclass(frozen=True)
class AgendaEntry:
    starts_at: datetime
    ends_at: datetime
    zone: tzinfo  # the stop city's: times are shown in it
    # Records, not names: a page marks a name that falls back to German.
    city: City
    table: int | None
    company: Organisation
    counterpart: Organisation
    request: MeetingRequest

    @classmethod
    def of(cls, request: MeetingRequest, slot: MeetingSlot, table: int | None = None):
        city = slot.stop.city
        return cls(
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            zone=city.tzinfo,
            city=city,
            table=table,
            company=request.registration.organisation,
            counterpart=request.counterpart,
            request=request,
        )


def _of(registration: TripRegistration | None = None, counterpart: Organisation | None = None):
    """The meetings of one participant (``registration``) or one counterpart. A company
    on the trip may be another's counterpart too: those meetings are on its agenda."""
    if registration is not None:
        return Q(registration=registration) | Q(counterpart=registration.organisation_id)
    if counterpart is not None:
        return Q(counterpart=counterpart)
    return Q()


def agenda(delegation: Delegation, **of) -> list[AgendaEntry]:
    """The trip's meetings in order; ``of`` narrows them to one participant
    (``registration=``) or one counterpart (``counterpart=``)."""
    Status = MeetingRequest.Status
    # A company no longer accepted meets nobody, even before the scheduler frees its slots;
    # what was held or missed stays on record.
    on_the_trip = Q(registration__status=TripRegistration.Status.ACCEPTED) | Q(
        status__in=[Status.HELD, Status.NO_SHOW]
    )
    requests = (
        MeetingRequest.objects.filter(on_the_trip, delegation=delegation, slot__isnull=False)
        .filter(_of(**of))
        .exclude(status__in=[Status.CANCELLED, Status.DECLINED])
        .select_related("slot__stop__city", "registration__organisation", "counterpart")
        .order_by("slot__starts_at", "table", "pk")
    )
    return [AgendaEntry.of(request, request.slot, request.table) for request in requests]


def dropped(delegation: Delegation, entries: list[AgendaEntry], **of) -> list[AgendaEntry]:
    """The meetings of ``of`` that had a slot once and are not in ``entries`` (their
    agenda) now: moved out by the scheduler, cancelled, declined, or of a company no longer
    on the trip. Each with the last slot it had, so that a calendar that imported the
    agenda can cancel it."""
    requests = (
        MeetingRequest.objects.filter(_of(**of), delegation=delegation)
        .exclude(pk__in=[entry.request.pk for entry in entries])
        .select_related("registration__organisation", "counterpart")
    )
    by_pk = {request.pk: request for request in requests}
    last_slot = {}
    versions = MeetingRequest.history.filter(id__in=list(by_pk), slot__isnull=False)
    for pk, slot_id in versions.order_by("history_date").values_list("id", "slot_id"):
        last_slot[pk] = slot_id  # the newest wins
    slots = MeetingSlot.objects.select_related("stop__city").in_bulk(set(last_slot.values()))
    return [
        AgendaEntry.of(by_pk[pk], slot)
        for pk, slot_id in sorted(last_slot.items())
        if (slot := slots.get(slot_id)) is not None  # a slot deleted since: nothing to cancel
    ]


def counterpart_language(organisation: Organisation) -> str:
    """Chinese for counterparts in China, English for everyone else abroad."""
    city = organisation.city
    return "zh-hans" if city is not None and city.country == "CN" else "en"
