"""Only a superuser makes superusers (issue 11, point 11).

Administrators manage users and groups with every permission on them; none of that lets
them set the superuser flag, on anyone (themselves included), nor take over an account
that has it. Every case goes through real POSTs of the admin's own forms.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from partners.roles import ADMINISTRATORS

from .backoffice import change_form_data, client_for, form_errors, user_with_role

User = get_user_model()
PASSWORD = "correct horse battery staple"


@pytest.fixture
def administrator(db):
    return user_with_role(ADMINISTRATORS, username="alice")


def _change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def _post_with_superuser_flag(client, user):
    data = change_form_data(client, _change_url(user))
    data["is_superuser"] = "on"
    return client.post(_change_url(user), data)


def test_an_administrator_cannot_make_themselves_superuser(administrator):
    client = client_for(administrator)

    response = _post_with_superuser_flag(client, administrator)

    assert response.status_code == 302, form_errors(response)
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_an_administrator_cannot_make_another_user_superuser(administrator):
    officer = user_with_role(None, username="bob")
    client = client_for(administrator)

    response = _post_with_superuser_flag(client, officer)

    assert response.status_code == 302, form_errors(response)
    officer.refresh_from_db()
    assert not officer.is_superuser


def test_the_change_form_does_not_offer_the_flag_to_an_administrator(administrator):
    response = client_for(administrator).get(_change_url(administrator))

    assert response.status_code == 200
    assert 'name="is_superuser"' not in response.content.decode()


def test_granting_every_permission_to_their_group_does_not_help(administrator):
    client = client_for(administrator)
    group = Group.objects.get(name=ADMINISTRATORS)
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = change_form_data(client, url)
    data["permissions"] = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert group.permissions.count() == Permission.objects.count()

    # Also every permission given to the account directly.
    data = change_form_data(client, _change_url(administrator))
    data["user_permissions"] = data["permissions"] = [
        str(pk) for pk in Permission.objects.values_list("pk", flat=True)
    ]
    data["is_superuser"] = "on"
    response = client.post(_change_url(administrator), data)

    assert response.status_code == 302, form_errors(response)
    administrator.refresh_from_db()
    assert administrator.user_permissions.count() == Permission.objects.count()
    assert not administrator.is_superuser


def test_a_new_user_added_by_an_administrator_is_no_superuser(administrator):
    client = client_for(administrator)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "carol",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "is_superuser": "on",
            "is_staff": "on",
        },
    )

    assert response.status_code == 302, form_errors(response)
    assert not User.objects.get(username="carol").is_superuser


@pytest.mark.parametrize("page", ["change", "password", "delete"])
def test_an_administrator_cannot_take_over_a_superuser_account(administrator, page):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = client_for(administrator)
    urls = {
        "change": _change_url(root),
        "password": reverse("admin:auth_user_password_change", args=[root.pk]),
        "delete": reverse("admin:auth_user_delete", args=[root.pk]),
    }
    data = {
        "change": {"username": "root", "email": "mine@example.org", "date_joined_0": "2020-01-01"},
        "password": {"password1": "taken over 123!", "password2": "taken over 123!"},
        "delete": {"post": "yes"},
    }[page]

    response = client.post(urls[page], data)

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@example.org"
    assert root.check_password(PASSWORD)


def test_a_superuser_still_makes_superusers(administrator):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = client_for(root)

    response = _post_with_superuser_flag(client, administrator)

    assert response.status_code == 302, form_errors(response)
    administrator.refresh_from_db()
    assert administrator.is_superuser


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("auth_group_change", "permissions"), ("auth_user_change", "groups")],
)
@pytest.mark.parametrize("value", [str(2**63), "abc"])
def test_a_forged_permission_or_group_is_an_invalid_value_not_a_crash(
    administrator, url_name, field, value
):
    # SQLite cannot bind a number beyond 64 bits: the lookup was a 500.
    record = Group.objects.create(name="Clerks") if "group" in url_name else administrator
    client = client_for(administrator)
    url = reverse(f"admin:{url_name}", args=[record.pk])
    data = {**change_form_data(client, url), field: ["1", value]}

    response = client.post(url, data)

    assert response.status_code == 200
    assert f"“{value}” is not a valid value." in form_errors(response)
