"""`manage.py demo_user`: one login per role, with the password the README documents."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from partners.management.commands.demo_user import DEMO_PASSWORD

ROLES = {"admin": "Administrators", "officer": "Trade officers", "manager": "Managers"}


@pytest.fixture
def demo_users(db, settings):
    settings.DEBUG = True
    call_command("demo_user", verbosity=0)
    return get_user_model().objects.filter(username__in=ROLES)


def test_it_creates_one_staff_user_per_role(demo_users):
    groups = {
        user.username: list(user.groups.values_list("name", flat=True)) for user in demo_users
    }
    assert groups == {username: [group] for username, group in ROLES.items()}
    assert all(user.is_staff and user.is_active for user in demo_users)
    assert [user.username for user in demo_users.filter(is_superuser=True)] == ["admin"]


@pytest.mark.parametrize("username", ROLES)
def test_each_demo_user_logs_in_to_the_back_office(demo_users, client, username):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_running_it_again_resets_the_users_instead_of_duplicating_them(demo_users):
    officer = demo_users.get(username="officer")
    officer.set_password("something else")
    officer.is_staff = False
    officer.save()

    call_command("demo_user", verbosity=0)

    assert demo_users.count() == 3
    officer.refresh_from_db()
    assert officer.is_staff and officer.check_password(DEMO_PASSWORD)


def test_it_prints_the_login_lines(db, settings, capsys):
    settings.DEBUG = True
    call_command("demo_user")
    out = capsys.readouterr().out
    for username in ROLES:
        assert f"{username:<8} / {DEMO_PASSWORD}" in out


def test_it_refuses_to_publish_a_password_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_user")
    assert not get_user_model().objects.filter(username__in=ROLES).exists()
