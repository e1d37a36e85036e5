""" "My desk" on the admin start page, and `manage.py remind` sending the same by e-mail."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from partners import models as m
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def officer():
    return user_with_role(TRADE_OFFICERS, username="meier", email="meier@example.org")


@pytest.fixture
def desk_world(officer):
    colleague = user_with_role(TRADE_OFFICERS, username="schulze", email="schulze@example.org")
    f.FollowUpFactory(title="Send profiles next week", owner=officer, due_on=days(7))
    f.FollowUpFactory(title="Overdue thank-you letter", owner=officer, due_on=days(-3))
    f.FollowUpFactory(title="Undated idea", owner=officer, due_on=None)
    f.FollowUpFactory(title="Finished task", owner=officer, status=m.FollowUp.Status.DONE)
    f.FollowUpFactory(title="Colleague's task", owner=colleague, due_on=days(1))
    f.MemorandumFactory(title="MoU Jining", review_on=days(30))
    f.MemorandumFactory(title="MoU Nanjing", signed_on=days(-300), valid_until=days(80))
    f.MemorandumFactory(title="MoU far away", review_on=days(120))
    f.MemorandumFactory(title="MoU review overdue", review_on=days(-10))
    f.MemorandumFactory(
        title="MoU run out", signed_on=days(-400), valid_until=days(-5), review_on=days(-10)
    )
    # An overdue review stays only while the memorandum is in force: not of a draft.
    f.MemorandumFactory(
        title="MoU draft overdue", status=m.Memorandum.Status.DRAFT, signed_on=None,
        review_on=days(-10),
    )  # fmt: skip
    f.DelegationFactory(title="Trip in ten days", start_date=days(10), end_date=days(14))
    f.DelegationFactory(title="Trip in three months", start_date=days(90), end_date=days(95))
    f.DelegationFactory(
        title="Cancelled trip",
        status=m.Delegation.Status.CANCELLED,
        start_date=days(5),
        end_date=days(6),
    )


EXPECTED = [
    "Overdue thank-you letter",
    "Send profiles next week",
    "Undated idea",
    "MoU review overdue",
    "MoU Jining",
    "MoU Nanjing",
    "Trip in ten days",
]
NOT_EXPECTED = [
    "Finished task",
    "Colleague's task",
    "MoU far away",
    "MoU run out",
    "MoU draft overdue",
    "Trip in three months",
    "Cancelled trip",
]


def _in_order(text, items):
    positions = [text.index(item) for item in items]
    return positions == sorted(positions)


def test_my_desk_on_the_admin_start_page(officer, desk_world):
    page = client_for(officer).get(reverse("admin:index")).content.decode()
    desk = page[page.index('id="my-desk"') :]
    assert _in_order(desk, EXPECTED)
    for title in NOT_EXPECTED:
        assert title not in desk
    assert "overdue" in desk[: desk.index("Send profiles next week")]


def test_remind_mails_each_user_their_desk_and_prints_a_summary(
    officer, desk_world, mailoutbox, capsys
):
    user_with_role(MANAGERS, username="nobody-to-remind", email="m@example.org")
    call_command("remind")

    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_recipient) == {"meier@example.org", "schulze@example.org"}
    body = by_recipient["meier@example.org"].body
    assert _in_order(body, EXPECTED)
    for title in NOT_EXPECTED:
        assert title not in body
    assert "Colleague's task" in by_recipient["schulze@example.org"].body
    summary = capsys.readouterr().out
    assert (
        "Reminders sent: 2. Open follow-ups: 4; memoranda due: 3; upcoming delegations: 1; "
        "opportunities with a next step due: 0." in summary
    )


def test_remind_sends_nothing_when_nothing_is_due(mailoutbox, capsys):
    user_with_role(TRADE_OFFICERS, email="idle@example.org")
    call_command("remind")
    assert mailoutbox == []
    assert "Reminders sent: 0." in capsys.readouterr().out


def test_a_colleague_taken_out_of_every_group_sees_and_gets_no_desk(desk_world, mailoutbox):
    former = f.UserFactory(username="former", email="former@example.org")  # staff, no group
    f.FollowUpFactory(title="Task of someone who left", owner=former, due_on=days(2))

    page = client_for(former).get(reverse("admin:index")).content.decode()
    call_command("remind")

    for title in [*EXPECTED, "Task of someone who left"]:
        assert title not in page
    assert "former@example.org" not in {mail.to[0] for mail in mailoutbox}


def test_remind_goes_on_past_a_refused_mail_and_fails_naming_the_count(
    officer, desk_world, refusing_mail_server, capsys
):
    with pytest.raises(CommandError, match="The mail server refused 2 reminders"):
        call_command("remind")
    assert "Reminders sent: 0." in capsys.readouterr().out
