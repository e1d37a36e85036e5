"""English pages write every date in one style: "11 July 2019", "25–30 June 2019"."""

import datetime
import re

import pytest
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db

AMERICAN = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December) \d{1,2}, \d{4}"
)


def test_english_pages_use_day_month_year(client):
    trip = f.DelegationFactory(
        title="Trip", start_date=datetime.date(2019, 6, 25), end_date=datetime.date(2019, 6, 30)
    )
    f.MeetingFactory(delegation=trip, date=datetime.date(2019, 6, 27), title="Signing")
    memorandum = f.MemorandumFactory(
        signed_on=datetime.date(2019, 7, 11), valid_until=datetime.date(2024, 7, 10)
    )
    with translation.override("en"):
        pages = [trip.get_absolute_url(), memorandum.get_absolute_url()]
    html = "".join(client.get(url).content.decode() for url in pages)
    assert "25–30 June 2019" in html
    assert "27 June 2019" in html
    assert "11 July 2019" in html
    assert not AMERICAN.search(html), AMERICAN.search(html).group(0)
