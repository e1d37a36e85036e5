"""Admin actions: complete delegations, publish / unpublish, duplicate as a planned trip."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from partners import models as m
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, registered_admins, user_with_role

pytestmark = pytest.mark.django_db


def _run(client, model, action, records, **extra):
    url = reverse(f"admin:partners_{model._meta.model_name}_changelist")
    data = {"action": action, "_selected_action": [r.pk for r in records], "index": 0, **extra}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)] or [
        str(message) for message in response.context["messages"]
    ]


@pytest.fixture
def officer_client():
    return client_for(user_with_role(TRADE_OFFICERS))


@pytest.fixture
def manager_client():
    return client_for(user_with_role(MANAGERS))


def test_delegations_are_marked_completed_except_those_without_a_start_date(officer_client):
    dated = f.DelegationFactory(status=m.Delegation.Status.CONFIRMED)
    undated = f.DelegationFactory(
        title="Someday trip", status=m.Delegation.Status.PLANNED, start_date=None, end_date=None
    )
    messages = _run(officer_client, m.Delegation, "mark_completed", [dated, undated])
    dated.refresh_from_db()
    undated.refresh_from_db()
    assert dated.status == m.Delegation.Status.COMPLETED
    assert undated.status == m.Delegation.Status.PLANNED
    assert any("“Someday trip”" in message for message in messages)


@pytest.mark.parametrize(
    "factory",
    [
        f.CityFactory,
        f.PartnershipFactory,
        f.OrganisationFactory,
        f.PersonFactory,
        f.DelegationFactory,
        f.MeetingFactory,
        f.MemorandumFactory,
        f.CompanyProfileFactory,
        f.FollowUpFactory,
        f.PhotoFactory,
    ],
)
def test_every_public_model_can_be_unpublished_and_published(manager_client, factory):
    record = factory(visibility=m.Visibility.PUBLIC)
    model = type(record)
    _run(manager_client, model, "unpublish", [record])
    record.refresh_from_db()
    assert record.visibility == m.Visibility.INTERNAL
    # Confirmed at once, without the records its page needs (tests/test_publishing.py).
    _run(manager_client, model, "publish", [record], confirm_publish="yes")
    record.refresh_from_db()
    assert record.visibility == m.Visibility.PUBLIC
    # Each change is in the history, with its author.
    assert record.history.first().history_user is not None


def test_a_profile_without_consent_is_not_published_and_named(manager_client):
    consenting = f.CompanyProfileFactory(visibility=m.Visibility.INTERNAL)
    refusing = f.CompanyProfileFactory(
        consent_to_share=False,
        visibility=m.Visibility.INTERNAL,
        organisation__name="Secretive GmbH",
    )
    messages = _run(
        manager_client, m.CompanyProfile, "publish", [consenting, refusing], confirm_publish="1"
    )
    consenting.refresh_from_db()
    refusing.refresh_from_db()
    assert consenting.visibility == m.Visibility.PUBLIC
    assert refusing.visibility == m.Visibility.INTERNAL
    assert any("“Secretive GmbH”" in message for message in messages)


def test_a_delegation_is_duplicated_as_a_planned_trip_with_stops_and_members(officer_client):
    trip = f.DelegationFactory(title="Nanjing and Jining 2019")
    trip.supporting_organisations.add(f.OrganisationFactory(short_name="ECMDC"))
    stops = [f.DelegationStopFactory(delegation=trip, order=n) for n in (1, 2)]
    members = f.DelegationMemberFactory.create_batch(3, delegation=trip)
    f.MeetingFactory(delegation=trip)

    _run(officer_client, m.Delegation, "duplicate_as_planned_trip", [trip])

    copy = m.Delegation.objects.exclude(pk=trip.pk).get()
    assert copy.status == m.Delegation.Status.PLANNED
    assert copy.visibility == m.Visibility.INTERNAL
    assert copy.start_date is None
    assert [s.city_id for s in copy.stops.order_by("order")] == [s.city_id for s in stops]
    assert {x.person_id for x in copy.members.all()} == {x.person_id for x in members}
    assert set(copy.supporting_organisations.all()) == set(trip.supporting_organisations.all())
    assert not copy.meetings.exists()
    assert trip.meetings.count() == 1


def test_managers_publish_and_trade_officers_only_mark_ready():
    f.CityFactory(name="Nanjing")
    url = reverse("admin:partners_city_changelist")
    response = client_for(user_with_role(MANAGERS)).get(url)
    assert "Nanjing" in response.content.decode()
    assert b'value="publish"' in response.content
    assert b'value="request_publication"' not in response.content
    response = client_for(user_with_role(TRADE_OFFICERS)).get(url)
    assert b'value="publish"' not in response.content
    assert b'value="request_publication"' in response.content


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("de", "1 Eintrag nicht mehr öffentlich.", "2 Einträge nicht mehr öffentlich."),
        ("en", "1 record unpublished.", "2 records unpublished."),
    ],
)
def test_the_count_in_a_message_agrees_with_its_noun(manager_client, language, one, two):
    first, second = f.CityFactory(), f.CityFactory()
    manager_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    assert one in _run(manager_client, m.City, "unpublish", [first])
    first.visibility = m.Visibility.PUBLIC
    first.save()
    assert two in _run(manager_client, m.City, "unpublish", [first, second])


@pytest.mark.parametrize("forged", ["abc", str(2**63)])
@pytest.mark.parametrize(
    ("model", "action", "factory"),
    [
        (
            "partners_delegation",
            "mark_completed",
            lambda: f.DelegationFactory(status=m.Delegation.Status.CONFIRMED),
        ),
        ("auth_group", "delete_selected", None),
    ],
)
def test_a_forged_selection_is_a_bad_request_naming_it(
    officer_client, forged, model, action, factory
):
    # Django filtered by the chosen ids as they came: a 500.
    record = factory() if factory else Group.objects.create(name="Clerks")
    client = client_for(f.UserFactory(is_superuser=True)) if factory is None else officer_client
    data = {"action": action, "_selected_action": [record.pk, forged], "index": 0}

    response = client.post(reverse(f"admin:{model}_changelist"), data)

    assert response.status_code == 400
    assert f"_selected_action: &#x27;{forged}&#x27; is not an id" in response.text
    record.refresh_from_db()  # neither deleted nor completed
    assert getattr(record, "status", "") != m.Delegation.Status.COMPLETED


@pytest.mark.parametrize(("model", "model_admin"), registered_admins(), ids=lambda x: str(x))
def test_every_admin_refuses_a_forged_selection_by_name(model, model_admin):
    # The libraries' admins (axes, tasks) and our plain ones had Django's 500 too.
    superuser = f.UserFactory(is_superuser=True)
    request = RequestFactory().get("/")
    request.user = superuser
    actions = list(model_admin.get_actions(request))
    if not actions:
        pytest.skip("no actions")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    data = {"action": actions[0], "_selected_action": str(2**63), "index": 0}

    response = client_for(superuser).post(url, data)

    assert response.status_code == 400
    assert f"_selected_action: &#x27;{2**63}&#x27; is not an id" in response.text


def test_a_refused_title_is_quoted_in_the_readers_language(officer_client):
    undated = f.DelegationFactory(
        title="Reise", status=m.Delegation.Status.PLANNED, start_date=None, end_date=None
    )
    officer_client.cookies["django_language"] = "de"
    messages = _run(officer_client, m.Delegation, "mark_completed", [undated])
    assert any("„Reise“" in message for message in messages), messages


@pytest.mark.parametrize("language", ["zh-hans", "en", "de"])
def test_a_duplicated_trip_keeps_each_language_in_its_own_field(officer_client, language):
    trip = f.DelegationFactory(
        title_de="Delegationsreise nach Nanjing",
        title_en="Delegation trip to Nanjing",
        title_zh_hans="南京代表团之行",
        purpose_de="Gespräche führen",
        purpose_en="Hold talks",
        purpose_zh_hans="",
    )
    officer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    _run(officer_client, m.Delegation, "duplicate_as_planned_trip", [trip])

    copy = m.Delegation.objects.exclude(pk=trip.pk).get()
    assert copy.title_de.startswith("Delegationsreise nach Nanjing (")
    assert copy.title_en.startswith("Delegation trip to Nanjing (")
    assert copy.title_zh_hans.startswith("南京代表团之行")
    assert (copy.purpose_de, copy.purpose_en, copy.purpose_zh_hans) == (
        "Gespräche führen",
        "Hold talks",
        "",
    )
    assert copy.slug.startswith("delegationsreise-nach-nanjing")
