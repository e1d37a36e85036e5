"""Keyboard users see where they are: the skip link shows on the first Tab, and the focus
ring of every control stands out from the white page by 3:1 (WCAG 1.4.11)."""

import datetime
import re

import pytest

from partners import models as m
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RING = """() => { const s = getComputedStyle(document.activeElement);
  return [document.activeElement.tagName, s.outlineStyle, s.outlineColor, s.boxShadow]; }"""


def luminance(rgb):
    def linear(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(c)) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(css_colour):
    rgb = re.match(r"rgba?\((\d+), (\d+), (\d+)", css_colour).groups()
    return 1.05 / (luminance(rgb) + 0.05)


def test_every_focused_control_has_a_ring_that_stands_out_on_white(live_server, page):
    trip = f.DelegationFactory(
        registration_open=True,
        status=m.Delegation.Status.PLANNED,
        start_date=datetime.date.today() + datetime.timedelta(days=60),
        end_date=None,
    )
    f.DelegationStopFactory(delegation=trip)
    page.goto(f"{live_server.url}/en/delegations/{trip.slug}/register/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.bounding_box()["x"] >= 0  # on screen, not parked off it
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        tag, style, outline, shadow = page.evaluate(RING)
        if tag == "BODY":
            break
        seen.add(tag)
        rings = [outline] if style != "none" else []
        rings += re.findall(r"rgba?\([^)]*\)", shadow)
        assert max(map(contrast_on_white, rings), default=0) >= 3, (tag, outline, shadow)
    assert {"A", "INPUT", "TEXTAREA", "SELECT", "BUTTON"} <= seen
