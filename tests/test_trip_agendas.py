"""The trip schedule in people's hands (issue 17, point 4; issue 18, point 3)."""

import datetime
import io
import re

import icalendar
import openpyxl
import pytest
from django.utils import translation
from pypdf import PdfReader

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

UTC = datetime.UTC


@pytest.fixture
def scheduled(db):
    trip = f.DelegationFactory(title="Unternehmerreise 2027", status="planned")
    nanjing = f.CityFactory(name="Nanjing", local_name="南京", country="CN")
    slot = f.MeetingSlotFactory(
        delegation=trip,
        stop__city=nanjing,
        starts_at=datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC),  # 09:00 in Nanjing
        ends_at=datetime.datetime(2027, 5, 10, 1, 45, tzinfo=UTC),
        tables=3,
    )
    bureau = f.OrganisationFactory(name="南京市商务局", city=nanjing)
    company = f.TripRegistrationFactory(
        delegation=trip, organisation__name="Muster Maschinenbau GmbH", language="de"
    )
    request = f.MeetingRequestFactory(
        registration=company, counterpart=bureau, slot=slot, table=2, status="scheduled"
    )
    f.MeetingRequestFactory(registration=company, delegation=trip)  # not scheduled
    return trip, company, bureau, request


def agenda_url(trip, who, pk, fmt):
    return f"/admin/partners/delegation/{trip.pk}/agenda/{who}/{pk}.{fmt}"


def the_event(client, trip, company):
    """The one event of the company's agenda calendar."""
    response = client.get(agenda_url(trip, "participant", company.pk, "ics"))
    [found] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return found


def test_a_participants_calendar_holds_its_meetings_with_place_and_table(scheduled):
    trip, company, bureau, request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.get(agenda_url(trip, "participant", company.pk, "ics"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Muster Maschinenbau GmbH – 南京市商务局"
    assert "Nanjing" in str(event["location"]) and "2" in str(event["location"])
    assert str(request.pk) in str(event["uid"])


def test_a_meeting_moved_by_the_scheduler_replaces_its_event_in_a_calendar(scheduled):
    trip, company, _bureau, request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))

    def event():
        return the_event(officer, trip, company)

    before = event()
    request.table, request.version = 3, request.version + 1  # as the scheduler moves it
    request.save()
    after = event()
    assert str(after["uid"]) == str(before["uid"])
    assert after["sequence"] > before["sequence"]

    # Dropped from the schedule: the calendar is told to cancel it, at the slot it had.
    request.slot, request.table, request.status = None, None, "accepted"
    request.version += 1
    request.save()
    cancelled = event()
    assert str(cancelled["uid"]) == str(before["uid"])
    assert cancelled["status"] == "CANCELLED" and cancelled["sequence"] > after["sequence"]
    assert cancelled.decoded("dtstart") == before.decoded("dtstart")


def test_a_slot_moved_after_the_agendas_were_sent_replaces_its_events(scheduled):
    trip, company, _bureau, request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))

    def event():
        return the_event(officer, trip, company)

    before = event()
    m.Delegation.objects.filter(pk=trip.pk).update(
        start_date=datetime.date(2027, 5, 9), end_date=datetime.date(2027, 5, 12)
    )
    slot_url = f"/admin/partners/meetingslot/{request.slot_id}/change/"
    data = change_form_data(officer, slot_url)
    data.update(starts_at_1="11:00", ends_at_1="11:45")  # local time in Nanjing
    saved = officer.post(slot_url, data)
    assert saved.status_code == 302, form_errors(saved)
    later = event()
    assert later.decoded("dtstart") == datetime.datetime(2027, 5, 10, 3, 0, tzinfo=UTC)
    assert later["sequence"] > before["sequence"]

    # The stop moves to another city of the same time zone: the place changes.
    jining = f.CityFactory(name="Jining", country="CN", time_zone="Asia/Shanghai")
    stop = m.DelegationStop.objects.get(slots=request.slot_id)
    stop.city = jining
    stop.save()
    elsewhere = event()
    assert "Jining" in str(elsewhere["location"])
    assert elsewhere["sequence"] > later["sequence"]


@pytest.mark.parametrize("language", ["de", "en", "zh-hans"])
def test_a_cancelled_trip_cancels_every_meeting_in_the_calendars_and_says_so(scheduled, language):
    trip, company, _bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))

    def event():
        return the_event(officer, trip, company)

    before = event()
    trip.status = m.Delegation.Status.CANCELLED
    trip.save()
    cancelled = event()
    assert cancelled["status"] == "CANCELLED" and cancelled["sequence"] > before["sequence"]
    pdf = officer.get(agenda_url(trip, "participant", company.pk, "pdf") + f"?lang={language}")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    with translation.override(language):
        assert f"· {trip.get_status_display()}" in text

    trip.status = m.Delegation.Status.PLANNED  # taken up again
    trip.save()
    again = event()
    assert again["status"] == "CONFIRMED" and again["sequence"] > cancelled["sequence"]


def test_a_company_asked_to_meet_by_another_finds_the_meeting_on_its_own_agenda(scheduled):
    trip, company, _bureau, request = scheduled
    supplier = f.TripRegistrationFactory(
        delegation=trip, organisation__name="Beispiel Zulieferer GmbH", language="de"
    )
    f.MeetingRequestFactory(
        registration=company,
        counterpart=supplier.organisation,
        slot=f.MeetingSlotFactory(
            delegation=trip,
            stop=request.slot.stop,
            starts_at=datetime.datetime(2027, 5, 10, 2, 0, tzinfo=UTC),  # 10:00 in Nanjing
            ends_at=datetime.datetime(2027, 5, 10, 2, 45, tzinfo=UTC),
        ),
        table=1,
        status="scheduled",
    )
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(agenda_url(trip, "participant", supplier.pk, "html"))
    rows = [" ".join(row.split()) for row in re.findall(r"<tr>(.*?)</tr>", page.text, re.S)]
    [meeting] = [row for row in rows if "10:00" in row]
    assert "Muster Maschinenbau GmbH" in meeting  # the other side, not itself
    assert "Beispiel Zulieferer GmbH" not in meeting
    response = officer.get(agenda_url(trip, "participant", supplier.pk, "ics"))
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Muster Maschinenbau GmbH – Beispiel Zulieferer GmbH"


def test_a_counterparts_agenda_prints_in_chinese(scheduled):
    trip, _company, bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.get(agenda_url(trip, "counterpart", bureau.pk, "pdf"))
    assert response.status_code == 200
    assert "-zh-hans.pdf" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "南京市商务局" in text
    assert "09:00–09:45 (UTC+8)" in text  # local time of the stop, not of the office


@pytest.mark.parametrize("language", ["de", "en", "zh-hans"])
def test_agendas_show_the_stop_citys_local_time_in_every_language(scheduled, language):
    trip, company, bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(agenda_url(trip, "participant", company.pk, "html") + f"?lang={language}")
    assert '<td class="fit times">09:00–09:45 (UTC+8)</td>' in page.text  # not 03:00 in Berlin
    pdf = officer.get(agenda_url(trip, "counterpart", bureau.pk, "pdf") + f"?lang={language}")
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "09:00–09:45 (UTC+8)" in text and "03:00" not in text
    index = officer.get(f"/admin/partners/delegation/{trip.pk}/agenda/")
    assert "10/05/2027 09:00 (UTC+8)" in index.text


def test_a_city_without_a_time_zone_shows_the_offices(scheduled):
    trip, company, *_ = scheduled
    m.City.objects.filter(name="Nanjing").update(time_zone="")
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(agenda_url(trip, "participant", company.pk, "html"))
    assert "03:00–03:45 (UTC+2)" in page.text  # Europe/Berlin in summer


def test_the_whole_schedule_opens_as_a_workbook(scheduled):
    trip, *_ = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.get(f"/admin/partners/delegation/{trip.pk}/schedule.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[0][:3] == ("Day", "Time", "Time zone")
    day, time, zone, city, table, company, counterpart, _status = rows[1]
    assert (day.date(), time, zone, city, table, company, counterpart) == (
        datetime.date(2027, 5, 10),
        "09:00–09:45",
        "UTC+8",
        "Nanjing",
        2,
        "Muster Maschinenbau GmbH",
        "南京市商务局",
    )


def test_agendas_are_staff_only_and_stay_within_their_trip(scheduled):
    trip, company, _bureau, _request = scheduled
    other_trip = f.DelegationFactory()
    assert (
        client_for(None).get(agenda_url(trip, "participant", company.pk, "ics")).status_code == 302
    )
    outsider = client_for(f.UserFactory(is_staff=True))
    assert outsider.get(agenda_url(trip, "participant", company.pk, "ics")).status_code == 403
    officer = client_for(user_with_role(TRADE_OFFICERS))
    assert officer.get(agenda_url(other_trip, "participant", company.pk, "ics")).status_code == 404
    assert officer.get(agenda_url(trip, "nobody", company.pk, "ics")).status_code == 404
    index = officer.get(f"/admin/partners/delegation/{trip.pk}/agenda/")
    assert index.status_code == 200 and "Muster Maschinenbau GmbH" in index.text


def test_a_company_no_longer_accepted_leaves_the_agendas(scheduled):
    trip, company, bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))

    def events():
        response = officer.get(agenda_url(trip, "counterpart", bureau.pk, "ics"))
        return icalendar.Calendar.from_ical(response.content).walk("VEVENT")

    [before] = events()
    company.status = "withdrawn"
    company.save()
    # Left as an event cancelled, of a later version: a calendar that imported it drops
    # the meeting.
    [after] = events()
    assert after["status"] == "CANCELLED" and after["sequence"] > before["sequence"]
    index = officer.get(f"/admin/partners/delegation/{trip.pk}/agenda/")
    assert "Muster Maschinenbau GmbH" not in index.text


def test_agendas_print_names_in_their_own_language(scheduled):
    trip, company, bureau, _request = scheduled
    bureau.name_de, bureau.name_en, bureau.name_zh_hans = (
        "Handelsamt Nanjing",
        "Nanjing Bureau of Commerce",
        "南京市商务局",
    )
    bureau.save()
    city = bureau.city
    city.name_de, city.name_en, city.name_zh_hans = "Nanking", "Nanjing", "南京"
    city.save()
    officer = client_for(user_with_role(TRADE_OFFICERS))

    chinese = officer.get(agenda_url(trip, "counterpart", bureau.pk, "pdf"))
    text = PdfReader(io.BytesIO(chinese.content)).pages[0].extract_text()
    assert "南京市商务局" in text and "南京" in text and "Handelsamt" not in text
    assert "Muster Maschinenbau GmbH" in text  # no Chinese name: the German one

    english = officer.get(agenda_url(trip, "counterpart", bureau.pk, "html") + "?lang=en")
    assert "Nanjing Bureau of Commerce" in english.text and "Handelsamt" not in english.text
    german = officer.get(agenda_url(trip, "participant", company.pk, "html"))
    assert "Handelsamt Nanjing" in german.text and "Nanking" in german.text


def test_agendas_mark_names_shown_in_german_for_want_of_a_translation(scheduled):
    trip, company, bureau, _request = scheduled
    bureau.name_en = "Nanjing Bureau of Commerce"
    bureau.save()
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(agenda_url(trip, "participant", company.pk, "html") + "?lang=en")
    assert "<td>Nanjing Bureau of Commerce</td>" in page.text
    page = officer.get(agenda_url(trip, "counterpart", bureau.pk, "html") + "?lang=en")
    assert '<td><span lang="de">Muster Maschinenbau GmbH</span></td>' in page.text
    index = officer.get(f"/admin/partners/delegation/{trip.pk}/agenda/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<li><span lang="de">Muster Maschinenbau GmbH</span>:' in index.text


@pytest.mark.layout
def test_a_chinese_agenda_keeps_days_times_and_cities_on_one_line(scheduled):
    trip, _company, bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    pdf = officer.get(agenda_url(trip, "counterpart", bureau.pk, "pdf"))
    lines = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().splitlines()
    # A narrow column broke "城市" and "2027年5月10日" after every few characters.
    assert any(line.startswith("日期 时间 城市 桌号") for line in lines)
    assert any(line.startswith("2027年5月10日 09:00–09:45 (UTC+8) Nanjing 2") for line in lines)


def test_an_agendas_heading_marks_a_name_shown_in_german(scheduled):
    trip, company, _bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(agenda_url(trip, "participant", company.pk, "html") + "?lang=en")
    assert '<h1><span lang="de">Muster Maschinenbau GmbH</span></h1>' in page.text
    assert f'· <span lang="de">{trip.title_de}</span></p>' in page.text


def test_an_organisation_that_is_no_counterpart_of_the_trip_has_no_agenda_there(scheduled):
    trip, _company, bureau, _request = scheduled
    stranger = f.OrganisationFactory(name="Fremde GmbH")
    officer = client_for(user_with_role(TRADE_OFFICERS))
    assert officer.get(agenda_url(trip, "counterpart", stranger.pk, "html")).status_code == 404
    assert officer.get(agenda_url(trip, "counterpart", bureau.pk, "html")).status_code == 200


def test_an_agendas_file_is_named_after_the_trip_and_whose_agenda_it_is(scheduled):
    trip, company, bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    for who, organisation, fmt, ending in [
        ("counterpart", bureau, "pdf", "-zh-hans.pdf"),
        ("participant", company.organisation, "pdf", "-de.pdf"),
        ("participant", company.organisation, "ics", ".ics"),
    ]:
        pk = company.pk if who == "participant" else bureau.pk
        response = officer.get(agenda_url(trip, who, pk, fmt))
        name = f"agenda-{trip.slug}-{organisation.slug}{ending}"
        assert f'filename="{name}"' in response["Content-Disposition"], name
    assert company.organisation.slug == "muster-maschinenbau-gmbh"


def test_an_agenda_has_a_column_for_the_other_side_only(scheduled):
    trip, company, bureau, _request = scheduled
    officer = client_for(user_with_role(TRADE_OFFICERS))
    for who, pk, own, other in [
        ("counterpart", bureau.pk, "南京市商务局", "Muster Maschinenbau GmbH"),
        ("participant", company.pk, "Muster Maschinenbau GmbH", "南京市商务局"),
    ]:
        response = officer.get(agenda_url(trip, who, pk, "pdf") + "?lang=en")
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        header = next(line for line in text.splitlines() if line.startswith("Day Time City"))
        assert (
            header == f"Day Time City Table {'Company' if who == 'counterpart' else 'Counterpart'}"
        )
        assert text.count(own) == 1, who  # the heading, not every row
        assert other in text


@pytest.mark.layout
def test_a_company_name_wider_than_its_column_breaks_instead_of_running_off_the_page(
    scheduled,
):
    trip, company, bureau, _request = scheduled
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt"
    company.organisation.name = f"{word} GmbH"
    company.organisation.save()
    officer = client_for(user_with_role(TRADE_OFFICERS))

    response = officer.get(agenda_url(trip, "counterpart", bureau.pk, "pdf") + "?lang=de")

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    # On one line, the word widened its column and the table ran off the paper.
    assert not any(word in line for line in text.splitlines())
    assert word in "".join(text.split())
