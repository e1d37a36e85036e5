"""Back-office forms refuse control characters, as the import does: a vertical tab pasted
from Word into a published delegation's title made the public Atom feed answer 500."""

import pytest
from django.test import Client
from django.urls import reverse

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return client_for(user_with_role(TRADE_OFFICERS))


@pytest.mark.parametrize("character", ["\x0b", "\x01", "\x1f", "\x7f"])
def test_a_change_form_refuses_a_control_character(officer, character):
    delegation = f.DelegationFactory(title="Trip to Nanjing")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = change_form_data(officer, url)
    data["title_de"] = f"Trip{character}to Nanjing"

    response = officer.post(url, data)

    assert response.status_code == 200
    assert f"U+{ord(character):04X}" in form_errors(response)
    delegation.refresh_from_db()
    assert delegation.title_de == "Trip to Nanjing"


def test_an_inline_row_refuses_one_too(officer):
    meeting = f.MeetingFactory(title="Talk at the bureau")
    url = reverse("admin:partners_delegation_change", args=[meeting.delegation_id])
    data = change_form_data(officer, url)
    data["meetings-0-title_de"] = "Talk\x0bat the bureau"

    response = officer.post(url, data)

    assert response.status_code == 200
    assert "U+000B" in form_errors(response)
    meeting.refresh_from_db()
    assert meeting.title_de == "Talk at the bureau"


def test_line_breaks_and_tabs_are_kept(officer):
    delegation = f.DelegationFactory(title="Trip", summary="")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = change_form_data(officer, url)
    data["summary_de"] = "First day\r\n\tSecond day"

    response = officer.post(url, data)

    assert response.status_code == 302, form_errors(response)
    delegation.refresh_from_db()
    assert "\tSecond day" in delegation.summary_de


def test_the_public_feed_stays_readable_after_an_edit_was_refused(officer):
    delegation = f.DelegationFactory(
        title="Trip", visibility=m.Visibility.PUBLIC, status=m.Delegation.Status.COMPLETED
    )
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = change_form_data(officer, url)
    data["title_de"] = "Trip\x0bto Nanjing"
    officer.post(url, data)

    response = Client().get("/de/feeds/delegations.atom")

    assert response.status_code == 200
