"""The three roles: the README's table, the groups in the database, and the special rights."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from partners import roles
from partners.models import FollowUp, Meeting

from . import factories as f
from .backoffice import change_form_data, client_for, user_with_role

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_roles_table_is_the_declared_one():
    assert roles.roles_table() in README.read_text()


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(roles.ROLES))
def test_each_group_has_exactly_the_declared_permissions(role):
    expected = set()
    for label, rights in roles.ROLES[role].items():
        for app_label, model, codename in roles.codenames(label, rights):
            found = Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model
            )
            if codename:
                found = found.filter(codename=codename)
            # Every declared right exists: a typo in roles.py cannot pass silently.
            # ("all" also covers the history, which only the partners models have.)
            without_history = codename is None and app_label != "partners"
            assert found.exists() or without_history, (role, label, codename)
            expected |= set(found)
    assert set(Group.objects.get(name=role).permissions.all()) == expected


@pytest.mark.django_db
def test_export_exists_for_every_model_and_import_for_company_profiles():
    # The models of the domain are the ones with a history (not the import log).
    for model in apps.get_app_config("partners").get_models():
        if model.__name__.startswith("Historical") or not hasattr(model, "history"):
            continue
        assert Permission.objects.filter(codename=f"export_{model._meta.model_name}").exists()
    assert Permission.objects.filter(codename="import_companyprofile").exists()
    assert Permission.objects.filter(codename="view_reports").exists()


@pytest.mark.django_db
def test_a_migrate_after_groups_lost_their_permissions_restores_them(django_db_blocker):
    from django.core.management import call_command

    Group.objects.get(name=roles.MANAGERS).permissions.clear()
    call_command("migrate", verbosity=0)
    assert (
        Group.objects.get(name=roles.MANAGERS).permissions.filter(codename="view_reports").exists()
    )


@pytest.mark.django_db
def test_a_migrate_rewrites_only_the_reference_names_that_changed():
    from django.core.management import call_command

    from partners.models import Sector

    Sector.objects.filter(code="C").update(name_en="Old name")
    history = Sector.history.count()
    call_command("migrate", verbosity=0)
    assert Sector.objects.get(code="C").name_en == "Manufacturing"
    assert Sector.history.count() == history + 1  # C's, and no unchanged sector's


@pytest.mark.django_db
def test_a_trade_officer_deletes_a_meeting_they_logged():
    officer = user_with_role(roles.TRADE_OFFICERS)
    meeting = f.MeetingFactory(logged_by=officer)
    url = reverse("admin:partners_meeting_delete", args=[meeting.pk])
    response = client_for(officer).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [f.MeetingFactory, f.FollowUpFactory, f.PhotoFactory])
def test_a_trade_officer_cannot_delete_what_a_colleague_logged(factory):
    officer = user_with_role(roles.TRADE_OFFICERS)
    record = factory(logged_by=user_with_role(roles.TRADE_OFFICERS))
    opts = record._meta
    url = reverse(f"admin:partners_{opts.model_name}_delete", args=[record.pk])
    assert client_for(officer).post(url, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_the_bulk_delete_action_is_not_offered_to_trade_officers():
    officer = user_with_role(roles.TRADE_OFFICERS)
    response = client_for(officer).get(reverse("admin:partners_meeting_changelist"))
    assert b'value="delete_selected"' not in response.content
    administrator = user_with_role(roles.ADMINISTRATORS)
    response = client_for(administrator).get(reverse("admin:partners_meeting_changelist"))
    assert b'value="delete_selected"' in response.content


@pytest.mark.django_db
def test_a_trade_officer_cannot_delete_a_colleagues_meeting_from_the_delegation_page():
    officer = user_with_role(roles.TRADE_OFFICERS)
    meeting = f.MeetingFactory(logged_by=user_with_role(roles.TRADE_OFFICERS))
    delegation = meeting.delegation
    client = client_for(officer)
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = change_form_data(client, url)
    data["meetings-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "You may only delete records you logged yourself" in response.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.django_db
def test_a_manager_changes_the_status_of_a_follow_up_and_nothing_else():
    manager = user_with_role(roles.MANAGERS)
    follow_up = f.FollowUpFactory(title="Send the profiles")
    url = reverse("admin:partners_followup_change", args=[follow_up.pk])
    client = client_for(manager)
    data = change_form_data(client, url)
    assert "title" not in data  # shown read-only
    data.update(status=FollowUp.Status.DONE, title="Something else")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.title == "Send the profiles"


@pytest.mark.django_db
def test_a_trade_officer_cannot_publish_even_by_posting_the_action():
    officer = user_with_role(roles.TRADE_OFFICERS)
    follow_up = f.FollowUpFactory(visibility="internal")
    url = reverse("admin:partners_followup_changelist")
    response = client_for(officer).get(url)
    assert b'value="publish"' not in response.content
    data = {"action": "publish", "_selected_action": [follow_up.pk], "index": 0}
    client_for(officer).post(url, data)
    follow_up.refresh_from_db()
    assert not follow_up.is_published
