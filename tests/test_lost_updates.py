"""Two people open the same record and both save: the second save is refused, the first kept."""

from html import unescape

import pytest
from django.urls import reverse

from partners import models as m
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_officers():
    alice = user_with_role(TRADE_OFFICERS, username="alice")
    bob = user_with_role(TRADE_OFFICERS, username="bob")
    return client_for(alice), client_for(bob)


def test_the_second_save_is_refused_and_names_what_changed_in_between(two_officers):
    alice, bob = two_officers
    delegation = f.DelegationFactory(title="Trip to Nanjing", purpose="Talks")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    alices_form = change_form_data(alice, url)
    bobs_form = change_form_data(bob, url)

    alices_form["title_de"] = "Trip to Nanjing and Jining"
    assert alice.post(url, alices_form).status_code == 302
    bobs_form["purpose_de"] = "Sign two memoranda"
    response = bob.post(url, bobs_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "someone else saved this record after you opened it" in page
    assert "alice" in page
    assert "“Trip to Nanjing” → “Trip to Nanjing and Jining”" in page
    delegation.refresh_from_db()
    assert delegation.title == "Trip to Nanjing and Jining"
    assert delegation.purpose == "Talks"
    assert delegation.version == 2


def test_after_reloading_the_second_person_saves_on_top_of_the_first(two_officers):
    alice, bob = two_officers
    delegation = f.DelegationFactory(title="Trip", purpose="Talks")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    alices_form = change_form_data(alice, url)
    alices_form["title_de"] = "Trip to Nanjing"
    alice.post(url, alices_form)

    bobs_form = change_form_data(bob, url)
    bobs_form["purpose_de"] = "Sign two memoranda"
    response = bob.post(url, bobs_form)

    assert response.status_code == 302, form_errors(response)
    delegation.refresh_from_db()
    assert (delegation.title, delegation.purpose) == ("Trip to Nanjing", "Sign two memoranda")
    assert delegation.version == 3


def test_a_stale_inline_row_is_refused_too(two_officers):
    alice, bob = two_officers
    meeting = f.MeetingFactory(title="Talk at the bureau")
    url = reverse("admin:partners_delegation_change", args=[meeting.delegation_id])
    alices_form = change_form_data(alice, url)
    bobs_form = change_form_data(bob, url)

    alices_form["meetings-0-title_de"] = "Talk at the investment bureau"
    assert alice.post(url, alices_form).status_code == 302
    bobs_form["meetings-0-kind"] = m.Meeting.Kind.PRESENTATION
    response = bob.post(url, bobs_form)

    assert response.status_code == 200
    assert "someone else saved this record" in form_errors(response)
    meeting.refresh_from_db()
    assert meeting.title == "Talk at the investment bureau"
    assert meeting.kind == m.Meeting.Kind.MEETING


def test_a_page_opened_before_a_publish_action_cannot_undo_it(two_officers):
    _alice, bob = two_officers
    alice = client_for(user_with_role(MANAGERS, username="manager"))
    city = f.CityFactory(visibility=m.Visibility.INTERNAL, description="Old")
    url = reverse("admin:partners_city_change", args=[city.pk])
    bobs_form = change_form_data(bob, url)
    changelist = reverse("admin:partners_city_changelist")
    alice.post(changelist, {"action": "publish", "_selected_action": [city.pk], "index": 0})

    bobs_form["description_de"] = "New"
    assert bob.post(url, bobs_form).status_code == 200
    city.refresh_from_db()
    assert city.visibility == m.Visibility.PUBLIC


def test_two_people_editing_different_rows_of_one_page_both_keep_their_edits(two_officers):
    alice, bob = two_officers
    delegation = f.DelegationFactory(title="Trip")
    first = f.MeetingFactory(delegation=delegation, title="Talk at the bureau")
    second = f.MeetingFactory(delegation=delegation, title="Visit to the port")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    alices_form = change_form_data(alice, url)
    bobs_form = change_form_data(bob, url)
    row = {int(alices_form[f"meetings-{i}-id"]): i for i in range(2)}

    alices_form[f"meetings-{row[first.pk]}-title_de"] = "Talk at the investment bureau"
    assert alice.post(url, alices_form).status_code == 302
    bobs_form[f"meetings-{row[second.pk]}-kind"] = m.Meeting.Kind.PRESENTATION
    response = bob.post(url, bobs_form)

    assert response.status_code == 302, form_errors(response)
    first.refresh_from_db()
    second.refresh_from_db()
    delegation.refresh_from_db()
    assert first.title == "Talk at the investment bureau"
    assert second.kind == m.Meeting.Kind.PRESENTATION
    assert (delegation.title, delegation.version) == ("Trip", 1)


def test_a_page_edit_after_another_persons_row_edit_keeps_both(two_officers):
    alice, bob = two_officers
    meeting = f.MeetingFactory(title="Talk at the bureau")
    delegation = meeting.delegation
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    alices_form = change_form_data(alice, url)
    bobs_form = change_form_data(bob, url)

    alices_form["meetings-0-title_de"] = "Talk at the investment bureau"
    assert alice.post(url, alices_form).status_code == 302
    bobs_form["purpose_de"] = "Sign two memoranda"
    response = bob.post(url, bobs_form)

    assert response.status_code == 302, form_errors(response)
    meeting.refresh_from_db()
    delegation.refresh_from_db()
    assert meeting.title == "Talk at the investment bureau"
    assert delegation.purpose == "Sign two memoranda"


def test_a_row_changed_by_someone_else_is_not_deleted_from_an_older_page(two_officers):
    alice, bob = two_officers
    meeting = f.MeetingFactory(title="Talk at the bureau")
    url = reverse("admin:partners_delegation_change", args=[meeting.delegation_id])
    alices_form = change_form_data(alice, url)
    bobs_form = change_form_data(bob, url)

    alices_form["meetings-0-title_de"] = "Talk at the investment bureau"
    assert alice.post(url, alices_form).status_code == 302
    bobs_form["meetings-0-DELETE"] = "on"
    response = bob.post(url, bobs_form)

    assert response.status_code == 200
    assert "Not deleted: someone else changed" in form_errors(response)
    assert "Talk at the investment bureau" in form_errors(response)
    meeting.refresh_from_db()
    assert meeting.title == "Talk at the investment bureau"


def test_a_row_deleted_by_someone_else_is_named_when_the_older_page_edits_it(two_officers):
    alice, bob = two_officers
    meeting = f.MeetingFactory(title="Talk at the bureau")
    url = reverse("admin:partners_delegation_change", args=[meeting.delegation_id])
    bobs_form = change_form_data(bob, url)
    meeting.delete()

    bobs_form["meetings-0-title_de"] = "Talk at the investment bureau"
    response = bob.post(url, bobs_form)

    assert response.status_code == 200
    assert "was deleted by someone else in the meantime" in form_errors(response)
    assert not m.Meeting.objects.exists()


def test_a_text_sent_back_with_the_browsers_line_breaks_is_not_a_change(two_officers):
    alice, bob = two_officers
    delegation = f.DelegationFactory(summary="First line.\nSecond line.")
    meeting = f.MeetingFactory(delegation=delegation, title="Talk at the bureau")
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    alices_form = change_form_data(alice, url)
    bobs_form = change_form_data(bob, url)
    for form in (alices_form, bobs_form):
        form["summary_de"] = form["summary_de"].replace("\n", "\r\n")  # as browsers send it

    alices_form["meetings-0-title_de"] = "Talk at the investment bureau"
    assert alice.post(url, alices_form).status_code == 302
    bobs_form["purpose_de"] = "Sign two memoranda"
    response = bob.post(url, bobs_form)

    assert response.status_code == 302, form_errors(response)
    delegation.refresh_from_db()
    meeting.refresh_from_db()
    assert delegation.summary == "First line.\nSecond line."
    assert (delegation.purpose, meeting.title) == (
        "Sign two memoranda",
        "Talk at the investment bureau",
    )


def test_two_rows_naming_one_record_are_refused_not_merged(two_officers):
    alice, _bob = two_officers
    first = f.MeetingFactory(title="First talk")
    second = f.MeetingFactory(delegation=first.delegation, title="Second talk")
    url = reverse("admin:partners_delegation_change", args=[first.delegation_id])
    form = change_form_data(alice, url)
    rows = {form[f"meetings-{n}-id"]: n for n in (0, 1)}
    n_second = rows[str(second.pk)]
    form[f"meetings-{n_second}-id"] = str(first.pk)  # forged: the second row names the first
    form[f"meetings-{n_second}-title_de"] = "Overwritten"

    response = alice.post(url, form)

    assert response.status_code == 200
    assert "Two rows of “meetings” name the same record." in form_errors(response)
    assert sorted(m.Meeting.objects.values_list("title", flat=True)) == [
        "First talk",
        "Second talk",
    ]


def test_a_row_of_another_record_is_named_so_and_left_as_it_is(two_officers):
    alice, _bob = two_officers
    mine = f.MeetingFactory(title="My talk")
    theirs = f.MeetingFactory(title="Their talk")
    url = reverse("admin:partners_delegation_change", args=[mine.delegation_id])
    form = change_form_data(alice, url)
    form["meetings-0-id"] = str(theirs.pk)  # forged: another delegation's meeting
    form["meetings-0-title_de"] = "Taken over"

    response = alice.post(url, form)

    assert response.status_code == 200
    assert "A row of “meetings” is not one of this record's." in unescape(form_errors(response))
    theirs.refresh_from_db()
    assert (theirs.title, theirs.delegation_id) == ("Their talk", theirs.delegation_id)
