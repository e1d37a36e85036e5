"""A trip's pages, documents and actions take the rights of the records they show or write,
not only the right to view delegations (partners/admin/rights.py).

A custom group holding only "view delegation" (an intern, a partner-city liaison) sees the
trip but none of its schedule, agendas, briefing, handouts or outcomes, nor links to them.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission

from partners import models as m
from partners.admin.rights import REQUIRED
from partners.roles import ADMINISTRATORS, MANAGERS, ROLES, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role

pytestmark = pytest.mark.django_db
UTC = datetime.UTC

# The rights of each document, spelled out here rather than read from the declaration.
SCHEDULE = [
    "view_delegation",
    "view_meetingslot",
    "view_meetingrequest",
    "view_tripregistration",
    "view_organisation",
]
BRIEFING = [
    *SCHEDULE,
    "view_delegationstop",
    "view_delegationmember",
    "view_person",
    "view_meeting",
    "view_memorandum",
    "view_profilehandover",
    "view_companyprofile",
    "view_followup",
]
HANDOUTS = [
    "view_delegation",
    "view_profilehandover",
    "view_companyprofile",
    "view_organisation",
    "view_person",
]
AFTER_TRIP = [
    *SCHEDULE,
    "view_meeting",
    "view_companyprofile",
    "change_meetingrequest",
    "add_meeting",
    "change_meeting",
    "add_profilehandover",
    "add_opportunity",
]
SCHEDULING = [*SCHEDULE, "change_meetingrequest"]


def in_group(*codenames):
    """A staff client whose only group holds exactly these partners permissions."""
    group = Group.objects.create(name=f"Custom {Group.objects.count()}")
    permissions = Permission.objects.filter(
        content_type__app_label="partners", codename__in=codenames
    )
    assert permissions.count() == len(set(codenames))
    group.permissions.set(permissions)
    user = f.UserFactory(is_staff=True)
    user.groups.add(group)
    return client_for(user)


@pytest.fixture
def trip(db):
    trip = f.DelegationFactory(title="Unternehmerreise 2027", status="planned")
    nanjing = f.CityFactory(name="Nanjing", country="CN")
    slot = f.MeetingSlotFactory(
        delegation=trip,
        stop__city=nanjing,
        starts_at=datetime.datetime(2026, 5, 10, 1, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2026, 5, 10, 1, 45, tzinfo=UTC),
    )
    profile = f.CompanyProfileFactory(organisation__name="Muster Maschinenbau GmbH")
    company = f.TripRegistrationFactory(
        delegation=trip, organisation=profile.organisation, profile=profile
    )
    bureau = f.OrganisationFactory(name="Nanjing Commerce Bureau", city=nanjing)
    request = f.MeetingRequestFactory(
        registration=company, counterpart=bureau, slot=slot, table=2, status="scheduled"
    )
    f.ProfileHandoverFactory(delegation=trip, profile=profile, recipient=bureau)
    return trip, company, bureau, request


def urls(trip, company, bureau) -> dict[str, list[str]]:
    """Each declaration's URLs on this trip."""
    base = f"/admin/partners/delegation/{trip.pk}/"
    agendas = [
        f"{base}agenda/{who}/{pk}.{fmt}"
        for who, pk in [("participant", company.pk), ("counterpart", bureau.pk)]
        for fmt in ("html", "ics", "pdf")
    ]
    return {
        "schedule": [f"{base}agenda/", *agendas, f"{base}schedule.xlsx"],
        "briefing": [f"{base}briefing.pdf"],
        "handouts": [f"{base}handouts.pdf?lang=en"],
        "after_trip": [f"{base}after-trip/"],
        "handout": [f"/admin/partners/companyprofile/{company.profile_id}/handout.pdf"],
    }


# What each link on the trip's page points to.
LINKS = {
    "schedule": "/agenda/",
    "after_trip": "/after-trip/",
    "briefing": "/briefing.pdf",
    "handouts": "/handouts.pdf",
}


def links_on_trip_page(client, trip) -> set[str]:
    page = client.get(f"/admin/partners/delegation/{trip.pk}/change/")
    assert page.status_code == 200
    return {name for name, link in LINKS.items() if f"{trip.pk}{link}" in page.text}


def test_the_right_to_view_trips_alone_opens_none_of_their_documents(trip):
    trip, company, bureau, _request = trip
    trips_only = in_group("view_delegation")
    for addresses in urls(trip, company, bureau).values():
        for url in addresses:
            assert trips_only.get(url).status_code == 403, url
    assert links_on_trip_page(trips_only, trip) == set()


def test_the_schedule_and_agendas_take_the_rights_on_slots_requests_and_companies(trip):
    trip, company, bureau, _request = trip
    liaison = in_group(*SCHEDULE)
    for url in urls(trip, company, bureau)["schedule"]:
        response = liaison.get(url)
        assert response.status_code == 200, url
    page = liaison.get(f"/admin/partners/delegation/{trip.pk}/agenda/")
    assert "Muster Maschinenbau GmbH" in page.text and "schedule.xlsx" in page.text
    for name in ("briefing", "handouts", "after_trip"):
        assert liaison.get(urls(trip, company, bureau)[name][0]).status_code == 403, name
    assert links_on_trip_page(liaison, trip) == {"schedule"}


def test_the_briefing_takes_the_rights_on_everything_it_tells(trip):
    trip, company, bureau, _request = trip
    reader = in_group(*BRIEFING)
    response = reader.get(f"/admin/partners/delegation/{trip.pk}/briefing.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert links_on_trip_page(reader, trip) == {"schedule", "briefing", "handouts"}


def test_the_handouts_take_the_rights_on_handovers_profiles_companies_and_contacts(trip):
    trip, company, bureau, _request = trip
    printer = in_group(*HANDOUTS)
    response = printer.get(f"/admin/partners/delegation/{trip.pk}/handouts.pdf?lang=en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert links_on_trip_page(printer, trip) == {"handouts"}
    # A profile's own handout: the profile, its company, its contact.
    profile_url = f"/admin/partners/companyprofile/{company.profile_id}/"
    profiles_only = in_group("view_companyprofile")
    assert profiles_only.get(f"{profile_url}handout.pdf").status_code == 403
    assert "handout.pdf" not in profiles_only.get(f"{profile_url}change/").text
    profile_reader = in_group("view_companyprofile", "view_organisation", "view_person")
    assert profile_reader.get(f"{profile_url}handout.pdf").status_code == 200
    assert "handout.pdf" in profile_reader.get(f"{profile_url}change/").text


def test_recording_outcomes_takes_the_rights_on_what_it_writes_not_on_the_trip(trip):
    trip, _company, _bureau, request = trip
    url = f"/admin/partners/delegation/{trip.pk}/after-trip/"
    data = {
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-0-request": request.pk,
        "form-0-status": "held",
        "form-0-outcome": "Internal: they want a discount",
    }
    # The right the page took before: changing the trip, which it does not write.
    trip_editor = in_group("view_delegation", "change_delegation")
    assert trip_editor.get(url).status_code == 403
    assert trip_editor.post(url, data).status_code == 403
    assert not m.Meeting.objects.exists()
    recorder = in_group(*AFTER_TRIP)
    page = recorder.get(url)
    assert page.status_code == 200 and "Muster Maschinenbau GmbH" in page.text
    assert recorder.post(url, data).status_code == 302
    assert m.Meeting.objects.get().outcome == "Internal: they want a discount"
    assert "after_trip" in links_on_trip_page(recorder, trip)


def test_running_the_scheduler_takes_the_right_to_change_meeting_requests(trip):
    trip, company, bureau, _request = trip
    f.MeetingRequestFactory(registration=company, delegation=trip)  # to be placed
    action = {"action": "schedule_trip_meetings", "_selected_action": [trip.pk]}
    changelist = "/admin/partners/delegation/"
    # The right the action took before: changing trips, while it writes requests.
    trip_editor = in_group("view_delegation", "change_delegation")
    assert "schedule_trip_meetings" not in trip_editor.get(changelist).text
    trip_editor.post(changelist, action)
    assert m.MeetingRequest.objects.filter(status="scheduled").count() == 1
    scheduler = in_group(*SCHEDULING)
    assert "schedule_trip_meetings" in scheduler.get(changelist).text
    response = scheduler.post(changelist, action, follow=True)
    assert "Unternehmerreise 2027: scheduled" in response.text


def test_a_planned_copy_takes_the_right_to_add_the_stops_and_members_it_copies(trip):
    trip, *_rest = trip
    f.DelegationMemberFactory(delegation=trip)
    action = {"action": "duplicate_as_planned_trip", "_selected_action": [trip.pk]}
    changelist = "/admin/partners/delegation/"
    # The right the action took before: adding trips.
    trip_adder = in_group("view_delegation", "add_delegation")
    assert "duplicate_as_planned_trip" not in trip_adder.get(changelist).text
    trip_adder.post(changelist, action)
    assert m.Delegation.objects.count() == 1
    copier = in_group(
        "view_delegation", "add_delegation", "add_delegationstop", "add_delegationmember"
    )
    copier.post(changelist, action)
    copy = m.Delegation.objects.exclude(pk=trip.pk).get()
    assert (copy.stops.count(), copy.members.count()) == (1, 1)


@pytest.mark.parametrize("name", ["schedule", "briefing", "handouts", "after_trip", "handout"])
def test_each_declared_right_is_needed(trip, name):
    """Without any one of its declared rights a view refuses; with all of them it opens."""
    trip, company, bureau, _request = trip
    required = [permission.split(".")[1] for permission in REQUIRED[name]]
    address = urls(trip, company, bureau)[name][0]
    for missing in required:
        if missing.replace("view_", "change_") in required:
            continue  # the right to change includes viewing
        client = in_group(*(codename for codename in required if codename != missing))
        assert client.get(address).status_code == 403, missing
    assert in_group(*required).get(address).status_code == 200


def test_the_right_to_change_a_model_includes_viewing_it_as_in_the_admin(trip):
    trip, company, bureau, _request = trip
    editor = in_group(*(codename.replace("view_", "change_") for codename in SCHEDULE))
    assert editor.get(urls(trip, company, bureau)["schedule"][0]).status_code == 200


def test_the_standard_roles_keep_their_links(trip):
    trip, _company, _bureau, _request = trip
    officer = client_for(user_with_role(TRADE_OFFICERS))
    manager = client_for(user_with_role(MANAGERS))
    assert links_on_trip_page(officer, trip) == set(LINKS)
    # Managers read everything and record nothing, as before.
    assert links_on_trip_page(manager, trip) == set(LINKS) - {"after_trip"}


@pytest.mark.parametrize("role", list(ROLES))
def test_the_standard_roles_open_what_they_opened_before(trip, role):
    trip, company, bureau, _request = trip
    client = client_for(user_with_role(role))
    for name, addresses in urls(trip, company, bureau).items():
        for url in addresses:
            # Managers record nothing: the after-trip form was refused them before too.
            expected = 403 if (role, name) == (MANAGERS, "after_trip") else 200
            assert client.get(url).status_code == expected, url
    actions = client.get("/admin/partners/delegation/").text
    writes = role in (TRADE_OFFICERS, ADMINISTRATORS)
    assert ("schedule_trip_meetings" in actions) is writes
    assert ("duplicate_as_planned_trip" in actions) is writes
