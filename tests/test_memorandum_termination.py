"""A terminated memorandum keeps the day it ended: in force until then, everywhere."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2020, 3, 1)
ENDED = datetime.date(2023, 5, 15)
TERMINATED = m.Memorandum.Status.TERMINATED


def _terminated(**kwargs):
    kwargs.setdefault("title", "MoU Nanjing 2020")
    return f.MemorandumFactory(status=TERMINATED, signed_on=SIGNED, **kwargs)


def test_it_was_in_force_from_its_signing_until_the_day_before_its_termination():
    memorandum = _terminated(terminated_on=ENDED)

    for day, held in [
        (SIGNED - datetime.timedelta(days=1), False),
        (SIGNED, True),
        (datetime.date(2022, 12, 31), True),
        (ENDED - datetime.timedelta(days=1), True),
        (ENDED, False),
    ]:
        assert memorandum.is_in_force(day) is held, day
        assert m.Memorandum.objects.in_force(day).filter(pk=memorandum.pk).exists() is held, day


def test_one_terminated_without_a_date_is_never_in_force():
    memorandum = _terminated(terminated_on=None)

    assert not memorandum.is_in_force(datetime.date(2022, 1, 1))
    assert not m.Memorandum.objects.in_force(datetime.date(2022, 1, 1)).exists()


def test_its_end_of_validity_still_ends_it_before_a_later_termination():
    memorandum = _terminated(terminated_on=ENDED, valid_until=datetime.date(2021, 12, 31))

    assert memorandum.is_in_force(datetime.date(2021, 12, 31))
    assert not memorandum.is_in_force(datetime.date(2022, 1, 1))
    assert not m.Memorandum.objects.in_force(datetime.date(2022, 1, 1)).exists()


def test_the_history_keeps_the_termination_date():
    memorandum = _terminated(terminated_on=None)
    memorandum.terminated_on = ENDED
    memorandum.save()

    assert memorandum.history.first().terminated_on == ENDED


@pytest.fixture
def officer():
    return client_for(user_with_role(TRADE_OFFICERS))


def test_the_back_office_asks_when_a_memorandum_is_terminated(officer):
    memorandum = f.MemorandumFactory(signed_on=SIGNED)
    url = reverse("admin:partners_memorandum_change", args=[memorandum.pk])
    data = change_form_data(officer, url)
    data["status"] = TERMINATED

    response = officer.post(url, data)

    assert response.status_code == 200
    assert "terminated_on" in response.context["adminform"].form.errors
    data["terminated_on"] = ENDED.isoformat()
    response = officer.post(url, data)
    assert response.status_code == 302, form_errors(response)
    memorandum.refresh_from_db()
    assert (memorandum.status, memorandum.terminated_on) == (TERMINATED, ENDED)


def test_one_terminated_before_the_date_was_kept_can_still_be_edited(officer):
    memorandum = _terminated(terminated_on=None)
    url = reverse("admin:partners_memorandum_change", args=[memorandum.pk])
    data = change_form_data(officer, url)
    data["review_on"] = "2026-01-01"

    response = officer.post(url, data)

    assert response.status_code == 302, form_errors(response)
    memorandum.refresh_from_db()
    assert memorandum.review_on == datetime.date(2026, 1, 1)
    assert memorandum.terminated_on is None


def test_the_back_office_refuses_a_termination_date_on_a_memorandum_in_force(officer):
    memorandum = f.MemorandumFactory(signed_on=SIGNED)
    url = reverse("admin:partners_memorandum_change", args=[memorandum.pk])
    data = change_form_data(officer, url)
    data["terminated_on"] = ENDED.isoformat()

    response = officer.post(url, data)

    assert response.status_code == 200
    assert "terminated_on" in response.context["adminform"].form.errors
    memorandum.refresh_from_db()
    assert memorandum.terminated_on is None


def _english(name, **kwargs):
    with translation.override("en"):
        return reverse(f"partners:{name}", kwargs=kwargs or None)


def test_the_public_register_shows_when_a_memorandum_was_terminated(client):
    memorandum = _terminated(terminated_on=ENDED)

    detail = client.get(_english("memorandum", slug=memorandum.slug)).content.decode()
    listing = client.get(_english("memoranda")).content.decode()

    assert "terminated on 15 May 2023" in detail
    assert "– in force" not in detail
    assert "terminated on 15 May 2023" in listing


def test_the_open_data_names_the_termination_date(client):
    _terminated(terminated_on=ENDED)
    _terminated(terminated_on=None, title="MoU Jining 2020")

    response = client.get(_english("memoranda") + "?format=json")
    rows = json.loads(b"".join(response.streaming_content))

    assert {row["title"]: (row["terminated_on"], row["in_force"]) for row in rows} == {
        "MoU Nanjing 2020": ("2023-05-15", False),
        "MoU Jining 2020": (None, False),
    }
