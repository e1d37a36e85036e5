"""Every admin URL, every role and an anonymous visitor: 200, 302 to login, or 403.

The expected answer is derived from partners.roles.ROLES, whose rendering is the README's
roles table (tests/test_roles.py). Import/export URLs are included for every admin class
that offers them (django-import-export), whichever helper adds them.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import RequestFactory
from django.urls import reverse

from partners.roles import ROLES, parse_rights

from .backoffice import ROLES as ROLE_NAMES
from .backoffice import admin_url_kinds, client_for, make_record, registered_admins, user_with_role

ALL_RIGHTS = {"view", "add", "change", "delete", "export", "import", "revert"}
# Which right opens which page. "delete own" does not open the delete page of a record
# someone else logged (the records here are logged by nobody).
NEEDS = {
    "changelist": {"view", "change", "change status"},
    "change": {"view", "change", "change status"},
    "history": {"view", "revert"},
    "add": {"add"},
    "delete": {"delete"},
    "import": {"import"},
    "export": {"export"},
}
OBJECT_URLS = {"change", "delete", "history"}


def _rights(role, model):
    words = parse_rights(ROLES[role].get(model._meta.label_lower, ""))
    if "all" not in words:
        return words
    # "all" covers import only where an import permission exists (company profiles).
    importable = Permission.objects.filter(
        content_type__app_label=model._meta.app_label,
        codename=f"import_{model._meta.model_name}",
    ).exists()
    return ALL_RIGHTS if importable else ALL_RIGHTS - {"import"}


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = AnonymousUser()
    request.user.is_superuser = request.user.is_active = request.user.is_staff = True
    request.user.has_perm = lambda perm, obj=None: True
    return request


def _offered(model_admin, kind) -> bool:
    """Whether the admin offers the page at all (axes' logs cannot be added, for instance)."""
    request = _superuser_request()
    if kind == "add":
        return model_admin.has_add_permission(request)
    if kind == "delete":
        return model_admin.has_delete_permission(request)
    return True


CASES = [
    pytest.param(model, kind, id=f"{model._meta.label_lower}-{kind}")
    for model, model_admin in registered_admins()
    for kind in admin_url_kinds(model_admin)
]


# Where a record names a user (logged by, owner, who changed it), every role opens that
# user's page: a colleague page (name, e-mail, roles) unless the role may see the account
# (tests/test_admin_history.py tells the two apart).
COLLEAGUE_PAGES = {("auth.user", "change")}


def _expected(model_admin, kind, role) -> int:
    if role is None:
        return 302
    if (model_admin.model._meta.label_lower, kind) in COLLEAGUE_PAGES:
        return 200
    allowed = bool(_rights(role, model_admin.model) & NEEDS[kind]) and _offered(model_admin, kind)
    return 200 if allowed else 403


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "kind"), CASES)
def test_each_role_gets_what_the_roles_table_promises(model, kind):
    from django.contrib import admin

    model_admin = admin.site.get_model_admin(model)
    opts = model._meta
    args = [make_record(model).pk] if kind in OBJECT_URLS else []
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{kind}", args=args)

    answers, expected = {}, {}
    for role in [None, *ROLE_NAMES]:
        response = client_for(user_with_role(role) if role else None).get(url)
        answers[role] = response.status_code
        expected[role] = _expected(model_admin, kind, role)
        if role is None:
            assert response["Location"].startswith(reverse("admin:login"))
    assert answers == expected
