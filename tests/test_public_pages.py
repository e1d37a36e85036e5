"""The public pages show the 2019 trip of the press release, in German and English."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from partners import models as m
from tests import factories as f
from tests.world2019 import build_world_2019

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world_2019()


def get(client, name, language="de", **kwargs):
    with translation.override(language):
        url = reverse(f"partners:{name}", kwargs=kwargs or None)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_bare_root_redirects_by_the_browsers_language(db):
    assert Client(headers={"accept-language": "en-GB,en;q=0.8"}).get("/").url == "/en/"
    assert Client(headers={"accept-language": "de-DE"}).get("/").url == "/de/"


def test_home_counts_published_records_only(client, world):
    html = get(client, "home", "en")
    # Nanjing and Jining; 2 delegations; 2 memoranda in force; 2 of 11 profiles published.
    assert '<span class="count">2</span> partner cities' in html
    assert '<span class="count">2</span> delegations' in html
    assert '<span class="count">2</span> memoranda in force' in html
    assert '<span class="count">2</span> companies in the directory' in html


def test_home_counts_one_of_each_in_the_singular(client):
    leipzig = f.HomeCityFactory(name="Leipzig")
    krakow = f.CityFactory(name="Krakau", slug="krakau")
    f.PartnershipFactory(home_city=leipzig, partner_city=krakow)
    f.DelegationFactory()
    f.MemorandumFactory()
    f.CompanyProfileFactory(consent_to_share=True, visibility=m.Visibility.PUBLIC)
    counts = {
        "en": ["partner city", "delegation", "memorandum in force", "company in the directory"],
        "de": ["Partnerstadt", "Delegation", "gültige Vereinbarung", "Unternehmen im Verzeichnis"],
    }
    for language, words in counts.items():
        html = get(client, "home", language)
        for word in words:
            assert f'<span class="count">1</span> {word}</li>' in html


def test_home_map_links_the_partner_cities(client, world):
    html = get(client, "home", "de")
    assert 'href="/de/cities/nanjing/"' in html
    assert '<line class="partnership"' in html
    # Coordinates are never written with a German decimal comma.
    assert 'cx="597.6"' in html


def test_a_map_line_between_names_shown_in_german_says_so(client, db):
    home = f.HomeCityFactory(name="Leipzig", latitude=51.34, longitude=12.37)
    partner = f.CityFactory(name="Krakau", slug="krakau", latitude=50.06, longitude=19.94)
    f.PartnershipFactory(home_city=home, partner_city=partner)
    english = get(client, "home", "en")
    assert '<title lang="de">Leipzig – Krakau' in english
    assert '<title lang="de">' not in get(client, "home", "de")


def test_city_page_shows_facts_partnership_memoranda_and_timeline(client, world):
    html = get(client, "city", "de", slug="nanjing")
    assert "南京" in html
    assert "Jiangsu" in html
    assert "8.500.000 (2019)" in html
    assert "seit 1988" in html
    assert "MoU Leipzig–Nanjing zur wirtschaftlichen Kooperation" in html
    assert "Invest Region Leipzig wirbt in Ost-China" in html
    assert "Stadtregierung Nanjing" in html


def test_records_of_the_same_day_follow_their_titles_as_shown(client, db):
    # The tie-break of the city's timeline, the calendar and the success stories is the
    # title shown: "Zug nach Jining" is shown in German for want of a translation.
    city = f.HomeCityFactory(slug="leipzig")
    f.DelegationFactory(title_de="Zug nach Jining", title_en="", origin_city=city)
    f.DelegationFactory(
        title_de="Abreise nach Nanjing", title_en="Trip to Nanjing", origin_city=city
    )
    for title_de, title_en in (("Zusammenarbeit", ""), ("Ansiedlung", "Settlement")):
        f.WonOpportunityFactory(title_de=title_de, title_en=title_en, partner_city=city)

    def in_order(html, *texts):
        return sorted(texts, key=html.index) == list(texts)

    assert in_order(get(client, "city", "en", slug="leipzig"), "Trip to Nanjing", "Zug nach")
    assert in_order(get(client, "success-stories", "en"), "Settlement", "Zusammenarbeit")
    # Past trips are listed the latest first: the same day, in reverse.
    assert in_order(get(client, "calendar", "en"), "Zug nach", "Trip to Nanjing")


def test_partner_cities_of_one_name_are_told_apart_by_their_countries(client, db):
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    for country in ("GB", "US"):
        birmingham = f.CityFactory(name="Birmingham", name_en="Birmingham", country=country)
        f.PartnershipFactory(home_city=leipzig, partner_city=birmingham)
    # An unpublished namesake is not counted: Nanjing stays Nanjing.
    f.PartnershipFactory(home_city=leipzig, partner_city=f.CityFactory(name="Nanjing"))
    f.CityFactory(name="Nanjing", country="US", visibility=m.Visibility.INTERNAL)

    for html in (get(client, "home", "en"), get(client, "city", "en", slug="leipzig")):
        assert "Birmingham, GB" in html and "Birmingham, US" in html
        assert "Nanjing, CN" not in html


def test_population_is_localised_in_english(client, world):
    assert "8,300,000" in get(client, "city", "en", slug="jining")


def test_delegation_report_carries_every_fact_of_the_press_release(client, world):
    html = get(client, "delegation", "de", slug="ost-china-2019")
    for fact in [
        "Invest Region Leipzig wirbt in Ost-China",
        "25.–30. Juni 2019",
        "Michael Körner",
        "Geschäftsführer der Invest Region Leipzig",
        "Clemens Schülke",
        "Leiter des Amts für Wirtschaftsförderung",
        "EU-China Municipal Development Commission (ECMDC)",
        "Leipzig als attraktiver Wirtschaftsstandort für chinesische Unternehmen",
        "MoU Leipzig–Nanjing zur wirtschaftlichen Kooperation",
        "Absichtserklärung Leipzig–Jining",
        "11 Unternehmensprofile wurden übergeben.",
        "Stadtregierung Nanjing",
        "Stadtregierung Jining",
        "Große Delegationsreise mit Leipziger Unternehmen",
        "MoU Unterzeichnung in Jining, China",
        "Invest Region Leipzig",
    ]:
        assert fact in html, fact
    nanjing, jining = (
        'Nanjing (<span lang="zh">南京</span>)',
        'Jining (<span lang="zh">济宁</span>)',
    )
    assert html.index(nanjing) < html.index(jining)
    assert f'src="/files/photos/{world.photo.pk}/"' in html


def test_delegation_report_names_only_published_profiles(client, world):
    html = get(client, "delegation", "en", slug="ost-china-2019")
    assert "11 company profiles were handed over." in html
    assert "Leipziger Firma 00 GmbH" in html
    assert "Leipziger Firma 01 GmbH" in html
    assert "Leipziger Firma 02 GmbH" not in html


def test_the_public_photo_is_served(client, world):
    response = client.get(world.photo.get_file_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_year_precision_is_shown_as_the_year_only(client, world):
    html = get(client, "city", "en", slug="jining")
    assert '<span class="meta">2018</span>' in html


def test_memorandum_page_lists_parties_and_published_signatories(client, world):
    html = get(client, "memorandum", "de", slug="mou-nanjing-2019")
    assert "Stadtregierung Nanjing" in html
    assert "Clemens Schülke" in html
    assert "Invest Region Leipzig wirbt in Ost-China" in html


def test_company_directory_lists_published_profiles_with_details(client, world):
    html = get(client, "companies", "de")
    assert "Leipziger Firma 00 GmbH" in html
    assert "Leipziger Firma 05 GmbH" not in html
    assert "Verarbeitendes Gewerbe" in html
    html = get(client, "company", "en", slug=world.published_profiles[0].slug)
    assert "Manufacturing" in html
    # The German name for a missing English one, marked; the city's own name as Chinese.
    assert '<span lang="de">Nanjing</span> (<span lang="zh">南京</span>)' in html


def test_pages_link_their_translations_with_hreflang(client, world):
    html = get(client, "delegation", "de", slug="ost-china-2019")
    assert 'hreflang="en" href="http://testserver/en/delegations/ost-china-2019/"' in html
    assert 'hreflang="de" href="/de/delegations/ost-china-2019/"' in html
    assert '<html lang="de">' in html


def test_pages_carry_no_inline_script_or_style(client, world):
    html = get(client, "delegation", "en", slug="ost-china-2019")
    assert "<script" not in html
    assert "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html


def test_an_unknown_page_answers_404_in_the_sites_layout(client, db):
    response = client.get("/de/cities/atlantis/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "empty", "none_matching", "chosen"),
    [
        ("companies", "No companies are listed yet.", "No companies match these filters.",
         {"sector": "1"}),
        ("delegations", "No delegations are published yet.",
         "No delegations match these filters.", {"year": "2019"}),
        ("memoranda", "No memoranda are published yet.",
         "No memoranda match these filters.", {"year": "2019"}),
    ],
)  # fmt: skip
def test_an_empty_list_says_whether_a_filter_emptied_it(
    client, db, name, empty, none_matching, chosen
):
    f.CityFactory(name="Leipzig", is_home=True)  # unpublished: the lists stay empty
    with translation.override("en"):
        url = reverse(f"partners:{name}")

    assert empty in client.get(url).content.decode()
    sort = "-name" if name == "companies" else "-title"
    assert empty in client.get(url, {"sort": sort}).content.decode()  # sorting filters nothing
    assert none_matching in client.get(url, chosen).content.decode()


def test_filters_that_each_hold_but_match_nothing_together_say_so(client, db):
    f.DelegationFactory(direction="outbound", status="completed")
    f.DelegationFactory(direction="inbound", status="planned")
    with translation.override("en"):
        url = reverse("partners:delegations")

    page = client.get(url, {"direction": "outbound", "status": "planned"}).content.decode()

    assert "0 delegations" in page
    assert "No delegations match these filters." in page
