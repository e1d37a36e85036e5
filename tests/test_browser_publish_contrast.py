"""The publish confirmation's "Preview the public page" link is readable on its heading
bar: 4.5:1 (WCAG 1.4.3 AA) in the admin's light and dark themes."""

import pytest

from partners import models as m
from partners.roles import MANAGERS
from tests import factories as f
from tests.test_browser_focus import luminance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"

# The link's colour and the first opaque background behind it.
COLOURS = """e => {
  const rgb = c => c.match(/\\d+(\\.\\d+)?/g).map(Number);
  let node = e, bg;
  while (node) {
    bg = rgb(getComputedStyle(node).backgroundColor);
    if (bg.length < 4 || bg[3] > 0) break;
    node = node.parentElement;
  }
  return [rgb(getComputedStyle(e).color).slice(0, 3), (node ? bg : [255, 255, 255]).slice(0, 3)];
}"""


def contrast(fg, bg):
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_preview_link_stands_out_from_its_heading(live_server, page, theme):
    memorandum = f.MemorandumFactory(title="MoU Leipzig–Nanjing", visibility=m.Visibility.INTERNAL)
    f.MemorandumPartyFactory(
        memorandum=memorandum,
        organisation=f.OrganisationFactory(visibility=m.Visibility.INTERNAL),
    )
    f.UserFactory(username="manager", groups=[MANAGERS])
    page.emulate_media(color_scheme=theme)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/partners/memorandum/{memorandum.pk}/change/")
    page.select_option("select[name='CHANGE_FORM-action']", "publish")
    page.locator(".actions button").first.click()
    link = page.get_by_role("link", name="Preview the public page")
    for state in ("plain", "hover"):
        if state == "hover":
            link.hover()
        fg, bg = link.evaluate(COLOURS)
        assert contrast(fg, bg) >= 4.5, (state, fg, bg, round(contrast(fg, bg), 2))
