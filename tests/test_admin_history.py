"""History: who changed which field from what to what; only Administrators revert."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from partners import models as m
from partners.roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_delegation():
    """A delegation whose title an officer changed once in the back office."""
    officer = client_for(user_with_role(TRADE_OFFICERS, username="officer.meier"))
    delegation = f.DelegationFactory(title="Trip to Nanjing")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = change_form_data(officer, url)
    data["title_de"] = "Trip to Nanjing and Jining"  # the German (source) text
    assert officer.post(url, data).status_code == 302
    return delegation


def test_the_history_page_shows_who_changed_which_field_from_what_to_what(edited_delegation):
    manager = client_for(user_with_role(MANAGERS))
    url = reverse("admin:partners_delegation_history", args=[edited_delegation.pk])
    page = manager.get(url).content.decode()
    row = page[page.index("officer.meier") :]
    assert "Title [de]:</strong>" in row
    assert "Trip to Nanjing" in row
    assert "Trip to Nanjing and Jining" in row


@pytest.mark.parametrize(
    ("role", "account"), [(MANAGERS, False), (TRADE_OFFICERS, False), (ADMINISTRATORS, True)]
)
def test_who_made_a_change_links_to_the_colleague_or_for_administrators_the_account(
    edited_delegation, role, account
):
    """Those who may not see accounts get who it is and how to reach them, not a 403."""
    client = client_for(user_with_role(role))
    url = reverse("admin:partners_delegation_history", args=[edited_delegation.pk])
    page = client.get(url).content.decode()

    [officer] = m.Delegation.history.model.objects.filter(history_user__isnull=False).values_list(
        "history_user", flat=True
    )
    get_user_model().objects.filter(pk=officer).update(email="meier@leipzig.example")
    user_page = reverse("admin:auth_user_change", args=[officer])
    assert f'href="{user_page}"' in page and "officer.meier" in page
    colleague = client.get(user_page)
    assert colleague.status_code == 200
    assert "meier@leipzig.example" in colleague.text
    assert "Trade officers" in colleague.text
    assert ("Password" in colleague.text) is account  # the account's form: administrators only
    assert ("Permissions" in colleague.text) is account


def test_a_colleague_page_names_the_role_in_the_pages_language_and_404s_for_nobody():
    officer = user_with_role(TRADE_OFFICERS, username="li.wei", first_name="Wei", last_name="Li")
    manager = client_for(user_with_role(MANAGERS))
    page = manager.get(
        reverse("admin:auth_user_change", args=[officer.pk]), headers={"accept-language": "zh-hans"}
    ).text
    assert "<h1>Wei Li</h1>" in page and "外贸专员" in page
    missing = reverse("admin:auth_user_change", args=[officer.pk + 1000])
    assert manager.get(missing).status_code == 404
    assert manager.get(reverse("admin:auth_user_change", args=["x"])).status_code in (400, 404)


def test_the_history_page_reads_in_german_and_passes_the_csp(edited_delegation):
    """Its title and "Changes" in German, no "None" for a change without a reason, and no
    inline style, which the content security policy refuses (a console error)."""
    manager = client_for(user_with_role(MANAGERS))
    url = reverse("admin:partners_delegation_history", args=[edited_delegation.pk])
    page = manager.get(url, headers={"accept-language": "de"}).content.decode()
    assert "<title>Verlauf ansehen: Trip to Nanjing and Jining |" in page
    table = page[page.index('id="change-history"') :]
    assert '<th scope="col">Änderungen</th>' in table
    # A change without a reason ("Keine" is one without a user).
    assert not re.search(r"<td>\s*None\s*</td>", table)
    assert "style=" not in table


def _revert(client, delegation):
    first = delegation.history.earliest()
    url = reverse(
        "admin:partners_delegation_simple_history", args=[delegation.pk, first.history_id]
    )
    assert "Revert" in client.get(url).content.decode()
    return client.post(url, change_form_data(client, url))


def test_an_administrator_reverts_to_an_earlier_version(edited_delegation):
    administrator = client_for(user_with_role(ADMINISTRATORS))
    response = _revert(administrator, edited_delegation)
    assert response.status_code == 302, form_errors(response)
    edited_delegation.refresh_from_db()
    assert edited_delegation.title == "Trip to Nanjing"
    # The revert is the newest version, not a reuse of an old number.
    assert edited_delegation.version == 3
    assert edited_delegation.history.count() == 3


@pytest.mark.parametrize("role", [TRADE_OFFICERS, MANAGERS])
def test_nobody_else_can_revert(edited_delegation, role):
    client = client_for(user_with_role(role))
    first = edited_delegation.history.earliest()
    url = reverse(
        "admin:partners_delegation_simple_history",
        args=[edited_delegation.pk, first.history_id],
    )
    page = client.get(url).content.decode()
    assert "Revert" not in page
    data = change_form_data(client, url)
    assert client.post(url, data).status_code == 403
    edited_delegation.refresh_from_db()
    assert edited_delegation.title == "Trip to Nanjing and Jining"


def test_an_empty_value_in_the_history_reads_as_a_dash_not_none():
    officer = client_for(user_with_role(TRADE_OFFICERS, username="officer.meier"))
    delegation = f.DelegationFactory(title="Reise nach Nanjing")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = change_form_data(officer, url)
    assert not data["title_en"]  # no English title yet
    data["title_en"] = "Trip to Nanjing"
    response = officer.post(url, data)
    assert response.status_code == 302, form_errors(response)

    history = reverse("admin:partners_delegation_history", args=[delegation.pk])
    page = client_for(user_with_role(MANAGERS)).get(history).content.decode()
    row = page[page.index("Title [en]:</strong>") :].split("</li>")[0]

    assert "Trip to Nanjing" in row
    assert "–" in row and "None" not in row


def test_a_stage_a_day_and_a_yes_no_read_in_the_history_as_in_the_form():
    officer = client_for(user_with_role(TRADE_OFFICERS, username="officer.meier"))
    opportunity = f.OpportunityFactory(stage="in_talks")
    url = reverse("admin:partners_opportunity_change", args=[opportunity.pk])
    data = change_form_data(officer, url)
    data.update(stage="won", won_on="2025-09-10", figures_public="on")
    response = officer.post(url, data)
    assert response.status_code == 302, form_errors(response)

    history = reverse("admin:partners_opportunity_history", args=[opportunity.pk])
    manager = client_for(user_with_role(MANAGERS))
    page = manager.get(history, headers={"accept-language": "de"}).content.decode()
    row = page[page.index("officer.meier") : page.index("Erstellt")].replace("&nbsp;", " ")
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row)).replace("&rarr;", "→")
    assert "Phase: im Gespräch → gewonnen" in row
    assert "Gewonnen am: – → 10.09.2025" in row
    assert "Zahlen öffentlich: Nein → Ja" in row
    # Summaries left empty: None before, "" from the form, which is no change.
    assert "Zusammenfassung" not in row


def test_a_link_set_where_there_was_none_reads_from_a_dash_not_from_a_deleted_record():
    """simple_history names an empty link "Deleted city (pk=None)"; the form shows it empty."""
    officer = client_for(user_with_role(TRADE_OFFICERS, username="officer.meier"))
    opportunity = f.OpportunityFactory(partner_city=None)
    city = f.CityFactory(name="Jining")
    url = reverse("admin:partners_opportunity_change", args=[opportunity.pk])
    stale = change_form_data(officer, url)
    response = officer.post(url, change_form_data(officer, url) | {"partner_city": city.pk})
    assert response.status_code == 302, form_errors(response)

    history = reverse("admin:partners_opportunity_history", args=[opportunity.pk])
    page = officer.get(history, headers={"accept-language": "de"}).content.decode()
    row = page[page.index("officer.meier") : page.index("Erstellt")].replace("&nbsp;", " ")
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row)).replace("&rarr;", "→")
    assert "Partnerstadt: – → Jining" in row
    assert "pk=None" not in page
    # The refusal of a save from the page opened before names it so too.
    refused = officer.post(url, stale | {"next_step": "Anrufen"}).content.decode()
    assert "partner city “–” → “Jining”" in refused.replace("&quot;", '"')
    assert "pk=None" not in refused


def test_a_link_to_a_record_deleted_since_is_named_in_the_pages_language():
    """simple_history names it "Deleted %(type_name)s (pk=…)", a string its own German and
    Chinese catalogues lack."""
    officer = client_for(user_with_role(TRADE_OFFICERS, username="officer.meier"))
    opportunity = f.OpportunityFactory(partner_city=f.CityFactory(name="Krakau"))
    url = reverse("admin:partners_opportunity_change", args=[opportunity.pk])
    jining = f.CityFactory(name="Jining")
    response = officer.post(url, change_form_data(officer, url) | {"partner_city": jining.pk})
    assert response.status_code == 302, form_errors(response)
    m.City.objects.filter(name="Krakau").delete()

    history = reverse("admin:partners_opportunity_history", args=[opportunity.pk])
    for language, deleted in (("de", "Gelöscht: Stadt"), ("zh-hans", "已删除的城市")):
        page = officer.get(history, headers={"accept-language": language}).text
        assert deleted in page, language
        assert "Deleted" not in page, language
