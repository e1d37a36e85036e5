"""Ranked counterparts for a trip participant, each with the reasons it is suggested.

What the office knows decides: whether the counterpart already has the company's profile
and how it answered, how it answered profiles of the same sector, whether its kind serves
the company's interests, and the meetings and memoranda it has had with us.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from ..models import (
    Meeting,
    MemorandumParty,
    Organisation,
    ProfileHandover,
    Shown,
    TripRegistration,
)

Kind = Organisation.Kind
# Which kinds of organisation can help with each interest of a company.
SERVES = {
    "investment": {Kind.GOVERNMENT, Kind.AGENCY, Kind.MUNICIPAL},
    "expansion": {Kind.GOVERNMENT, Kind.AGENCY, Kind.MUNICIPAL, Kind.CHAMBER},
    "distribution": {Kind.COMPANY, Kind.ASSOCIATION, Kind.CHAMBER},
    "sourcing": {Kind.COMPANY, Kind.ASSOCIATION},
    "research": {Kind.EDUCATION},
    "cooperation": {Kind.COMPANY, Kind.ASSOCIATION, Kind.CHAMBER, Kind.EDUCATION},
}
POSITIVE = {ProfileHandover.Response.INTERESTED, ProfileHandover.Response.MEETING_ARRANGED}


@dataclass
class Suggestion:
    counterpart: Organisation
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    requested: bool = False
    mutual: bool = False

    def add(self, points: int, reason: str):
        self.score += points
        self.reasons.append(reason)


def candidates(registration: TripRegistration):
    """Organisations of the trip's stop cities, never the home city's."""
    return (
        Organisation.objects.filter(city__delegation_stops__delegation=registration.delegation)
        .exclude(city__is_home=True)
        .exclude(pk=registration.organisation_id)
        .select_related("city")
        .distinct()
    )


def suggestions(registration: TripRegistration, limit: int = 10) -> list[Suggestion]:
    profile = registration.profile
    sector_id = profile.sector_id if profile else None
    # code → name in the page's language
    interests = dict(profile.interests.values_list("code", "name")) if profile else {}
    found = {org.pk: Suggestion(org) for org in candidates(registration)}
    ids = list(found)

    same_sector = defaultdict(Counter)
    for recipient, profile_id, sector, response in ProfileHandover.objects.filter(
        recipient__in=ids
    ).values_list("recipient_id", "profile_id", "profile__sector_id", "response"):
        suggestion = found[recipient]
        if profile and profile_id == profile.pk:
            if response in POSITIVE:
                suggestion.add(6, _("already has your profile and was interested"))
            elif response == ProfileHandover.Response.DECLINED:
                suggestion.add(-4, _("declined your profile"))
            else:
                suggestion.add(3, _("already has your profile (no answer yet)"))
        elif sector_id and sector == sector_id:
            same_sector[recipient]["positive" if response in POSITIVE else "other"] += 1
    for recipient, counts in same_sector.items():
        if counts["positive"]:
            found[recipient].add(
                2 * min(counts["positive"], 3),
                _("interested in %(count)d profiles of your sector")
                % {"count": counts["positive"]},
            )
        elif counts["other"]:
            found[recipient].add(1, _("received profiles of your sector"))

    for suggestion in found.values():
        for code, name in sorted(interests.items()):
            if suggestion.counterpart.kind in SERVES.get(code, ()):
                suggestion.add(3, _("fits your interest: %(interest)s") % {"interest": name})

    meetings = (
        Meeting.organisations.through.objects.filter(organisation__in=ids)
        .values("organisation")
        .annotate(count=Count("meeting", distinct=True))
    )
    for row in meetings:
        found[row["organisation"]].add(
            min(row["count"], 3),
            _("%(count)d meetings with our office") % {"count": row["count"]},
        )
    signed = (
        MemorandumParty.objects.filter(organisation__in=ids, memorandum__status="signed")
        .annotate(title=Shown("memorandum__title"))  # in the page's language, as shown
        .values_list("organisation_id", "title")
    )
    for organisation, title in signed:
        found[organisation].add(2, _("signed “%(title)s” with us") % {"title": title})

    for counterpart_id, mutual in registration.requests.values_list("counterpart_id", "mutual"):
        if suggestion := found.get(counterpart_id):
            suggestion.requested, suggestion.mutual = True, mutual

    ranked = sorted(
        found.values(), key=lambda s: (-s.requested, -s.score, s.counterpart.name.casefold())
    )
    return [s for s in ranked if s.score > 0 or s.requested][:limit]
