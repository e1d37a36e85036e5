"""Who meets whom, when and where: the schedule as each participant and counterpart sees it."""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from ..models import Delegation, MeetingRequest, Organisation, TripRegistration


@dataclass(frozen=True)
class AgendaEntry:
    starts_at: datetime
    ends_at: datetime
    zone: tzinfo  # the stop city's: times are shown in it
    city: str
    table: int | None
    company: str
    counterpart: str
    request: MeetingRequest


def _agenda(delegation: Delegation, **filters) -> list[AgendaEntry]:
    requests = (
        MeetingRequest.objects.filter(delegation=delegation, slot__isnull=False, **filters)
        .exclude(status__in=[MeetingRequest.Status.CANCELLED, MeetingRequest.Status.DECLINED])
        .select_related("slot__stop__city", "registration__organisation", "counterpart")
        .order_by("slot__starts_at", "table", "pk")
    )
    return [
        AgendaEntry(
            starts_at=request.slot.starts_at,
            ends_at=request.slot.ends_at,
            zone=request.slot.stop.city.tzinfo,
            city=request.slot.stop.city.name,
            table=request.table,
            company=request.registration.organisation.name,
            counterpart=request.counterpart.name,
            request=request,
        )
        for request in requests
    ]


def participant_agenda(registration: TripRegistration) -> list[AgendaEntry]:
    return _agenda(registration.delegation, registration=registration)


def counterpart_agenda(delegation: Delegation, organisation: Organisation) -> list[AgendaEntry]:
    return _agenda(delegation, counterpart=organisation)


def whole_schedule(delegation: Delegation) -> list[AgendaEntry]:
    return _agenda(delegation)


def counterpart_language(organisation: Organisation) -> str:
    """Chinese for counterparts in China, English for everyone else abroad."""
    city = organisation.city
    return "zh-hans" if city is not None and city.country == "CN" else "en"
