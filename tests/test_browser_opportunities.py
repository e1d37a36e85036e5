"""A trade officer moves a card along the pipeline board in a real browser."""

import datetime

import pytest
from playwright.sync_api import expect

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f

PASSWORD = "correct horse battery staple"


@pytest.mark.browser
def test_a_trade_officer_moves_a_card_to_the_next_column(
    live_server, page, transactional_db, artifacts_dir
):
    officer = f.UserFactory(username="officer", groups=[TRADE_OFFICERS])
    f.OpportunityFactory(
        title="Battery plant",
        partner_city=f.CityFactory(name="Nanjing"),
        owner=officer,
        next_step="Send the site offer",
        next_step_on=datetime.date(2020, 1, 1),
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#my-opportunities")).to_contain_text("Battery plant")

    page.goto(f"{live_server.url}/admin/partners/opportunity/board/")
    card = page.locator("#stage-idea .board-card", has_text="Battery plant")
    expect(card).to_have_class("board-card overdue")
    card.locator("select[name=stage]").select_option(m.Opportunity.Stage.IN_TALKS)
    card.get_by_role("button").click()

    expect(page.locator("#stage-in_talks .board-card")).to_contain_text("Battery plant")
    expect(page.locator("#stage-idea")).not_to_contain_text("Battery plant")
    page.screenshot(path=artifacts_dir / "opportunity-board.png", full_page=True)
    assert m.Opportunity.objects.get().stage == m.Opportunity.Stage.IN_TALKS


@pytest.mark.browser
@pytest.mark.parametrize("language", ["de", "zh-hans"])
def test_on_a_phone_the_columns_stack_and_nothing_scrolls_sideways(
    live_server, browser, transactional_db, artifacts_dir, language
):
    officer = f.UserFactory(username="officer", groups=[TRADE_OFFICERS])
    for stage in m.Opportunity.OPEN_STAGES:
        f.OpportunityFactory(title=f"Lead {stage}", stage=stage, owner=officer)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/partners/opportunity/board/")

    board = page.locator("#board")
    assert board.evaluate("e => e.scrollWidth - e.clientWidth") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    lefts = page.locator(".board-column").evaluate_all(
        "columns => columns.map(c => c.getBoundingClientRect().left)"
    )
    assert len(set(lefts)) == 1, lefts  # one above the other
    page.screenshot(path=artifacts_dir / f"opportunity-board-390-{language}.png", full_page=True)
    context.close()
