"""Who meets whom, when and where: the schedule as each participant and counterpart sees it."""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.db.models import Q

from ..models import City, Delegation, MeetingRequest, Organisation, TripRegistration


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


def agenda(delegation: Delegation, **filters) -> list[AgendaEntry]:
    """The trip's meetings in order; ``filters`` narrow them to one participant
    (``registration=``) or one counterpart (``counterpart=``)."""
    Status = MeetingRequest.Status
    # A company no longer accepted meets nobody, even before the scheduler frees its slots;
    # what was held or missed stays on record.
    on_the_trip = Q(registration__status=TripRegistration.Status.ACCEPTED) | Q(
        status__in=[Status.HELD, Status.NO_SHOW]
    )
    requests = (
        MeetingRequest.objects.filter(on_the_trip, delegation=delegation, slot__isnull=False)
        .filter(**filters)
        .exclude(status__in=[Status.CANCELLED, Status.DECLINED])
        .select_related("slot__stop__city", "registration__organisation", "counterpart")
        .order_by("slot__starts_at", "table", "pk")
    )
    return [
        AgendaEntry(
            starts_at=request.slot.starts_at,
            ends_at=request.slot.ends_at,
            zone=request.slot.stop.city.tzinfo,
            city=request.slot.stop.city,
            table=request.table,
            company=request.registration.organisation,
            counterpart=request.counterpart,
            request=request,
        )
        for request in requests
    ]


def counterpart_language(organisation: Organisation) -> str:
    """Chinese for counterparts in China, English for everyone else abroad."""
    city = organisation.city
    return "zh-hans" if city is not None and city.country == "CN" else "en"
