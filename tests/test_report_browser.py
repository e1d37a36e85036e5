"""The report page in a real browser: log in, filter, read the table, download."""

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from . import factories as f
from . import report_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_filters_the_report_and_downloads_the_workbook(
    live_server, page, artifacts_dir, tmp_path
):
    report_world.build()
    user = f.UserFactory(username="manager")
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))

    page.goto(f"{live_server.url}/reports/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.fill("#id_year", "2019")
    page.select_option("#id_partner_city", "nanjing")
    page.click("input[type=submit]")

    rows = page.locator("#summary tbody tr")
    # Waits for the filtered page: the click only starts loading it.
    expect(rows).to_have_count(1)
    assert rows.first.locator("th").inner_text() == "Nanjing (南京)"
    assert page.locator("#chart-delegations title").first.text_content()
    page.screenshot(path=artifacts_dir / "report-nanjing-2019.png", full_page=True)

    with page.expect_download() as download:
        page.click("text=XLSX")
    target = tmp_path / "report.xlsx"
    download.value.save_as(target)
    summary = openpyxl.load_workbook(target)["Summary"]
    assert summary["A2"].value == "Nanjing"
    assert summary["C2"].value == report_world.SUMMARY_2019["Nanjing"][0]
