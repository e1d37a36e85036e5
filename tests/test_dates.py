"""Delegation dates are shown at the precision they are known to, in English, German and
Chinese."""

import datetime

import pytest
from django.utils import translation

from tests import factories as f

D = datetime.date

CASES = [
    # (start, end, precision, English, German, Chinese: years with 年, every span with 至)
    (D(2018, 1, 1), None, "year", "2018", "2018", "2018年"),
    (D(2018, 1, 1), D(2019, 12, 31), "year", "2018–2019", "2018–2019", "2018年至2019年"),
    (D(2019, 6, 1), None, "month", "June 2019", "Juni 2019", "2019年6月"),
    (D(2019, 6, 1), D(2019, 8, 31), "month", "June–August 2019", "Juni–August 2019",
     "2019年6月至8月"),
    (D(2019, 12, 1), D(2020, 1, 31), "month", "December 2019 – January 2020",
     "Dezember 2019 – Januar 2020", "2019年12月至2020年1月"),
    (D(2019, 6, 25), None, "day", "25 June 2019", "25. Juni 2019", "2019年6月25日"),
    (D(2019, 6, 25), D(2019, 6, 25), "day", "25 June 2019", "25. Juni 2019", "2019年6月25日"),
    (D(2019, 6, 25), D(2019, 6, 30), "day", "25–30 June 2019", "25.–30. Juni 2019",
     "2019年6月25日至30日"),
    (D(2019, 6, 28), D(2019, 7, 2), "day", "28 June – 2 July 2019", "28. Juni – 2. Juli 2019",
     "2019年6月28日至7月2日"),
    (D(2019, 12, 30), D(2020, 1, 2), "day", "30 December 2019 – 2 January 2020",
     "30. Dezember 2019 – 2. Januar 2020", "2019年12月30日至2020年1月2日"),
]  # fmt: skip


@pytest.mark.parametrize(("start", "end", "precision", "english", "german", "chinese"), CASES)
def test_a_delegation_shows_its_dates_at_their_precision(
    start, end, precision, english, german, chinese
):
    delegation = f.DelegationFactory.build(start_date=start, end_date=end, date_precision=precision)
    with translation.override("en"):
        assert delegation.dates_display == english
    with translation.override("de"):
        assert delegation.dates_display == german
    with translation.override("zh-hans"):
        assert delegation.dates_display == chinese
    with translation.override(None):  # a command that logs in English (no_translations)
        assert delegation.dates_display == english


def test_a_delegation_without_dates_shows_none():
    delegation = f.DelegationFactory.build(status="planned", start_date=None, end_date=None)
    assert delegation.dates_display == ""
