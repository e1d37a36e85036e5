"""Admin search through foreign keys: subqueries instead of joins, same results."""

import pytest
from django.contrib import admin

from partners import models as m
from partners.roles import ADMINISTRATORS

from . import factories as f
from .backoffice import client_for, user_with_role

pytestmark = pytest.mark.django_db


def search(model, term):
    client = client_for(user_with_role(ADMINISTRATORS))
    response = client.get(f"/admin/partners/{model._meta.model_name}/", {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_people_are_found_by_their_organisations_name_or_their_own(db):
    agency = f.OrganisationFactory(name="Nanjing Investment Bureau")
    by_organisation = f.PersonFactory(organisation=agency, full_name="Shi Guangliang")
    by_name = f.PersonFactory(full_name="Wang Nanjingren")
    f.PersonFactory(full_name="Anna Schmidt")
    assert set(search(m.Person, "nanjing")) == {by_organisation, by_name}


def test_every_word_of_the_search_must_match_somewhere(db):
    agency = f.OrganisationFactory(name="Nanjing Investment Bureau")
    wanted = f.PersonFactory(organisation=agency, full_name="Shi Guangliang")
    f.PersonFactory(organisation=agency, full_name="Li Wei")
    assert search(m.Person, 'nanjing "shi guang"') == [wanted]


def test_handovers_are_found_two_foreign_keys_away(db):
    profile = f.CompanyProfileFactory(organisation__name="Leipziger Präzisionsteile GmbH")
    handover = f.ProfileHandoverFactory(profile=profile)
    f.ProfileHandoverFactory()
    assert search(m.ProfileHandover, "präzision") == [handover]


def test_a_delegation_found_through_two_stops_is_listed_once(db):
    trip = f.DelegationFactory(title="Ost-China 2019")
    f.DelegationStopFactory(delegation=trip, city__name="Nanjing", order=1)
    f.DelegationStopFactory(delegation=trip, city__name="Nanjing Süd", order=2)
    assert search(m.Delegation, "nanjing") == [trip]


def test_every_admin_with_search_fields_answers_a_search(db):
    client = client_for(user_with_role(ADMINISTRATORS))
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "partners" and model_admin.search_fields:
            url = f"/admin/partners/{model._meta.model_name}/"
            assert client.get(url, {"q": "x y"}).status_code == 200, url
