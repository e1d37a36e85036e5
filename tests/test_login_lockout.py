"""Brute-force protection on the login form (django-axes).

Five failed logins within 15 minutes lock the user/IP pair: the fifth already answers with
the lockout page, and any further attempt — even with the right password — is refused with
403 and a clear message until the cool-off has passed. A successful login resets the count.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
LOGIN_URL = "/admin/login/?next=/admin/"
# Every login form of the site; add any new one here (axes guards all of them through
# its authentication backend, this list proves it).
LOGIN_FORMS = [LOGIN_URL]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def officer(db):
    return UserFactory(username="officer")


def attempt(client, password, *, username="officer", ip="203.0.113.7", url=LOGIN_URL):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip, secure=True
    )


def fail(client, times, **kwargs):
    return [attempt(client, "wrong password", **kwargs).status_code for _ in range(times)]


def test_four_failed_logins_still_show_the_login_form(client, officer):
    assert fail(client, 4) == [200, 200, 200, 200]


@pytest.mark.parametrize("url", LOGIN_FORMS)
def test_the_sixth_attempt_within_the_window_is_refused_with_a_clear_message(client, officer, url):
    assert fail(client, 5, url=url) == [200, 200, 200, 200, 403]

    response = attempt(client, PASSWORD, url=url)

    assert response.status_code == 403
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "15 Minuten" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_carries_the_back_offices_header(client, officer):
    fail(client, 5)

    response = attempt(client, PASSWORD)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Partnerstädte-CRM · Invest Region Leipzig" in page
    assert "Django" not in page


def test_the_lockout_message_is_translated(client, officer):
    fail(client, 5)
    response = client.post(
        LOGIN_URL,
        {"username": "officer", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="en",
        secure=True,
    )
    assert response.status_code == 403
    assert "Too many failed login attempts" in response.content.decode()


def test_a_successful_login_resets_the_count(client, officer):
    fail(client, 4)
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()

    assert fail(client, 4) == [200, 200, 200, 200]
    assert attempt(client, PASSWORD).status_code == 302


def test_the_lock_holds_only_for_that_user_and_address(client, officer):
    UserFactory(username="manager")
    fail(client, 5)

    assert attempt(client, PASSWORD, ip="198.51.100.1").status_code == 302
    client.logout()
    assert attempt(client, PASSWORD, username="manager").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, officer):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert attempt(client, PASSWORD).status_code == 302


def test_the_limit_follows_the_settings(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, 2) == [200, 403]


def test_the_limit_and_cool_off_are_read_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)"
    )
    env = {**os.environ, "AXES_FAILURE_LIMIT": "3", "AXES_COOLOFF_MINUTES": "30"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split()[-2:] == ["3", "0.5"], result.stderr


# Behind reverse proxies (CRM_TRUSTED_PROXIES): every request arrives from the proxy's
# address, and the client's is the entry the last trusted proxy appended to X-Forwarded-For.
PROXY = "10.0.0.2"


def attempt_via_proxy(client, password, forwarded_for, **kwargs):
    return client.post(
        LOGIN_URL,
        {"username": "officer", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
        secure=True,
        **kwargs,
    )


def test_behind_a_proxy_the_lock_keys_on_the_client_address(client, officer, settings):
    settings.CRM_TRUSTED_PROXIES = 1
    codes = [
        attempt_via_proxy(client, "wrong password", "203.0.113.7").status_code for _ in range(5)
    ]
    assert codes == [200, 200, 200, 200, 403]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}

    # Another client behind the same proxy is not locked out with the first.
    assert attempt_via_proxy(client, PASSWORD, "198.51.100.1").status_code == 302


def test_behind_a_proxy_a_forged_forwarded_entry_does_not_escape_the_lock(
    client, officer, settings
):
    settings.CRM_TRUSTED_PROXIES = 2
    # The client writes its own first entry; the two proxies append the real addresses.
    codes = [
        attempt_via_proxy(
            client, "wrong password", f"192.0.2.{n}, 203.0.113.7, 10.0.0.1"
        ).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 200, 403]
    assert (
        attempt_via_proxy(client, PASSWORD, "192.0.2.99, 203.0.113.7, 10.0.0.1").status_code == 403
    )


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, officer, settings):
    settings.CRM_TRUSTED_PROXIES = 0
    codes = [
        attempt_via_proxy(client, "wrong password", f"192.0.2.{n}").status_code for n in range(5)
    ]
    assert codes == [200, 200, 200, 200, 403]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_a_malformed_forwarded_header_locks_the_proxy_address_not_a_500(client, officer, settings):
    settings.CRM_TRUSTED_PROXIES = 1
    response = attempt_via_proxy(client, "wrong password", "not-an-address\x00")
    assert response.status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_the_number_of_trusted_proxies_is_read_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.CRM_TRUSTED_PROXIES)"
    )
    env = {**os.environ, "CRM_TRUSTED_PROXIES": "2"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split()[-1:] == ["2"], result.stderr
