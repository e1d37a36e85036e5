"""Public success stories: won and published only; names and figures only when allowed."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from partners import models as m

from . import factories as f

pytestmark = pytest.mark.django_db
PUBLIC, INTERNAL = m.Visibility.PUBLIC, m.Visibility.INTERNAL


def _list(client, language="en", **query):
    with translation.override(language):
        url = reverse("partners:success-stories")
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def nanjing():
    return f.CityFactory(name="Nanjing", slug="nanjing", visibility=PUBLIC)


def test_only_won_and_published_opportunities_are_stories(client, nanjing):
    f.WonOpportunityFactory(title="Battery plant opened", partner_city=nanjing)
    f.WonOpportunityFactory(title="Won but internal", partner_city=nanjing, visibility=INTERNAL)
    f.OpportunityFactory(title="Still negotiating", partner_city=nanjing, stage="negotiating")
    for page in (_list(client), client.get(nanjing.get_absolute_url()).content.decode()):
        assert "Battery plant opened" in page
        assert "Won but internal" not in page
        assert "Still negotiating" not in page
    assert "1 success story" in _list(client)


@pytest.mark.parametrize(
    ("language", "since"),
    [("de", "seit Juni 2022"), ("en", "since June 2022"), ("zh-hans", "自2022年6月起")],
)
def test_a_story_tells_the_month_it_was_won_in_the_pages_language(client, nanjing, language, since):
    f.WonOpportunityFactory(partner_city=nanjing, won_on="2022-06-03")
    assert since in _list(client, language)


def test_organisations_appear_only_when_published(client, nanjing):
    f.WonOpportunityFactory(
        partner_city=nanjing,
        local_organisation=f.OrganisationFactory(name="Invest Region Leipzig", visibility=PUBLIC),
        foreign_organisation=f.OrganisationFactory(name="Secret Co.", visibility=INTERNAL),
    )
    page = _list(client)
    assert "Invest Region Leipzig" in page
    assert "Secret Co." not in page


def test_an_unpublished_partner_city_is_not_named(client):
    f.WonOpportunityFactory(
        title="Story", partner_city=f.CityFactory(name="Hidden City", visibility=INTERNAL)
    )
    page = _list(client)
    assert "Story" in page and "Hidden City" not in page


def test_realised_figures_only_when_the_record_allows(client, nanjing):
    f.WonOpportunityFactory(title="Open figures", partner_city=nanjing, jobs_created=4321,
                            investment_eur=7654321, figures_public=True)  # fmt: skip
    f.WonOpportunityFactory(title="Closed figures", partner_city=nanjing, jobs_created=1234,
                            investment_eur=9876543, figures_public=False)  # fmt: skip
    page = _list(client)
    assert "4,321" in page and "7,654,321" in page
    assert "1,234" not in page and "9,876,543" not in page and "1234" not in page
    notes = f.WonOpportunityFactory(partner_city=nanjing, notes="internal gossip")
    assert notes.notes not in _list(client)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_list_exists_in_every_public_language(client, nanjing, language):
    f.WonOpportunityFactory(title="Battery plant opened", partner_city=nanjing)
    page = _list(client, language)
    assert f'lang="{language}"' in page
    assert "Battery plant opened" in page


@pytest.mark.parametrize("n", [5, 50])
def test_the_list_costs_the_same_queries_for_5_and_50_stories(client, django_assert_num_queries, n):
    organisation = f.OrganisationFactory(visibility=PUBLIC)
    for _ in range(n):
        f.WonOpportunityFactory(
            partner_city=f.CityFactory(visibility=PUBLIC),
            local_organisation=organisation,
            foreign_organisation=f.OrganisationFactory(visibility=PUBLIC),
            figures_public=True,
            jobs_created=10,
        )
    with django_assert_num_queries(2):  # the count and the page
        page = _list(client, per_page=100)
    assert page.count('class="success-story"') == n
