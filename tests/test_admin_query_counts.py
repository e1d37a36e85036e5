"""Every admin list costs the same number of queries for 5 rows as for 50 (no N+1)."""

import datetime
import itertools
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners import models as m
from partners.roles import ADMINISTRATORS

from . import factories as f
from .backoffice import client_for, make_record, registered_admins, user_with_role

LARGE_TABLES = [
    m.Delegation,
    m.Meeting,
    m.Organisation,
    m.Person,
    m.CompanyProfile,
    m.ProfileHandover,
    m.FollowUp,
]


serial = itertools.count()


def _make_records(model, count):
    batches = {
        m.Sector: lambda n: [f.SectorFactory(code=f"Z{next(serial)}") for _ in range(n)],
        m.Interest: lambda n: [
            m.Interest.objects.create(code=f"other-{next(serial)}", name="Other") for _ in range(n)
        ],
        Group: lambda n: [Group.objects.create(name=f"Group {next(serial)}") for _ in range(n)],
        f.UserFactory._meta.model: lambda n: f.UserFactory.create_batch(n),
    }
    if model in batches:
        return batches[model](count)
    for factory in vars(f).values():
        factory_model = getattr(getattr(factory, "_meta", None), "model", None)
        # The first factory of a model in factories.py is its plain one.
        if factory_model is model:
            return factory.create_batch(count)
    return [make_record(model) for _ in range(count)]


def _changelist_queries(client, url, expected_rows):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= expected_rows
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [model for model, _ in registered_admins()], ids=lambda model: model._meta.label
)
def test_a_list_of_50_costs_the_same_queries_as_a_list_of_5(model, django_assert_num_queries):
    client = client_for(user_with_role(ADMINISTRATORS))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.get(url)  # warm up the session and permission caches
    _make_records(model, 5)
    few = _changelist_queries(client, url, 5)
    _make_records(model, 45)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert len(response.context["cl"].result_list) >= 50


@pytest.mark.parametrize("model", LARGE_TABLES, ids=lambda model: model.__name__)
def test_large_tables_do_not_count_all_rows(model):
    assert admin.site.get_model_admin(model).show_full_result_count is False


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_the_fast_action_checkbox_renders_what_django_renders(language):
    from django.contrib.admin import ModelAdmin
    from django.utils import translation

    city = f.CityFactory(name='Saint "Jean" <d’Angély> & Co')
    city_admin = admin.site.get_model_admin(m.City)

    with translation.override(language):
        assert city_admin.action_checkbox(city) == ModelAdmin.action_checkbox(city_admin, city)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m.MeetingSlot, m.MeetingRequest], ids=lambda m: m.__name__)
def test_a_trip_form_lists_the_stops_or_slots_of_trips_to_come_at_one_cost_with_their_trip(
    model, django_assert_num_queries
):
    client = client_for(user_with_role(ADMINISTRATORS))
    url = reverse(f"admin:partners_{model._meta.model_name}_add")
    to_come = {"delegation__start_date": datetime.date(2027, 5, 10), "delegation__end_date": None}
    f.MeetingSlotFactory.create_batch(2, **to_come)
    few = _page_queries(client, url)
    f.MeetingSlotFactory.create_batch(8, delegation__title="Unternehmerreise 2027", **to_come)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert "Unternehmerreise 2027 – " in response.text


def _page_queries(client, url):
    client.get(url)  # warm up the session and permission caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _trip_with_rows(rows):
    """A trip with ``rows`` stops, members, meetings (each with an organisation and an
    attendee) and handovers, each row naming its own city, person or company."""
    trip = f.DelegationFactory()
    for _ in range(rows):
        f.DelegationStopFactory(delegation=trip)
        f.DelegationMemberFactory(delegation=trip)
        meeting = f.MeetingFactory(delegation=trip)
        meeting.organisations.add(f.OrganisationFactory())
        meeting.attendees.add(f.PersonFactory())
        handover = f.ProfileHandoverFactory(delegation=trip, meeting=meeting)
        handover.handed_over_by.add(f.PersonFactory())
    return f"/admin/partners/delegation/{trip.pk}/change/"


def test_the_delegation_page_costs_the_same_queries_for_10_rows_as_for_2(db):
    """Its autocompletes show the records read with the rows, not one query each."""
    officer = client_for(user_with_role(ADMINISTRATORS))
    counts = []
    for url in (_trip_with_rows(2), _trip_with_rows(10)):
        officer.get(url)  # the session and caches warmed
        with CaptureQueriesContext(connection) as queries:
            page = officer.get(url)
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Each row's autocompletes still show its own records, chosen.
    html = page.text
    trip = m.Delegation.objects.get(pk=page.context["original"].pk)
    for row, meeting in enumerate(trip.meetings.order_by("-date", "title_de")):
        for field, record in (
            ("city", meeting.city),
            ("organisations", meeting.organisations.get()),
            ("attendees", meeting.attendees.get()),
        ):
            select = re.search(rf'<select name="meetings-{row}-{field}".*?</select>', html, re.S)
            assert f'<option value="{record.pk}" selected>{record}</option>' in select[0]
