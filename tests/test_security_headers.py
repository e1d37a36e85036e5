"""Production settings: `check --deploy` is clean and every page carries the security headers.

The production values are computed by a separate process from the documented environment
(DEBUG=0, SECRET_KEY, ALLOWED_HOSTS), exactly as a server would read them, and then applied
to the test run, so the requests below go through the real middleware stack.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-" + "k" * 60,
    "ALLOWED_HOSTS": "crm.example.org,testserver",
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS",
    "SECURE_CSP",
    "ALLOWED_HOSTS",
]

# Public pages to check, as (path, template the page needs). The public site (issue 6)
# adds its templates; extend this list with every public page it builds.
PUBLIC_PAGES = [
    ("/healthz", None),
    ("/de/", "partners/home.html"),
    ("/en/", "partners/home.html"),
    ("/de/delegations/", "partners/delegation_list.html"),
    ("/de/memoranda/", "partners/memorandum_list.html"),
    ("/de/companies/", "partners/company_list.html"),
    # A missing record: the 404 page must carry the headers too.
    ("/de/delegations/no-such-delegation/", None),
]
# Back-office and report pages, fetched as a logged-in superuser.
STAFF_PAGES = ["/admin/", "/admin/partners/delegation/", "/admin/partners/person/", "/reports/"]


def _run_with_production_env(args):
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "crm.settings"}
    # Only the test run needs this (see conftest); a server must never have it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def production_values():
    script = (
        "import json, django; django.setup(); from django.conf import settings;"
        f"print(json.dumps({{k: getattr(settings, k) for k in {SECURITY_SETTINGS!r}}}))"
    )
    result = _run_with_production_env(["-c", script])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, value)
    return settings


def _skip_unless_routed(path, template=None):
    prefix = path.split("/")[1]
    language = prefix if prefix in dict(django_settings.LANGUAGES) else None
    try:
        with translation.override(language):
            resolve(path)
    except Resolver404:
        pytest.skip(f"{path} is not routed on this branch yet")
    if template:
        try:
            get_template(template)
        except TemplateDoesNotExist:
            pytest.skip(f"{path} needs {template}, which the public site (issue 6) adds")


def assert_security_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert directives["script-src"].startswith("'self'")


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path, monkeypatch):
    # As the README's deploy steps: static files collected first (partners/checks.py).
    monkeypatch.setitem(PRODUCTION_ENV, "STATIC_ROOT", str(tmp_path / "static"))
    collected = _run_with_production_env(["manage.py", "collectstatic", "--no-input", "-v0"])
    assert collected.returncode == 0, collected.stderr
    result = _run_with_production_env(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_every_protection_on(production_values):
    assert production_values["DEBUG"] is False
    assert production_values["SECURE_SSL_REDIRECT"] is True
    assert production_values["SESSION_COOKIE_SECURE"] is True
    assert production_values["CSRF_COOKIE_SECURE"] is True
    assert production_values["SECURE_HSTS_SECONDS"] >= 31536000


@pytest.mark.parametrize(("path", "template"), PUBLIC_PAGES)
def test_public_pages_carry_the_security_headers(client, db, production, path, template):
    _skip_unless_routed(path, template)
    response = client.get(path, secure=True)
    assert response.status_code in (200, 404)
    assert_security_headers(response)


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_carry_the_security_headers(client, db, production, path):
    _skip_unless_routed(path)
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_admin_login_page_carries_the_headers_and_a_nonce_for_its_inline_code(
    client, db, production
):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    csp = response["Content-Security-Policy"]
    # A nonce appears only when the page used it; when it did, it must be fresh per request.
    if "'nonce-" in csp:
        assert csp != client.get("/admin/login/", secure=True)["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https(client, db, production):
    response = client.get("/healthz")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/healthz"


def test_session_and_csrf_cookies_are_secure_and_http_only(client, db, production):
    UserFactory(username="officer", is_superuser=True)
    login_page = client.get("/admin/login/", secure=True)
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "officer", "password": "correct horse battery staple"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


@pytest.mark.parametrize("path", ["/admin/", "/admin/partners/delegation/", "/de/", "/reports/"])
def test_a_host_not_allowed_is_a_plain_400_not_a_500(db, production, path):
    # Scanners send any Host: the error page must not read the host that made it an error.
    client = Client(raise_request_exception=False)
    response = client.get(path, secure=True, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.text
