"""In a browser: an officer marks a memorandum ready; a manager previews it, publishes it
from the desk with its internal party, and the public page shows both parties."""

import pytest
from playwright.sync_api import expect

from partners import models as m
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f

PASSWORD = "correct horse battery staple"
INTERNAL = m.Visibility.INTERNAL


def _log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#my-desk")).to_be_visible()


@pytest.mark.browser
def test_a_memorandum_is_published_with_its_whole_story(
    live_server, page, transactional_db, artifacts_dir
):
    memorandum = f.MemorandumFactory(title="MoU Leipzig–Nanjing", visibility=INTERNAL)
    f.MemorandumPartyFactory(
        memorandum=memorandum, organisation=f.OrganisationFactory(name="Invest Region Leipzig")
    )
    f.MemorandumPartyFactory(
        memorandum=memorandum,
        organisation=f.OrganisationFactory(name="Nanjing city government", visibility=INTERNAL),
    )
    f.UserFactory(username="officer", groups=[TRADE_OFFICERS])
    f.UserFactory(username="manager", groups=[MANAGERS])

    _log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/admin/partners/memorandum/{memorandum.pk}/change/")
    expect(page.locator("select[name=visibility]")).to_have_count(0)
    page.select_option("select[name='CHANGE_FORM-action']", "request_publication")
    page.locator("button[name=index], .actions button").first.click()
    expect(page.locator(".messagelist")).to_contain_text("ready for publication")

    _log_in(page, live_server, "manager")
    desk = page.locator("#ready-to-publish")
    expect(desk).to_contain_text("MoU Leipzig–Nanjing")
    desk.get_by_role("button").click()

    # The confirmation lists the internal party, and links the preview.
    expect(page.locator("#publish-confirm")).to_contain_text("Nanjing city government")
    with page.context.expect_page() as preview_tab:
        page.get_by_role("link", name="Preview the public page").click()
    preview = preview_tab.value
    expect(preview.locator(".preview-banner")).to_be_visible()
    expect(preview.locator("main")).to_contain_text("Invest Region Leipzig")
    expect(preview.locator("main")).not_to_contain_text("Nanjing city government")
    preview.screenshot(path=artifacts_dir / "publishing-preview.png", full_page=True)
    preview.close()

    page.screenshot(path=artifacts_dir / "publishing-confirm.png", full_page=True)
    page.locator("#publish-confirm input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("2 records published")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{memorandum.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Invest Region Leipzig")
    expect(page.locator("main")).to_contain_text("Nanjing city government")
    expect(page.locator(".preview-banner")).to_have_count(0)
