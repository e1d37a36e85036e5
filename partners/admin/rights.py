"""The rights each trip page, document and action of our own takes, declared once.

A document printed from a trip shows other models' records (registrations, meeting
requests, meetings and their outcomes, profiles, contacts): it takes the right to view
each of them, not only the trip's. An action that writes takes the right to change or add
what it writes. ``may`` checks a declaration; a view refuses with 403 and a page hides its
link when it says no. Names of the cities a stop or slot is in are shown with it.
"""


def _view(*models: str) -> tuple[str, ...]:
    return tuple(f"partners.view_{model}" for model in models)


# Who meets whom, when, where and at which table: the slots, the requests, the companies
# registered and the counterparts.
_SCHEDULE = ("delegation", "meetingslot", "meetingrequest", "tripregistration", "organisation")

REQUIRED: dict[str, tuple[str, ...]] = {
    # The schedule page, each company's and counterpart's agenda (page, .ics, PDF) and
    # the whole schedule (XLSX).
    "schedule": _view(*_SCHEDULE),
    # The scheduler's run (an action on trips): it places the meeting requests.
    "schedule_meetings": (*_view(*_SCHEDULE), "partners.change_meetingrequest"),
    # Cover, itinerary (stops, logged and scheduled meetings), who travels (members and
    # the companies' representatives), each counterpart's history (meetings with their
    # outcomes, memoranda, profiles handed over, open follow-ups).
    "briefing": _view(
        *_SCHEDULE,
        "delegationstop",
        "delegationmember",
        "person",
        "meeting",
        "memorandum",
        "profilehandover",
        "companyprofile",
        "followup",
    ),
    # A planned copy of trips (an action on trips): the trip, its stops and its members.
    "duplicate": (
        "partners.add_delegation",
        "partners.add_delegationstop",
        "partners.add_delegationmember",
    ),
    # A profile's handout: the profile, its company and its contact person.
    "handout": _view("companyprofile", "organisation", "person"),
    # A trip's handouts (and the job printing them): the profiles handed over on it.
    "handouts": _view("delegation", "profilehandover", "companyprofile", "organisation", "person"),
    # Each scheduled meeting's outcome: the request's status, the meeting logged with its
    # outcome, the profile handed over, the opportunity opened.
    "after_trip": (
        *_view(*_SCHEDULE, "meeting", "companyprofile"),
        "partners.change_meetingrequest",
        "partners.add_meeting",
        "partners.change_meeting",
        "partners.add_profilehandover",
        "partners.add_opportunity",
    ),
}


def holds(user, permissions) -> bool:
    """Whether ``user`` holds each permission; as in the admin, the right to change a
    model includes the right to view it."""
    return all(
        user.has_perm(permission) or user.has_perm(permission.replace(".view_", ".change_", 1))
        for permission in permissions
    )


def may(user, name: str) -> bool:
    return holds(user, REQUIRED[name])


def allowed(name: str):
    """A check for ``permitted_object``: 403 unless the user holds ``REQUIRED[name]``."""
    return lambda request, obj=None: may(request.user, name)


def links(user) -> dict[str, bool]:
    """For a page's links: which of these views the user may open."""
    return {name: may(user, name) for name in REQUIRED}
