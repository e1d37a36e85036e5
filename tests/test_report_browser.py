"""The report page in a real browser: log in, filter, read the table, download."""

import datetime
import itertools

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from partners import models as m
from partners.reports import charts as report_charts

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


def test_the_charts_are_readable_on_a_phone(live_server, page, artifacts_dir):
    world = report_world.build()
    _many_trips(world["leipzig"], world["nanjing"], 120)  # y-axis ticks up to "120"
    user = f.UserFactory(username="manager")
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/reports/?date_from=2010-01-01&date_to=2026-12-31")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")

    charts = page.locator(".report-chart > svg")
    expect(charts).to_have_count(3)
    page.locator(".report-charts").screenshot(path=artifacts_dir / "report-charts-phone.png")
    # Every label drawn, in CSS px: its font size in chart units times the chart's scale.
    labels = charts.evaluate_all(
        """charts => charts.map(chart => [...chart.querySelectorAll('text')]
        .filter(text => text.getBoundingClientRect().width > 0)
        .map(text => [text.textContent, text.getBoundingClientRect().toJSON(),
                      parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a]))"""
    )
    sizes = [size for chart in labels for _, _, size in chart]
    assert min(sizes) >= 12, labels
    assert {len(text) for text, _, _ in labels[0]} == {1, 2, 3, 4}  # ticks 0 to 1xx, years
    # No label (a wide tick's) sticks out past its chart's left edge.
    edges = charts.evaluate_all("charts => charts.map(c => c.getBoundingClientRect().left)")
    for chart, edge in zip(labels, edges, strict=True):
        assert all(box["left"] >= edge for _, box, _ in chart), (edge, chart)
    years = [box for text, box, _ in labels[0] if len(text) == 4]
    assert 2 <= len(years) <= report_charts.PHONE_X_LABELS
    for left, right in itertools.pairwise(years):  # side by side, never over each other
        assert left["right"] < right["left"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _many_trips(home, city, count):
    """``count`` trips to ``city`` in 2019, written at once (a factory each would take seconds)."""
    trips = m.Delegation.objects.bulk_create(
        m.Delegation(
            title=f"Trip {n}",
            slug=f"trip-{n}",
            start_date=datetime.date(2019, 5, 1),
            origin_city=home,
            direction=m.Delegation.Direction.OUTBOUND,
            status=m.Delegation.Status.COMPLETED,
        )
        for n in range(count)
    )
    m.DelegationStop.objects.bulk_create(
        m.DelegationStop(delegation=trip, city=city, order=1) for trip in trips
    )
