"""An owner reads as a noun in German: "Nach Verantwortliche Person", not "Nach verantwortlich"."""

import pytest
from django.urls import reverse

from . import factories as f

pytestmark = pytest.mark.django_db


def _german_page(client, model):
    response = client.get(reverse(f"admin:partners_{model}_changelist"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return response.text


def test_the_opportunity_lists_owner_filter_reads_as_german(admin_client):
    f.OpportunityFactory(owner=f.UserFactory(is_staff=True))
    f.OpportunityFactory(owner=f.UserFactory(is_staff=True))
    page = _german_page(admin_client, "opportunity")
    assert "Nach Verantwortliche Person" in page
    assert "verantwortlich" not in page


def test_the_follow_up_lists_owner_column_reads_as_german(admin_client):
    f.FollowUpFactory(owner=f.UserFactory(is_staff=True))
    page = _german_page(admin_client, "followup")
    assert "Verantwortliche Person" in page
    assert "verantwortlich" not in page
