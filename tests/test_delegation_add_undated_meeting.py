"""A meeting entered on a new delegation's page may leave its date open, as on a saved
delegation's page: it belongs to the delegation being added (real admin POSTs)."""

import pytest
from django.urls import reverse

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db


def _new_trip(client, url):
    data = change_form_data(client, url)
    data.update(
        {
            "title_de": "Trip to Nanjing",
            "slug": "trip-nanjing",
            "direction": "outbound",
            "status": "planned",
            "date_precision": "day",
            "visibility": "internal",
            "origin_city": str(f.HomeCityFactory().pk),
            "meetings-TOTAL_FORMS": "1",
            "meetings-0-date": "",
            "meetings-0-city": str(f.CityFactory(name="Nanjing").pk),
            "meetings-0-kind": "meeting",
            "meetings-0-title_de": "Date still open",
            "meetings-0-visibility": "internal",
        }
    )
    return data


def test_an_undated_meeting_is_saved_with_the_new_delegation():
    client = client_for(user_with_role(TRADE_OFFICERS))
    url = reverse("admin:partners_delegation_add")
    response = client.post(url, _new_trip(client, url))
    assert response.status_code == 302, form_errors(response)
    meeting = m.Meeting.objects.get(title_de="Date still open")
    assert meeting.date is None
    assert meeting.delegation == m.Delegation.objects.get(slug="trip-nanjing")


@pytest.mark.parametrize("origin_city", [None, "", "abc", "999999"])
def test_a_new_delegation_without_its_origin_city_names_the_field(origin_city):
    client = client_for(user_with_role(TRADE_OFFICERS))
    url = reverse("admin:partners_delegation_add")
    data = _new_trip(client, url)
    data.pop("origin_city")
    if origin_city is not None:
        data["origin_city"] = origin_city
    response = client.post(url, data)
    assert response.status_code == 200
    assert "origin_city" in response.context["adminform"].form.errors
    assert not m.Delegation.objects.exists() and not m.Meeting.objects.exists()
