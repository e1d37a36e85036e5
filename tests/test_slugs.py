"""Slugs spell German out (ö → oe, ß → ss) and keep the words apart."""

import pytest

from partners.models.base import german_slug
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Leipzig–Nanjing: Städtepartnerschaft", "leipzig-nanjing-staedtepartnerschaft"),
        ("Michael Körner", "michael-koerner"),
        ("Große Straße GmbH & Co. KG", "grosse-strasse-gmbh-co-kg"),
        ("Besuch 2018/2019", "besuch-2018-2019"),
        ("Übersee—Ölhafen", "uebersee-oelhafen"),
    ],
)
def test_german_slugs(text, slug):
    assert german_slug(text) == slug


def test_records_get_german_slugs_from_their_names():
    delegation = f.DelegationFactory(title="Leipzig–Nanjing: Gespräche über Straßenbahnen", slug="")
    assert delegation.slug == "leipzig-nanjing-gespraeche-ueber-strassenbahnen"
    city = f.CityFactory(name="Görlitz", slug="")
    assert city.slug == "goerlitz"
