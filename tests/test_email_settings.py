"""E-mail from the environment (DESIGN.md: `EMAIL_URL` or the usual `EMAIL_*`)."""

import pytest
from django.core import mail

from crm.settings import email_mailer


@pytest.fixture
def mailer_from(monkeypatch, settings):
    def build(**environ):
        for name in ("EMAIL_URL", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        settings.MAILERS = {"default": email_mailer()}
        return mail.mailers["default"]

    return build


@pytest.mark.parametrize(("scheme", "port"), [("smtp", 25), ("smtp+tls", 587), ("smtp+ssl", 465)])
def test_an_email_url_without_a_port_uses_the_port_of_its_scheme(mailer_from, scheme, port):
    mailer = mailer_from(EMAIL_URL=f"{scheme}://crm%40example.org:secret@mail.example.org")

    assert (mailer.host, mailer.port, mailer.username) == (
        "mail.example.org",
        port,
        "crm@example.org",
    )


def test_the_usual_email_variables_choose_ssl_and_a_timeout(mailer_from):
    mailer = mailer_from(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="mail.example.org",
        EMAIL_PORT="465",
        EMAIL_USE_SSL="1",
        EMAIL_TIMEOUT="7",
    )

    assert (mailer.port, mailer.use_ssl, mailer.use_tls, mailer.timeout) == (465, True, False, 7)


def test_a_silent_mail_server_is_given_up_on(mailer_from):
    mailer = mailer_from(EMAIL_URL="smtp://mail.example.org:2525")

    assert mailer.timeout == 30
