"""Managers find the report: the back office links to it, and its filter reads plainly."""

import pytest
from django.contrib.auth.models import Permission

from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/", "/admin/partners/delegation/", "/reports/"])
def test_every_back_office_page_links_to_the_reports_for_managers(url):
    page = client_for(user_with_role(MANAGERS, is_staff=True)).get(url).content.decode()

    assert 'id="nav-reports"' in page and 'href="/reports/"' in page


def test_the_admin_index_has_a_reports_box_for_those_who_may_read_them():
    manager = client_for(user_with_role(MANAGERS, is_staff=True)).get("/admin/")
    officer = client_for(user_with_role(TRADE_OFFICERS, is_staff=True)).get("/admin/")

    assert 'id="reports-module"' in manager.content.decode()
    assert 'id="reports-module"' not in officer.content.decode()
    assert 'id="nav-reports"' not in officer.content.decode()


def test_the_report_page_renders_the_admin_navigation_and_breadcrumbs():
    page = client_for(user_with_role(MANAGERS, is_staff=True)).get("/reports/").content.decode()

    assert 'id="nav-sidebar"' in page
    assert '<ol class="breadcrumbs">' in page
    assert 'id="user-tools"' in page


def test_the_filter_labels_say_what_they_filter_in_german(client):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)

    page = client.get("/reports/", headers={"accept-language": "de"}).content.decode()

    assert '<label for="id_date_from">Von:</label>' in page
    assert '<label for="id_date_to">Bis:</label>' in page
    # The organisation is picked from a searchable list, not typed as a slug.
    assert 'name="organisation"' in page and "data-ajax--url" in page
    assert "admin/js/autocomplete.js" in page


def test_an_organisation_is_chosen_by_its_id_from_the_list(client):
    organisation = f.OrganisationFactory(name="Invest Region Leipzig")
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(user)

    page = client.get(
        "/reports/", {"organisation": organisation.pk}, headers={"accept-language": "en"}
    )

    assert page.status_code == 200
    assert f'<option value="{organisation.pk}" selected>Invest Region Leipzig</option>' in (
        page.content.decode()
    )


@pytest.mark.parametrize(("accept", "select2"), [("en", "en"), ("zh-hans", "zh-CN"), ("de", "de")])
def test_the_organisation_search_speaks_the_pages_language(accept, select2):
    manager = client_for(user_with_role(MANAGERS, is_staff=True))
    page = manager.get("/reports/", headers={"accept-language": accept}).text

    assert f"admin/js/vendor/select2/i18n/{select2}.js" in page
    assert f'lang="{select2}"' in page  # the select's own, which select2 reads
