"""A follow-up is logged by whoever logs it, stamped by the server: on its own page and as
a row on a memorandum's or an opportunity's page; its owner starts as that officer."""

import pytest
from django.urls import reverse

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return user_with_role(TRADE_OFFICERS, username="officer")


@pytest.fixture
def colleague():
    return user_with_role(TRADE_OFFICERS, username="colleague")


def _owner_choice(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    select = page[start : page.index("</select>", start)]
    selected = [part for part in select.split("<option")[1:] if " selected" in part.split(">")[0]]
    return selected[0].split('value="')[1].split('"')[0] if selected else ""


def test_a_follow_up_added_on_its_own_page_is_logged_by_its_author(officer, colleague):
    client = client_for(officer)
    url = reverse("admin:partners_followup_add")
    data = change_form_data(client, url)
    assert data["owner"] == str(officer.pk)  # preset, still a choice
    data.update(title_de="Angebot schicken", kind="task", status="open")
    data["logged_by"] = str(colleague.pk)  # a posted author is not taken
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    follow_up = m.FollowUp.objects.get()
    assert (follow_up.logged_by, follow_up.owner) == (officer, officer)

    # Edited later by a colleague, it stays logged by its author.
    other = client_for(colleague)
    change = reverse("admin:partners_followup_change", args=[follow_up.pk])
    data = {**change_form_data(other, change), "title_de": "Angebot senden"}
    assert other.post(change, data).status_code == 302
    assert m.FollowUp.objects.get().logged_by == officer


@pytest.mark.parametrize("parent", ["memorandum", "opportunity"])
def test_a_follow_up_added_as_a_row_is_logged_by_its_author(officer, colleague, parent):
    record = {"memorandum": f.MemorandumFactory, "opportunity": f.OpportunityFactory}[parent]()
    client = client_for(officer)
    url = reverse(f"admin:partners_{parent}_change", args=[record.pk])
    page = client.get(url).text
    assert _owner_choice(page, "follow_ups-__prefix__-owner") == str(officer.pk)
    data = change_form_data(client, url)
    data.update(
        {
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-0-title_de": "Protokoll verschicken",
            "follow_ups-0-kind": "task",
            "follow_ups-0-status": "open",
            "follow_ups-0-owner": str(colleague.pk),  # handed to a colleague: allowed
            "follow_ups-0-logged_by": str(colleague.pk),  # not a field of the row
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    follow_up = m.FollowUp.objects.get()
    assert (follow_up.logged_by, follow_up.owner) == (officer, colleague)
