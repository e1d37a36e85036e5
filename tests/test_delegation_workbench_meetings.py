"""On the delegation page, a handover names a meeting entered on the same page, before
anything is saved: by the meeting's number in the Meetings table (real admin POSTs)."""

import pytest
from django.urls import reverse

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:partners_delegation_add")


@pytest.fixture
def officer_client():
    return client_for(user_with_role(TRADE_OFFICERS))


def _new_trip(officer_client, **rows) -> dict:
    nanjing, jining = f.CityFactory(name="Nanjing"), f.CityFactory(name="Jining")
    data = change_form_data(officer_client, ADD_URL)
    data.update(
        {
            "title_de": "Trip to Nanjing and Jining",
            "slug": "trip-nanjing-jining",
            "direction": "outbound",
            "status": "planned",
            "date_precision": "day",
            "visibility": "internal",
            "origin_city": str(f.HomeCityFactory().pk),
            "meetings-TOTAL_FORMS": "2",
        }
    )
    for index, (city, title) in enumerate([(nanjing, "In Nanjing"), (jining, "In Jining")]):
        data.update(
            {
                f"meetings-{index}-date": "2027-06-26",
                f"meetings-{index}-city": str(city.pk),
                f"meetings-{index}-kind": "meeting",
                f"meetings-{index}-title_de": title,
                f"meetings-{index}-visibility": "internal",
            }
        )
    data.update(rows)
    return data


def _handover(index: int, **fields) -> dict:
    profile = f.CompanyProfileFactory()
    recipient = f.OrganisationFactory()
    row = {"profile": str(profile.pk), "recipient": str(recipient.pk), "response": "none"}
    row.update(fields)
    return {f"handovers-{index}-{name}": value for name, value in row.items()}


def test_a_handover_names_the_second_meeting_before_the_first_save(officer_client):
    data = _new_trip(
        officer_client,
        **{"handovers-TOTAL_FORMS": "2"},
        **_handover(0, meeting_row="2"),
        **_handover(1),
    )

    response = officer_client.post(ADD_URL, data)

    assert response.status_code == 302, form_errors(response)
    trip = m.Delegation.objects.get(slug="trip-nanjing-jining")
    first, second = trip.handovers.order_by("pk")
    assert first.meeting == trip.meetings.get(title_de="In Jining")
    assert second.meeting is None


@pytest.mark.parametrize(
    ("row", "extra", "message"),
    [
        ("3", {}, "There is no meeting no. 3"),
        ("2", {"meetings-1-DELETE": "on"}, "There is no meeting no. 2"),
        ("0", {}, "greater than or equal to 1"),
    ],
)
def test_a_meeting_number_that_is_not_on_the_page_is_refused_and_nothing_saved(
    officer_client, row, extra, message
):
    data = _new_trip(
        officer_client, **{"handovers-TOTAL_FORMS": "1"}, **_handover(0, meeting_row=row), **extra
    )

    response = officer_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert message in form_errors(response)
    assert not m.Delegation.objects.exists() and not m.Meeting.objects.exists()


def test_a_saved_meeting_and_a_number_together_are_refused(officer_client):
    saved = f.MeetingFactory()
    data = _new_trip(
        officer_client,
        **{"handovers-TOTAL_FORMS": "1"},
        **_handover(0, meeting_row="1", meeting=str(saved.pk)),
    )

    response = officer_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "not both" in form_errors(response)


def test_on_the_change_page_a_new_meeting_is_named_after_the_saved_ones(officer_client):
    trip = f.DelegationFactory()
    f.MeetingFactory(delegation=trip, title="Saved earlier")
    url = reverse("admin:partners_delegation_change", args=[trip.pk])
    data = change_form_data(officer_client, url)
    city = f.CityFactory()
    data.update(
        {
            "meetings-TOTAL_FORMS": "2",
            "meetings-1-date": "2019-06-27",
            "meetings-1-city": str(city.pk),
            "meetings-1-kind": "signing",
            "meetings-1-title_de": "Signing",
            "meetings-1-visibility": "internal",
            "handovers-TOTAL_FORMS": "1",
            **_handover(0, meeting_row="2"),
        }
    )

    response = officer_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert trip.handovers.get().meeting == trip.meetings.get(title_de="Signing")
