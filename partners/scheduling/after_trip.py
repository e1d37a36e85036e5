"""After the trip: scheduled meetings become logged meetings, handovers are recorded."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from ..models import Meeting, MeetingRequest, Opportunity, ProfileHandover
from ..models.base import copy_translations

OUTCOMES = [
    MeetingRequest.Status.HELD,
    MeetingRequest.Status.CANCELLED,
    MeetingRequest.Status.NO_SHOW,
]


@dataclass
class Outcome:
    request: MeetingRequest
    status: str  # one of OUTCOMES
    outcome: str = ""
    handed_over: bool = False
    opportunity: bool = False  # follow the outcome up as an opportunity


@dataclass
class Recorded:
    meetings: int = 0
    handovers: int = 0
    opportunities: int = 0
    without_consent: list[str] = field(default_factory=list)
    kept_held: list[str] = field(default_factory=list)
    without_profile: list[str] = field(default_factory=list)


@transaction.atomic
def record(outcomes: list[Outcome], *, user) -> Recorded:
    """One transaction: a held meeting is logged (once), with the company and the
    counterpart, and its profile handover when the company consented to sharing."""
    result = Recorded()
    for item in outcomes:
        request = item.request
        if request.meeting is not None and item.status != MeetingRequest.Status.HELD:
            # Its logged meeting may have notes, a handover, an opportunity by now: it is
            # not undone from here, and the request stays held with it.
            result.kept_held.append(f"{request.registration.organisation} – {request.counterpart}")
            continue
        request.status = item.status
        if item.status == MeetingRequest.Status.HELD:
            created = request.meeting is None
            meeting = request.meeting or _log_meeting(request, user)
            if item.outcome:
                meeting.outcome = item.outcome
                meeting.save()
            request.meeting = meeting
            result.meetings += created
            profile = request.registration.profile
            if item.handed_over and profile is None:
                result.without_profile.append(str(request.registration.organisation))
            elif item.handed_over:
                if not profile.consent_to_share:
                    result.without_consent.append(str(profile))
                else:
                    handed = {"profile": profile, "recipient": request.counterpart}
                    handed["delegation"] = request.delegation
                    # Logged already on this trip (even twice, from the delegation page).
                    if not ProfileHandover.objects.filter(**handed).exists():
                        ProfileHandover.objects.create(
                            **handed, meeting=meeting, handed_over_on=meeting.date
                        )
                        result.handovers += 1
            if item.opportunity and not meeting.opportunities.exists():
                _open_opportunity(request, meeting, item.outcome, user)
                result.opportunities += 1
        request.save()
    return result


def _log_meeting(request: MeetingRequest, user) -> Meeting:
    slot = request.slot
    meeting = Meeting.objects.create(
        delegation=request.delegation,
        date=slot.local_starts_at.date(),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        city=slot.stop.city,
        kind=Meeting.Kind.MEETING,
        logged_by=user,
        **_titles(request),
    )
    meeting.organisations.add(request.registration.organisation, request.counterpart)
    meeting.attendees.add(*request.registration.representatives.all())
    return meeting


def _titles(request: MeetingRequest) -> dict:
    """The title (company – counterpart) in each language from the names in that language,
    not in the officer's: a translation only where it differs from the German title."""
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            title = f"{request.registration.organisation.name} – {request.counterpart.name}"
        titles[code] = title
    german = titles[settings.LANGUAGE_CODE]
    return {
        build_localized_fieldname("title", code): title
        for code, title in titles.items()
        if code == settings.LANGUAGE_CODE or title != german
    }


def _open_opportunity(request: MeetingRequest, meeting: Meeting, outcome: str, user):
    """A cooperation idea from the meeting's outcome, linked to where it came from."""
    registration = request.registration
    opportunity = Opportunity(
        kind=Opportunity.Kind.COOPERATION,
        stage=Opportunity.Stage.CONTACTED,
        partner_city=meeting.city,
        local_organisation=registration.organisation,
        foreign_organisation=request.counterpart,
        profile=registration.profile,
        delegation=request.delegation,
        meeting=meeting,
        owner=user,
        logged_by=user,
        next_step=outcome[:250],
    )
    copy_translations(opportunity, "title", meeting, "title")  # in every language
    opportunity.stage_changed_by = user
    opportunity.save()
