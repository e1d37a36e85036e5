"""After the trip, one screen records what happened (issue 17, point 5)."""

import datetime

import pytest
from django.utils import timezone

from partners import models as m
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role

UTC = datetime.UTC


@pytest.fixture
def trip(db):
    trip = f.DelegationFactory(status="completed")
    nanjing = f.CityFactory(name="Nanjing")
    requests = []
    for n, consent in enumerate([True, False, True]):
        slot = f.MeetingSlotFactory(
            delegation=trip,
            stop__city=nanjing,
            starts_at=datetime.datetime(2026, 5, 10, 8 + n, tzinfo=UTC),
            ends_at=datetime.datetime(2026, 5, 10, 8 + n, 25, tzinfo=UTC),
        )
        profile = f.CompanyProfileFactory(
            consent_to_share=consent,
            visibility="public" if consent else "internal",
            organisation__name=f"Company {n}",
        )
        registration = f.TripRegistrationFactory(
            delegation=trip, organisation=profile.organisation, profile=profile
        )
        registration.representatives.add(f.PersonFactory(full_name=f"Traveller {n}"))
        requests.append(
            f.MeetingRequestFactory(
                registration=registration,
                counterpart=f.OrganisationFactory(name=f"Counterpart {n}", city=nanjing),
                slot=slot,
                table=1,
                status="scheduled",
            )
        )
    return trip, requests


def post_outcomes(client, trip, rows):
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows)}
    for i, (request, status, outcome, handed_over, *opportunity) in enumerate(rows):
        if opportunity and opportunity[0]:
            data[f"form-{i}-opportunity"] = "on"
        data[f"form-{i}-request"] = request.pk
        data[f"form-{i}-status"] = status
        data[f"form-{i}-outcome"] = outcome
        if handed_over:
            data[f"form-{i}-handed_over"] = "on"
    return client.post(f"/admin/partners/delegation/{trip.pk}/after-trip/", data, follow=True)


def test_held_meetings_are_logged_with_handovers_in_one_step(trip):
    delegation, (held, held_without_consent, no_show) = trip
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(f"/admin/partners/delegation/{delegation.pk}/after-trip/")
    assert page.status_code == 200 and "Counterpart 2" in page.text
    response = post_outcomes(
        officer,
        delegation,
        [
            (held, "held", "Wants samples", True, True),
            (held_without_consent, "held", "", True),
            (no_show, "no_show", "", False),
        ],
    )
    assert "Meetings logged: 2, handovers recorded: 1, opportunities opened: 1." in response.text
    assert "has not consented" in response.text
    held.refresh_from_db()
    meeting = held.meeting
    assert (meeting.delegation, meeting.city.name, meeting.date, meeting.outcome) == (
        delegation,
        "Nanjing",
        datetime.date(2026, 5, 10),
        "Wants samples",
    )
    assert meeting.starts_at == held.slot.starts_at
    assert set(meeting.organisations.values_list("name", flat=True)) == {
        "Company 0",
        "Counterpart 0",
    }
    assert list(meeting.attendees.values_list("full_name", flat=True)) == ["Traveller 0"]
    [handover] = m.ProfileHandover.objects.all()
    assert (handover.profile, handover.recipient, handover.meeting) == (
        held.registration.profile,
        held.counterpart,
        meeting,
    )
    [opportunity] = m.Opportunity.objects.all()
    assert (opportunity.meeting, opportunity.foreign_organisation, opportunity.stage) == (
        meeting,
        held.counterpart,
        "contacted",
    )
    assert opportunity.local_organisation == held.registration.organisation
    assert opportunity.next_step == "Wants samples"
    assert opportunity.visibility == "internal"
    no_show.refresh_from_db()
    assert (no_show.status, no_show.meeting) == ("no_show", None)
    # Saving again logs nothing twice.
    post_outcomes(officer, delegation, [(held, "held", "Wants samples", True, True)])
    assert m.Meeting.objects.filter(delegation=delegation).count() == 2
    assert m.Opportunity.objects.count() == 1
    assert m.ProfileHandover.objects.count() == 1


def test_a_held_meeting_once_logged_is_not_undone_by_another_outcome(trip):
    delegation, (held, *_others) = trip
    officer = client_for(user_with_role(TRADE_OFFICERS))
    post_outcomes(officer, delegation, [(held, "held", "Wants samples", False, True)])

    response = post_outcomes(officer, delegation, [(held, "no_show", "", False)])

    assert "Left as held, a meeting was logged for them" in response.text
    assert "Company 0 – Counterpart 0" in response.text
    held.refresh_from_db()
    assert held.status == "held" and held.meeting is not None
    assert m.Opportunity.objects.get().meeting == held.meeting


def test_managers_read_but_do_not_record(trip):
    delegation, _requests = trip
    manager = client_for(user_with_role(MANAGERS))
    assert manager.get(f"/admin/partners/delegation/{delegation.pk}/after-trip/").status_code == 403


def test_a_meeting_is_logged_on_the_local_day_and_listed_in_local_time(trip):
    delegation, (held, *_rest) = trip
    # 06:30 on 23 March in Nanjing is still 22 March in Berlin (23:30).
    m.MeetingSlot.objects.filter(pk=held.slot_id).update(
        starts_at=datetime.datetime(2026, 3, 22, 22, 30, tzinfo=UTC),
        ends_at=datetime.datetime(2026, 3, 22, 23, 15, tzinfo=UTC),
    )
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(f"/admin/partners/delegation/{delegation.pk}/after-trip/")
    # The city has only its German name: marked as such on the English page.
    assert '23/03/2026 06:30 (UTC+8), <span lang="de">Nanjing</span>' in page.text
    assert '<td><span lang="de">Company 0</span></td>' in page.text
    post_outcomes(officer, delegation, [(held, "held", "", False)])
    held.refresh_from_db()
    assert held.meeting.date == datetime.date(2026, 3, 23)


@pytest.mark.parametrize("forms", ["5", "99999999999999999999"])
def test_a_forged_row_count_shows_the_page_again_and_logs_nothing(trip, forms):
    delegation, (held, *_others) = trip
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.post(
        f"/admin/partners/delegation/{delegation.pk}/after-trip/",
        {
            "form-TOTAL_FORMS": forms,
            "form-INITIAL_FORMS": forms,
            "form-0-request": held.pk,
            "form-0-status": "held",
        },
    )
    assert response.status_code == 200
    assert response.text.count('name="form-0-request"') == 1
    assert "Counterpart 2" in response.text
    assert not m.Meeting.objects.exists()


def test_a_logged_meeting_is_titled_in_each_language_not_in_the_officers(trip):
    delegation, (held, *_rest) = trip
    counterpart = held.counterpart
    counterpart.name_de, counterpart.name_en = "Stadtregierung Nanjing", "Nanjing City Government"
    counterpart.name_zh_hans = "南京市人民政府"
    counterpart.save()
    officer = client_for(user_with_role(TRADE_OFFICERS))  # reads English pages
    post_outcomes(officer, delegation, [(held, "held", "", False, True)])
    held.refresh_from_db()
    meeting = held.meeting
    assert meeting.title_de == "Company 0 – Stadtregierung Nanjing"
    assert meeting.title_en == "Company 0 – Nanjing City Government"
    assert meeting.title_zh_hans == "Company 0 – 南京市人民政府"
    opportunity = meeting.opportunities.get()
    assert (opportunity.title_de, opportunity.title_zh_hans) == (
        meeting.title_de,
        meeting.title_zh_hans,
    )
    # Names with no translation: no English title, which falls back to German, marked.
    other = f.MeetingRequestFactory(registration=held.registration, slot=held.slot)
    post_outcomes(officer, delegation, [(other, "held", "", False)])
    other.refresh_from_db()
    assert other.meeting.title_en in (None, "")


def test_a_meeting_yet_to_begin_cannot_be_held_or_missed_but_may_be_cancelled(trip):
    delegation, (held, missed, cancelled) = trip
    soon = timezone.now() + datetime.timedelta(hours=2)
    m.MeetingSlot.objects.update(starts_at=soon, ends_at=soon + datetime.timedelta(minutes=45))
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = post_outcomes(
        officer,
        delegation,
        [
            (held, "held", "", True),
            (missed, "no_show", "", False),
            (cancelled, "cancelled", "", False),
        ],
    )
    assert response.text.count("This meeting has not begun yet") == 2
    assert not m.Meeting.objects.exists() and not m.ProfileHandover.objects.exists()
    assert set(m.MeetingRequest.objects.values_list("status", flat=True)) == {"scheduled"}


def test_a_profile_handed_over_twice_on_the_trip_already_is_not_recorded_again(trip):
    trip, requests = trip
    request = requests[0]
    for _ in range(2):  # e.g. logged on the delegation page, at two meetings
        f.ProfileHandoverFactory(
            profile=request.registration.profile, recipient=request.counterpart, delegation=trip
        )
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = post_outcomes(officer, trip, [(request, "held", "", True)])
    assert response.status_code == 200
    assert "handovers recorded: 0" in response.text
    assert m.ProfileHandover.objects.count() == 2
    assert m.Meeting.objects.filter(delegation=trip).count() == 1


def test_a_handover_ticked_for_a_company_without_profile_is_named(trip):
    trip, requests = trip
    request = requests[0]
    request.registration.profile = None
    request.registration.save()
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = post_outcomes(officer, trip, [(request, "held", "", True)])
    assert "Not handed over, the company has no profile: Company 0" in response.text
    assert not m.ProfileHandover.objects.exists()
