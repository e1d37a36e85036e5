"""A 500 is answered in the visitor's language, with a way back: Django's own page is a
bare English "Server Error (500)" on German and Chinese pages alike."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import Client
from django.urls import path

from crm import urls as site_urls


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*site_urls.urlpatterns, *i18n_patterns(path("broken/", broken_view))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [("de", "Serverfehler", "Zur Startseite"), ("en", "Server error", "To the home page"),
     ("zh-hans", "服务器错误", "返回首页")],
)  # fmt: skip
def test_a_server_error_is_explained_in_the_pages_language(language, heading, home):
    response = Client(raise_request_exception=False).get(f"/{language}/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'<a href="/{language}/">{home}</a>' in page
