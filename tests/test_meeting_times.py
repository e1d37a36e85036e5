"""A logged meeting's times are checked like a slot's (audit, Meeting admin): it ends after
it starts, on its date in its city's local time, within its delegation's dates."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import translation

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role
from .test_admin_query_counts import _page_queries

UTC = datetime.UTC


@pytest.fixture
def officer(db):
    return client_for(user_with_role(TRADE_OFFICERS))


@pytest.fixture
def meeting(db):
    # The delegation of the factory travels 25–30 June 2019.
    return f.MeetingFactory(city__name="Nanjing", city__time_zone="Asia/Shanghai")


def _post(officer, meeting, date, starts, ends):
    url = f"/admin/partners/meeting/{meeting.pk}/change/"
    data = change_form_data(officer, url)
    data |= {"date": date, "starts_at_0": starts[:10], "starts_at_1": starts[11:]}
    data |= {"ends_at_0": ends[:10], "ends_at_1": ends[11:]}
    return officer.post(url, data)


def _errors(response):
    assert response.status_code == 200
    with translation.override(response["Content-Language"]):  # the page's, not the test's
        return {
            name: list(map(str, e)) for name, e in response.context["adminform"].form.errors.items()
        }


def test_a_meeting_that_ends_before_it_starts_is_refused(officer, meeting):
    response = _post(officer, meeting, "2019-06-26", "2019-06-26 10:00", "2019-06-26 09:00")
    assert _errors(response) == {"ends_at": ["A meeting ends after it starts."]}


def test_a_meeting_outside_its_delegations_dates_is_refused(officer, meeting):
    response = _post(officer, meeting, "2030-06-26", "2030-06-26 10:00", "2030-06-26 11:00")
    assert _errors(response) == {
        "starts_at": ["Outside the delegation's dates: 25–30 June 2019 (local dates)."]
    }


def test_the_date_must_be_the_local_day_of_the_start(officer, meeting):
    response = _post(officer, meeting, "2019-06-25", "2019-06-28 10:00", "2019-06-28 11:00")
    assert _errors(response) == {
        "date": ["The meeting starts on 28 June 2019 in its city's local time; give that date."]
    }
    meeting.refresh_from_db()
    assert meeting.starts_at is None


def test_an_empty_date_is_the_local_day_of_the_start(officer, meeting):
    # 07:30 in Nanjing on the 27th is still the 26th in UTC and in Berlin.
    response = _post(officer, meeting, "", "2019-06-27 07:30", "2019-06-27 08:30")
    assert response.status_code == 302, form_errors(response)
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2019, 6, 27)
    assert meeting.starts_at == datetime.datetime(2019, 6, 26, 23, 30, tzinfo=UTC)


def test_a_delegation_known_by_its_month_takes_the_whole_month(meeting):
    trip = meeting.delegation
    trip.start_date, trip.end_date, trip.date_precision = datetime.date(2019, 6, 1), None, "month"
    meeting.starts_at = datetime.datetime(2019, 6, 30, 2, tzinfo=UTC)
    meeting.date = None
    meeting.full_clean()
    assert meeting.date == datetime.date(2019, 6, 30)
    meeting.starts_at = datetime.datetime(2019, 6, 30, 16, tzinfo=UTC)  # 1 July in Nanjing
    meeting.date = None
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        meeting.full_clean()
    assert refused.value.message_dict == {
        "starts_at": ["Outside the delegation's dates: June 2019 (local dates)."]
    }


def test_a_meeting_without_delegation_gets_its_date_from_the_start(db):
    meeting = f.MeetingFactory.build(
        delegation=None, date=None, city=f.CityFactory(time_zone="Asia/Shanghai")
    )
    meeting.starts_at = datetime.datetime(2024, 1, 31, 20, tzinfo=UTC)
    meeting.full_clean()
    assert meeting.date == datetime.date(2024, 2, 1)
    assert m.Meeting.objects.count() == 0


@pytest.mark.parametrize("admin", ["meeting", "meetingslot"])
def test_times_saved_over_someone_elses_save_are_refused_not_a_500(officer, admin):
    # The version check refuses the form before; the record's own checks still see zoned times.
    if admin == "meeting":
        record = f.MeetingFactory(city__time_zone="Asia/Shanghai")
    else:
        record = f.MeetingSlotFactory()
    url = f"/admin/partners/{admin}/{record.pk}/change/"
    data = change_form_data(officer, url)
    day = f"{record.delegation.start_date:%Y-%m-%d}" if admin == "meeting" else data["starts_at_0"]
    data |= {"starts_at_0": day, "starts_at_1": "09:30", "ends_at_0": day, "ends_at_1": "10:30"}
    type(record).objects.filter(pk=record.pk).update(version=F("version") + 1)
    response = officer.post(url, data)
    assert response.status_code == 200
    assert "someone else saved this record" in form_errors(response)


@pytest.fixture
def at_ten_in_nanjing(meeting):
    """10:00 on 26 June 2019 in Nanjing (02:00 UTC); Leipzig is the other city to choose."""
    meeting.starts_at = datetime.datetime(2019, 6, 26, 2, tzinfo=UTC)
    meeting.ends_at = datetime.datetime(2019, 6, 26, 3, tzinfo=UTC)
    meeting.save()
    return f.HomeCityFactory(name="Leipzig")


def _assert_at_ten_in_leipzig(meeting):
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at) == (
        datetime.datetime(2019, 6, 26, 8, tzinfo=UTC),
        datetime.datetime(2019, 6, 26, 9, tzinfo=UTC),
    )


def test_times_shown_in_nanjing_are_read_in_the_city_posted_with_them(
    officer, meeting, at_ten_in_nanjing
):
    url = f"/admin/partners/meeting/{meeting.pk}/change/"
    data = change_form_data(officer, url)
    assert (data["starts_at_1"], data["ends_at_1"]) == ("10:00:00", "11:00:00")
    response = officer.post(url, data | {"city": at_ten_in_nanjing.pk})
    assert response.status_code == 302, form_errors(response)
    _assert_at_ten_in_leipzig(meeting)


def test_a_city_changed_in_the_delegation_pages_meetings_keeps_their_times(
    officer, meeting, at_ten_in_nanjing
):
    """The meeting rows show their times read-only: 10:00 stays 10:00, on the clock of the
    city posted."""
    url = f"/admin/partners/delegation/{meeting.delegation_id}/change/"
    data = change_form_data(officer, url)
    assert "meetings-0-starts_at_1" not in data
    response = officer.post(url, data | {"meetings-0-city": at_ten_in_nanjing.pk})
    assert response.status_code == 302, form_errors(response)
    _assert_at_ten_in_leipzig(meeting)
    # Saved again unchanged, they stay.
    assert officer.post(url, change_form_data(officer, url)).status_code == 302
    _assert_at_ten_in_leipzig(meeting)


def _meeting_rows_times(page: str) -> list[str]:
    cells = re.findall(r'<td class="field-local_times">(.*?)</td>', page, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in cells]


def test_the_delegation_pages_meeting_rows_show_their_local_times(officer, meeting):
    """Each on its city's clock, with its offset, read with the rows (no query per row)."""
    url = f"/admin/partners/delegation/{meeting.delegation_id}/change/"
    meeting.starts_at = datetime.datetime(2019, 6, 26, 1, tzinfo=UTC)
    meeting.ends_at = datetime.datetime(2019, 6, 26, 2, 30, tzinfo=UTC)
    meeting.save()
    f.MeetingFactory(
        delegation=meeting.delegation,
        title="Zzz in Leipzig",  # the second row
        city__time_zone="Europe/Berlin",
        starts_at=datetime.datetime(2019, 6, 26, 8, tzinfo=UTC),
    )
    assert _meeting_rows_times(officer.get(url).text) == [
        "09:00–10:30 (UTC+8)",
        "10:00 (UTC+2)",
        "-",  # the empty row to add one
    ]
    queries = _page_queries(officer, url)
    m.Meeting.objects.update(starts_at=None, ends_at=None)
    assert _page_queries(officer, url) == queries


def test_a_timed_meeting_outside_the_trip_is_marked_on_its_date_on_the_delegation_page(officer):
    # The delegation page shows a meeting's date, not its times (edited on its own page):
    # a trip shortened past a timed meeting marks that meeting's date, as an untimed one's.
    meeting = f.MeetingFactory(
        city__name="Nanjing",
        city__time_zone="Asia/Shanghai",
        date=datetime.date(2019, 6, 29),
        starts_at=datetime.datetime(2019, 6, 29, 2, tzinfo=UTC),  # 10:00 in Nanjing
    )
    url = f"/admin/partners/delegation/{meeting.delegation.pk}/change/"
    data = change_form_data(officer, url) | {"end_date": "2019-06-28"}
    response = officer.post(url, data)
    assert response.status_code == 200
    meetings = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is m.Meeting
    )
    with translation.override(response["Content-Language"]):
        errors = {name: list(map(str, e)) for name, e in meetings.forms[0].errors.items()}
    assert errors == {"date": ["Outside the delegation's dates: 25–28 June 2019 (local dates)."]}
