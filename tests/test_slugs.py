"""Slugs spell German out (ö → oe, ß → ss), Chinese in pinyin, Ł as L, other scripts in Latin;
words stay apart."""

import re

import pytest
from django.urls import reverse

from partners.imports import import_profiles
from partners.models import Organisation
from partners.models.base import german_slug
from tests import factories as f
from tests.backoffice import change_form_data, client_for
from tests.import_files import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Leipzig–Nanjing: Städtepartnerschaft", "leipzig-nanjing-staedtepartnerschaft"),
        ("Michael Körner", "michael-koerner"),
        ("Große Straße GmbH & Co. KG", "grosse-strasse-gmbh-co-kg"),
        ("Besuch 2018/2019", "besuch-2018-2019"),
        ("Übersee—Ölhafen", "uebersee-oelhafen"),
        ("南京新港", "nan-jing-xin-gang"),
        ("济宁 Jining", "ji-ning-jining"),
        ("Łódzkie Zakłady Sp. z o.o.", "lodzkie-zaklady-sp-z-o-o"),
        ("Ørsted Æble Đurić", "orsted-aeble-duric"),
        ('Zakłady Mięsne „Łukosz" & Synowie', "zaklady-miesne-lukosz-synowie"),
        ("Izba Przemysłowo-Handlowa w Krakowie", "izba-przemyslowo-handlowa-w-krakowie"),
        ("Ørsted Æbeltoft", "orsted-aebeltoft"),
    ],
)
def test_german_slugs(text, slug):
    assert german_slug(text) == slug


def test_records_get_german_slugs_from_their_names():
    delegation = f.DelegationFactory(title="Leipzig–Nanjing: Gespräche über Straßenbahnen", slug="")
    assert delegation.slug == "leipzig-nanjing-gespraeche-ueber-strassenbahnen"
    city = f.CityFactory(name="Görlitz", slug="")
    assert city.slug == "goerlitz"


def test_a_chinese_only_name_gets_a_pinyin_slug_not_a_generic_one():
    first = f.OrganisationFactory(name="南京金鹰集团", slug="")
    second = f.OrganisationFactory(name="济宁港航", slug="")
    assert (first.slug, second.slug) == ("nan-jing-jin-ying-ji-tuan", "ji-ning-gang-hang")


def test_the_import_spells_a_chinese_company_name_in_pinyin():
    f.HomeCityFactory(name="Leipzig")
    sheet = csv_bytes([["山东重工", "", "Leipzig", "", "", ""]])
    result = import_profiles(source=sheet, filename="profiles.csv")
    assert not result.errors
    assert Organisation.objects.get(name="山东重工").slug == "shan-dong-zhong-gong"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hồ Chí Minh", "ho-chi-minh"),
        ("Đà Nẵng", "da-nang"),
        ("Nguyễn Thị Ánh Logistics", "nguyen-thi-anh-logistics"),
        ("Société Générale", "societe-generale"),
    ],
)
def test_other_latin_letters_lose_only_their_accents(text, slug):
    assert german_slug(text) == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Москва", "moskva"),
        ("Санкт-Петербург", "sankt-peterburg"),
        ("Київ", "kiyiv"),
        ("Αθήνα", "athena"),
        ("Θεσσαλονίκη", "thessalonike"),
        ("서울", "seoul"),
        ("부산항만공사", "busanhangmangongsa"),
        ("とうきょう", "toukiyou"),
        ("ヨコハマ", "yokohama"),
        ("القاهرة", "lqhr"),
        ("Übersee Москва", "uebersee-moskva"),
        ("南京 Москва", "nan-jing-moskva"),
    ],
)
def test_other_scripts_are_spelled_in_latin(text, slug):
    assert german_slug(text) == slug


def test_cities_in_other_scripts_get_their_own_slugs_not_a_generic_one():
    names = ["Москва", "Αθήνα", "서울", "とうきょう", "القاهرة"]
    slugs = [f.CityFactory(name=name, slug="").slug for name in names]
    assert slugs == ["moskva", "athena", "seoul", "toukiyou", "lqhr"]


def test_an_organisation_added_in_the_admin_gets_its_slug_from_the_server():
    """Not from the admin's prepopulate script, which spells "Müller" "muller", glues
    "Leipzig–Nanjing" into "leipzignanjing" and gives a repeated name the same slug
    (a form error), and with JavaScript off leaves the slug empty."""
    client = client_for(f.UserFactory(is_superuser=True))
    url = reverse("admin:partners_organisation_add")
    page = client.get(url)
    assert not page.context["adminform"].prepopulated_fields
    assert "Left blank, it is made from the German name or title." in page.text
    slugs = []
    for _ in range(3):
        data = change_form_data(client, url)
        data.update(name_de="Müller–Düsseldorf Straßenbau", kind="company", slug="")
        assert client.post(url, data).status_code == 302
        slugs.append(Organisation.objects.latest("pk").slug)
    # A repeated name gets a random suffix, never a count of the others (internal ones too).
    assert slugs[0] == "mueller-duesseldorf-strassenbau"
    assert all(re.fullmatch(r"mueller-duesseldorf-strassenbau-[0-9a-f]{6}", s) for s in slugs[1:])
    assert len(set(slugs)) == 3
    first = Organisation.objects.get(slug=slugs[0])
    first.name = "Müller Bau"
    first.save()
    assert Organisation.objects.get(pk=first.pk).slug == slugs[0]  # links stay valid
