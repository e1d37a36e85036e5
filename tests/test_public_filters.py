"""Delegation list, MoU register and company directory: filters, sorting, pagination."""

import copy
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from partners import models as m
from tests import factories as f
from tests.world2019 import build_world_2019

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_world(module_db):
    return build_world_2019()


@pytest.fixture
def world(shared_world):
    return copy.deepcopy(shared_world)  # a test's changes to the instances stay its own


def titles(response, attribute="title"):
    return [getattr(record, attribute) for record in response.context["page"]]


def test_delegations_filter_by_year_city_direction_and_status(client, world):
    url = reverse("partners:delegations")
    assert titles(client.get(url, {"year": "2018"})) == [world.visit_2018.title]
    assert titles(client.get(url, {"city": "nanjing"})) == [world.trip.title]
    assert titles(client.get(url, {"city": "leipzig"})) == [
        world.trip.title,
        world.visit_2018.title,
    ]
    assert titles(client.get(url, {"direction": "inbound"})) == [world.visit_2018.title]
    assert len(titles(client.get(url, {"status": "completed"}))) == 2


def test_delegations_sort_by_title_and_date(client, world):
    url = reverse("partners:delegations")
    assert titles(client.get(url, {"sort": "title"})) == sorted(
        [world.trip.title, world.visit_2018.title]
    )
    assert titles(client.get(url, {"sort": "date"}))[0] == world.visit_2018.title
    assert titles(client.get(url, {"sort": "-date"}))[0] == world.trip.title


def test_records_without_a_date_or_year_stand_at_the_same_place_on_every_database(client, world):
    # SQLite sorts NULL first and PostgreSQL last; the lists say where. An undated trip is
    # planned: with the newest. A company of unknown founding year: last either way.
    status = m.Delegation.Status.PLANNED
    f.DelegationFactory(title="Planned", start_date=None, end_date=None, status=status)
    url = reverse("partners:delegations")
    assert titles(client.get(url, {"sort": "-date"}))[0] == "Planned"
    assert titles(client.get(url, {"sort": "date"}))[-1] == "Planned"

    farming = m.Sector.objects.get(code="A")
    for name, founded in (("Alt GmbH", 1990), ("Jung GmbH", 2020), ("Wann GmbH", None)):
        f.CompanyProfileFactory(organisation__name=name, sector=farming, founded_year=founded)
    companies = reverse("partners:companies")
    by_year = titles(client.get(companies, {"sector": "A", "sort": "founded"}), "name")
    latest_first = titles(client.get(companies, {"sector": "A", "sort": "-founded"}), "name")
    assert by_year == ["Alt GmbH", "Jung GmbH", "Wann GmbH"]
    assert latest_first == ["Jung GmbH", "Alt GmbH", "Wann GmbH"]


def test_sorting_by_title_or_name_follows_the_text_shown_where_a_translation_is_missing(
    client, world
):
    # Shown in English: "Besuch" and "Zug nach Jining" (German, for want of a translation)
    # and "Trip to Nanjing". The year and the sector keep the world's records out.
    in_2031 = {"start_date": datetime.date(2031, 5, 1), "end_date": None}
    f.DelegationFactory(title_de="Zug nach Jining", title_en="", **in_2031)
    f.DelegationFactory(title_de="Abreise nach Nanjing", title_en="Trip to Nanjing", **in_2031)
    f.DelegationFactory(title_de="Besuch", title_en="", **in_2031)
    farming = m.Sector.objects.get(code="A")
    for name in ("Zimmer GmbH", "Adler GmbH", "Mohn AG"):
        f.CompanyProfileFactory(organisation__name_de=name, sector=farming)
    m.Organisation.objects.filter(name_de="Adler GmbH").update(name_en="Eagle Ltd")
    shown = ["Besuch", "Trip to Nanjing", "Zug nach Jining"]

    with translation.override("en"):
        delegations, companies = reverse("partners:delegations"), reverse("partners:companies")
        assert titles(client.get(delegations, {"year": "2031", "sort": "title"})) == shown
        assert titles(client.get(delegations, {"year": "2031", "sort": "-title"})) == shown[::-1]
        names = titles(client.get(companies, {"sector": "A", "sort": "-name"}), "name")
    assert names == ["Zimmer GmbH", "Mohn AG", "Eagle Ltd"]


def test_filter_choices_come_from_published_records_only(client, world):
    secret_city = f.CityFactory(name="Secretcity", slug="secretcity", visibility="internal")
    shown_city = f.CityFactory(name="Shown", slug="shown")
    hidden = f.DelegationFactory(
        visibility="internal",
        start_date=datetime.date(2015, 3, 1),
        end_date=None,
        status=m.Delegation.Status.CANCELLED,
        origin_city=shown_city,
    )
    f.DelegationStopFactory(delegation=hidden, city=secret_city)
    html = client.get(reverse("partners:delegations")).content.decode()
    assert 'value="2019"' in html
    assert 'value="2015"' not in html
    assert 'value="cancelled"' not in html
    assert 'value="shown"' not in html
    assert "Secretcity" not in html


def test_memorandum_register_filters_by_year_kind_and_city(client, world):
    url = reverse("partners:memoranda")
    f.MemorandumFactory(
        title="Partnership charter",
        kind=m.Memorandum.Kind.TWINNING_CHARTER,
        signed_on=datetime.date(1988, 10, 1),
        signed_in=world.leipzig,
    )
    assert sorted(titles(client.get(url, {"year": "2019"}))) == sorted(
        [world.mou_nanjing.title, world.mou_jining.title]
    )
    assert titles(client.get(url, {"kind": "twinning_charter"})) == ["Partnership charter"]
    assert titles(client.get(url, {"city": "jining"})) == [world.mou_jining.title]


def test_a_memorandum_known_only_by_its_trip_counts_in_the_trips_year(client, world):
    f.MemorandumFactory(title="Undated", signed_on=None, delegation=world.visit_2018)
    response = client.get(reverse("partners:memoranda"), {"year": "2018"})
    assert titles(response) == ["Undated"]
    assert 'value="2018"' in response.content.decode()


def test_company_directory_filters_by_sector_interest_and_target_city(client, world):
    other = f.CompanyProfileFactory(
        organisation=f.CompanyFactory(name="Software Leipzig GmbH"),
        sector=m.Sector.objects.get(code="J"),
    )
    other.interests.add(m.Interest.objects.get(code="distribution"))
    url = reverse("partners:companies")
    assert titles(client.get(url, {"sector": "J"}), "name") == ["Software Leipzig GmbH"]
    assert titles(client.get(url, {"interest": "distribution"}), "name") == [
        "Software Leipzig GmbH"
    ]
    assert titles(client.get(url, {"target_city": "nanjing"}), "name") == [
        "Leipziger Firma 00 GmbH",
        "Leipziger Firma 01 GmbH",
    ]
    html = client.get(url).content.decode()
    assert 'value="research"' not in html  # no published profile is interested in research


def test_the_city_list_marks_the_chosen_city_escaped_and_in_the_pages_language(client, world):
    # Cities are many: their options are written by partners.widgets.LongSelect.
    nanjing = m.City.objects.get(slug="nanjing")
    nanjing.name_en, nanjing.name_zh_hans = "Nanjing <South>", "南京"
    nanjing.save()
    with translation.override("en"):
        english = reverse("partners:delegations")
    with translation.override("zh-hans"):
        chinese = reverse("partners:delegations")
    html = client.get(english, {"city": "nanjing"}).content.decode()
    assert '<option value="nanjing" selected>Nanjing &lt;South&gt;</option>' in html
    assert '<option value="leipzig" lang="de">Leipzig</option>' in html  # no English name
    cities = html[html.index('<select name="city"') :].split("</select>")[0]
    assert cities.count(" selected") == 1
    html = client.get(chinese, {"city": "leipzig"}).content.decode()
    assert '<option value="nanjing">南京</option>' in html
    assert '<option value="leipzig" lang="de" selected>' in html


def test_every_filter_field_has_a_label(client, world):
    for name in ("delegations", "memoranda", "companies"):
        html = client.get(reverse(f"partners:{name}")).content.decode()
        for field in ("city", "year", "sort") if name != "companies" else ("sector", "sort"):
            assert f'<label for="id_{field}">' in html, (name, field)


def test_page_size_is_capped(client, world):
    response = client.get(reverse("partners:delegations"), {"per_page": "100000"})
    assert response.context["page"].paginator.per_page == 100


def test_pages_of_a_list_keep_the_filters(client, world):
    for n in range(3):
        f.DelegationFactory(title=f"Extra {n}")
    response = client.get(reverse("partners:delegations"), {"year": "2019", "per_page": "2"})
    html = response.content.decode()
    assert 'href="?year=2019&amp;per_page=2&amp;page=2"' in html
    page2 = client.get(
        reverse("partners:delegations"), {"year": "2019", "per_page": "2", "page": 2}
    )
    assert len(titles(page2)) == 2


BAD_QUERIES = [
    "year=abc",
    "year=99999999999999999999999",
    "city=nowhere",
    "city=",
    "sector=%00",
    "interest=<script>",
    "target_city[]=1",
    "status=bogus&direction=sideways&kind=x",
    "sort=password",
    "sort=-title,,evil",
    "page=-1",
    "page=99999",
    "page=abc",
    "per_page=0",
    "per_page=-5",
    "per_page=abc",
    "per_page=1e9",
]


@pytest.mark.parametrize("name", ["delegations", "memoranda", "companies"])
def test_bad_query_strings_never_fail(client, world, name):
    for query in BAD_QUERIES:
        response = client.get(reverse(f"partners:{name}") + "?" + query)
        assert response.status_code == 200, query


@pytest.mark.parametrize(
    ("language", "descending"),
    [("de", "{} (absteigend)"), ("en", "{} (descending)"), ("zh-hans", "{}（降序）")],
)
def test_sort_choices_are_in_the_pages_language(client, world, language, descending):
    # django-filter formats its descending labels once, at import, in the language of that
    # moment: English and Chinese pages offered "Name (absteigend)".
    for name, param in (("delegations", "title"), ("memoranda", "title"), ("companies", "name")):
        with translation.override(language):
            url = reverse(f"partners:{name}")
            ascending = str(translation.gettext(param))
        html = client.get(url).content.decode()
        sort = html[html.index('<select name="sort"') :].split("</select>")[0]
        assert f'<option value="-{param}">{descending.format(ascending)}</option>' in sort, name
        assert f'<option value="{param}">{ascending}</option>' in sort, name


@pytest.mark.parametrize(
    "name", ["partners:delegations", "partners:memoranda", "partners:companies"]
)
def test_no_sort_menu_offers_the_same_label_twice(client, world, name):
    page = client.get(reverse(name)).content.decode()
    menu = re.search(r'<select name="sort".*?</select>', page, re.S).group(0)
    labels = re.findall(r"<option[^>]*>([^<]+)</option>", menu)
    assert len(labels) == len(set(labels)), labels
