"""The home map is kept between requests (a template fragment) and redrawn at once after a
write to the partnerships or cities, in each language of its own."""

import pytest

from partners import models as m

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)  # writes committed, as in production


def _map(client, language="en") -> str:
    page = client.get(f"/{language}/").content.decode()
    start = page.index('<section aria-labelledby="map-heading">')
    return page[start : page.index("</section>", start)]


def test_a_partnership_published_or_withdrawn_shows_on_the_next_request(client):
    leipzig = f.HomeCityFactory(name="Leipzig")
    f.PartnershipFactory(home_city=leipzig, partner_city=f.CityFactory(name="Nanjing"))
    assert "Nanjing" in _map(client) and "Jining" not in _map(client)

    jining = f.CityFactory(name="Jining")
    partnership = f.PartnershipFactory(home_city=leipzig, partner_city=jining)
    assert "Jining" in _map(client)

    m.Partnership.objects.filter(pk=partnership.pk).update(visibility=m.Visibility.INTERNAL)
    assert "Jining" not in _map(client)

    jining.name_en = "Jining City"
    jining.save()
    m.Partnership.objects.filter(pk=partnership.pk).update(visibility=m.Visibility.PUBLIC)
    assert "Jining City" in _map(client)


def test_each_language_has_its_own_map(client):
    leipzig = f.HomeCityFactory(name="Leipzig", name_zh_hans="莱比锡")
    f.PartnershipFactory(home_city=leipzig, partner_city=f.CityFactory(name="Nanjing"))

    assert "莱比锡" not in _map(client, "en")
    assert "莱比锡" in _map(client, "zh-hans")
    assert "莱比锡" not in _map(client, "de")
