"""Content in three languages (issue 14): German source, English and Chinese translations,
and an honest fallback to German marked ``lang="de"``."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import CharField, TextField
from django.forms import DateField
from django.test import Client
from django.utils import translation
from django.utils.html import strip_tags

from partners import models as m
from partners.imports.bulk_sql import Table
from partners.templatetags.public import named
from tests import factories as f
from tests.backoffice import client_for, user_with_role

TRIP = "delegations/delegationsreise-nanjing-jining-2019/"

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    """The text of each element with a ``lang`` attribute, and the page's own language."""

    def __init__(self):
        super().__init__()
        self.page_language, self.marked, self.h1, self._open, self._in_h1 = None, [], [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_language = attrs.get("lang")
        if tag == "h1":
            self._in_h1 += 1
        if "lang" in attrs and tag not in ("html", "a", "link"):
            self._open.append([tag, attrs["lang"], ""])
        elif self._open and tag == self._open[-1][0]:
            self._open.append([tag, None, ""])

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 -= 1
        if self._open and self._open[-1][0] == tag:
            _, language, text = self._open.pop()
            if language:
                self.marked.append((language, " ".join(text.split())))
            elif self._open:
                self._open[-1][2] += text

    def handle_data(self, data):
        for element in self._open:
            element[2] += data
        if self._in_h1:
            self.h1.append(data.strip())


def _read(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    page = _Elements()
    page.feed(response.content.decode())
    return page, response.content.decode()


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)


def test_the_2019_trip_reads_in_english_and_chinese(seed):
    english, english_html = _read(f"/en/{TRIP}")
    chinese, chinese_html = _read(f"/zh-hans/{TRIP}")

    assert english.page_language == "en" and chinese.page_language == "zh-hans"
    assert "".join(english.h1) == "Delegation trip to Nanjing and Jining 2019"
    assert "".join(chinese.h1) == "2019年南京、济宁代表团之行"
    assert "25–30 June 2019" in english_html
    assert "2019年6月25日至30日" in chinese_html
    assert "Eleven profiles of Leipzig companies" in english_html
    assert "Michael Körner, Managing Director, Invest Region Leipzig GmbH" in english_html
    assert "Prepare a large delegation trip with Leipzig companies" in english_html
    assert "Clemens Schülke，莱比锡市经济促进局局长" in chinese_html
    assert "筹备莱比锡企业大型代表团之行" in chinese_html
    assert "南京市人民政府" in chinese_html or "谅解备忘录" in chinese_html
    # Everything of the trip is translated: no German fallback is marked on it.
    assert ("de", "Delegationsreise nach Nanjing und Jining 2019") not in english.marked
    assert not [text for language, text in chinese.marked if language == "de"]


def test_the_seed_speaks_all_three_languages(seed):
    for city in m.City.objects.all():
        assert city.name_en and city.name_zh_hans
    assert {o.name_zh_hans for o in m.Organisation.objects.all()} >= {
        "南京市人民政府",
        "济宁市人民政府",
    }
    for memorandum in m.Memorandum.objects.all():
        assert memorandum.title_en and memorandum.summary_zh_hans
    for meeting in m.Meeting.objects.all():
        assert meeting.title_en and meeting.title_zh_hans


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_untranslated_delegation_shows_its_german_text_marked_german(language):
    delegation = f.DelegationFactory(
        title="Neue Reise nach Jining",
        summary="Nur auf Deutsch.",
        visibility=m.Visibility.PUBLIC,
    )

    page, html = _read(f"/{language}/delegations/{delegation.slug}/")

    assert page.page_language == language
    assert ("de", "Neue Reise nach Jining") in page.marked
    assert ("de", "Nur auf Deutsch.") in page.marked
    listing, _ = _read(f"/{language}/delegations/")
    assert ("de", "Neue Reise nach Jining") in listing.marked


def test_a_translated_title_is_not_marked_and_german_pages_mark_nothing():
    delegation = f.DelegationFactory(
        title="Neue Reise", title_en="New trip", visibility=m.Visibility.PUBLIC
    )

    english, _ = _read(f"/en/delegations/{delegation.slug}/")
    german, _ = _read(f"/de/delegations/{delegation.slug}/")

    assert "".join(english.h1) == "New trip"
    assert ("de", "Neue Reise") not in english.marked
    assert "".join(german.h1) == "Neue Reise" and not german.marked


def test_the_slug_stays_german_whatever_the_language_of_the_editor():
    with translation.override("en"):
        delegation = f.DelegationFactory(title="Reise nach Nanjing")
    assert delegation.slug == "reise-nach-nanjing"
    assert delegation.title_de == "Reise nach Nanjing"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_blank_slug_comes_from_the_german_title_when_every_language_is_filled(language):
    # As the admin saves it with the slug cleared: each language's column set on its own.
    delegation, city = f.DelegationFactory(), f.CityFactory()
    with translation.override(language):
        delegation.slug, city.slug = "", ""
        delegation.title_de, delegation.title_en = "Größere Reise", "Bigger trip"
        delegation.title_zh_hans = "更大的代表团之行"
        delegation.save()
        city.name_de, city.name_en, city.name_zh_hans = "Breslau", "Wroclaw", "弗罗茨瓦夫"
        city.save()
    assert delegation.slug == "groessere-reise"
    assert city.slug == "breslau"


def test_sectors_and_interests_have_names_in_each_language():
    manufacturing = m.Sector.objects.get(code="C")
    assert (manufacturing.name_de, manufacturing.name_en, manufacturing.name_zh_hans) == (
        "Verarbeitendes Gewerbe",
        "Manufacturing",
        "制造业",
    )
    sales = m.Interest.objects.get(code="distribution")
    with translation.override("en"):
        assert sales.name == "Distribution"
    with translation.override("zh-hans"):
        assert sales.name == "分销"
    with translation.override("de"):
        assert sales.name == "Vertrieb"


def test_rows_written_in_bulk_keep_the_german_text_in_both_columns():
    from django.db import transaction
    from django.utils import timezone

    now = timezone.now()
    row = {"name": "Beispiel GmbH", "slug": "beispiel", "kind": "company"}
    with transaction.atomic():
        Table(m.Organisation, with_pk=False).insert([{**row, "created_at": now, "updated_at": now}])
    organisation = m.Organisation.objects.get(slug="beispiel")
    assert organisation.name_de == "Beispiel GmbH"
    with translation.override("en"):
        assert organisation.name == "Beispiel GmbH"


def test_a_german_text_changed_in_bulk_clears_its_stale_translations():
    from django.db import transaction

    renamed = f.OrganisationFactory(name_de="Alt GmbH", name_en="Old Ltd", name_zh_hans="旧公司")
    kept = f.OrganisationFactory(name_de="Gleich GmbH", name_en="Same Ltd")
    with transaction.atomic():
        Table(m.Organisation).update(
            [{"id": renamed.pk, "name": "Neu GmbH"}, {"id": kept.pk, "name": "Gleich GmbH"}],
            ["name"],
        )
    renamed.refresh_from_db()
    kept.refresh_from_db()
    assert (renamed.name_de, renamed.name_en, renamed.name_zh_hans) == ("Neu GmbH", None, None)
    with translation.override("en"):
        assert renamed.name == "Neu GmbH"  # the fallback, not the old English name
        assert kept.name == "Same Ltd"  # an unchanged German name keeps its translation


def test_the_public_pages_offer_chinese_in_the_switcher_and_the_hreflang_set(seed):
    _, html = _read(f"/en/{TRIP}")
    assert re.search(r'<link rel="alternate" hreflang="zh-hans" href="[^"]*/zh-hans/', html)
    assert 'lang="zh-hans" hreflang="zh-hans"' in html
    sitemap = Client().get("/sitemap-delegations.xml")
    assert f"/zh-hans/{TRIP}" in sitemap.content.decode()


def _names_in(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", ["Beta GmbH", "Gamma GmbH", "Zeta GmbH"]),
        ("en", ["Alpha Ltd", "Beta GmbH", "Gamma GmbH"]),
        ("zh-hans", ["Beta GmbH", "Gamma GmbH", "阿尔法公司"]),
    ],
)
def test_lists_are_sorted_by_the_text_they_show(language, expected):
    """Not by the active language's column alone, which is empty for most records."""
    from tests.backoffice import client_for, user_with_role

    f.OrganisationFactory(name_de="Gamma GmbH", name_en="")
    f.OrganisationFactory(name_de="Zeta GmbH", name_en="Alpha Ltd", name_zh_hans="阿尔法公司")
    f.OrganisationFactory(name_de="Beta GmbH")
    with translation.override(language):
        assert [str(o.name) for o in m.Organisation.objects.all()] == expected
    client = client_for(user_with_role("Administrators"))
    for sort in ("", "?o=1"):  # the model's order, and a click on the name column
        page = client.get(
            f"/admin/partners/organisation/{sort}", headers={"accept-language": language}
        ).text
        assert _names_in(page, expected) == expected, sort
    page = client.get("/admin/partners/organisation/?o=-1", headers={"accept-language": language})
    assert _names_in(page.text, expected) == expected[::-1]


def test_a_city_s_local_name_is_added_only_where_it_differs_from_the_shown_name():
    nanjing = f.CityFactory(
        name="Nanjing", name_en="Nanjing", name_zh_hans="南京", local_name="南京"
    )

    shown = {}
    for language in ("de", "en", "zh-hans"):
        with translation.override(language):
            shown[language] = strip_tags(named(nanjing))  # as pages name a city
    assert shown == {"de": "Nanjing (南京)", "en": "Nanjing (南京)", "zh-hans": "南京"}


@pytest.mark.parametrize(
    ("language", "region"), [("de", "Sachsen"), ("en", "Saxony"), ("zh-hans", "萨克森州")]
)
def test_a_city_s_region_is_shown_in_the_page_s_language(seed, language, region):
    page, html = _read(f"/{language}/cities/leipzig/")

    assert f"<dd>{region}</dd>" in html
    assert not [text for marked_in, text in page.marked if marked_in == "de"]


def test_an_untranslated_region_is_shown_in_german_marked_german():
    city = f.CityFactory(name="Hefei", region="Anhui", region_en="", region_zh_hans="安徽省")

    english, _ = _read(f"/en/cities/{city.slug}/")
    chinese, _ = _read(f"/zh-hans/cities/{city.slug}/")

    assert ("de", "Anhui") in english.marked
    assert ("de", "Anhui") not in chinese.marked


def test_the_admin_edits_and_searches_a_city_s_region_in_each_language():
    city = f.CityFactory(name="Nanjing", region="Jiangsu", region_zh_hans="江苏省")
    client = client_for(user_with_role("Administrators", is_superuser=True))

    form = client.get(f"/admin/partners/city/{city.pk}/change/").text
    found = client.get("/admin/partners/city/", {"q": "江苏"}).text

    for field in ("name", "region"):
        for code in ("de", "en", "zh_hans"):
            assert f'name="{field}_{code}"' in form
    assert f"/admin/partners/city/{city.pk}/change/" in found


@pytest.mark.parametrize(
    ("language", "population"), [("de", "8.500.000"), ("en", "8,500,000"), ("zh-hans", "8,500,000")]
)
def test_large_numbers_are_grouped_in_each_language(client, language, population):
    city = f.CityFactory(population=8_500_000)
    page = client.get(f"/{language}/cities/{city.slug}/").content.decode()
    assert population in page


def test_a_date_typed_in_the_english_admin_is_read_day_first():
    with translation.override("en"):
        assert DateField().clean("05/06/2021") == datetime.date(2021, 6, 5)
        assert DateField().clean("2021-06-05") == datetime.date(2021, 6, 5)


def test_a_chinese_city_page_names_the_city_once(client):
    city = f.CityFactory(name="Nanjing", name_zh_hans="南京", local_name="南京")
    page = client.get(f"/zh-hans/cities/{city.slug}/").content.decode()
    assert re.search(r"<h1>(.*?)</h1>", page, re.S).group(1) == "南京"
    english = client.get(f"/en/cities/{city.slug}/").content.decode()
    assert '<span lang="zh">南京</span>' in re.search(r"<h1>(.*?)</h1>", english, re.S).group(1)


def test_a_city_s_own_name_in_latin_letters_is_not_marked_as_chinese(client):
    city = f.CityFactory(name="Krakau", name_zh_hans="克拉科夫", local_name="Kraków", country="PL")
    f.PartnershipFactory(partner_city=city)
    for language in ("de", "zh-hans"):
        page = client.get(f"/{language}/cities/{city.slug}/").content.decode()
        heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
        assert "Kraków" in heading
        assert 'lang="zh"' not in heading
    page = client.get("/de/").content.decode()
    assert "Krakau (Kraków)" in page


def test_a_company_name_written_in_chinese_is_marked_chinese_not_german(client):
    organisation = f.OrganisationFactory(name="莱比锡华商贸易有限公司", kind="company")
    profile = f.CompanyProfileFactory(
        organisation=organisation, consent_to_share=True, visibility=m.Visibility.PUBLIC
    )
    for language, marked in [("de", 'lang="zh"'), ("en", 'lang="zh"'), ("zh-hans", "")]:
        page = client.get(f"/{language}/companies/{profile.slug}/").content.decode()
        heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
        assert "莱比锡华商贸易有限公司" in heading
        assert 'lang="de"' not in heading
        assert marked in heading if marked else "lang=" not in heading


# Texts in no language: names of people, codes, addresses on the web, a city's own name,
# a photographer's credit.
NOT_PROSE = {
    "full_name", "local_name", "honorific", "short_name", "slug", "code", "email",
    "phone", "website", "register_number", "credit", "image", "document",
}  # fmt: skip


class _UnmarkedText(HTMLParser):
    """The body's text outside any element marked ``lang="de"``."""

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "meta", "link", "input", "hr", "source"):
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        tags = [tag for tag, _ in self.stack]
        languages = [language for _, language in self.stack if language]
        # A map line's tooltip is plain text ("Leipzig – Nanjing (twinning)") and cannot
        # mark a part of itself; the list of partnerships under the map marks each name.
        if "body" not in tags or "script" in tags or "line" in tags:
            return
        if (languages or ["?"])[-1] != "de":
            self.text.append(data)


def _german_only(record, tokens: dict[str, str]) -> None:
    """Each prose field of ``record`` gets a German text of its own and no translation."""
    from modeltranslation.fields import TranslationField

    for field in record._meta.concrete_fields:
        if isinstance(field, TranslationField):
            if field.language != "de":
                setattr(record, field.attname, None if field.null else "")
        elif (
            isinstance(field, CharField | TextField)
            and field.editable
            and not field.choices
            and field.name not in NOT_PROSE
        ):
            token = f"zqde{len(tokens)}x"
            tokens[token] = f"{type(record).__name__}.{field.name}"
            with translation.override("de"):
                setattr(record, field.attname, token)
    record.save()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_public_page_shows_an_untranslated_text_without_marking_it_german(language):
    """Every text an officer writes that a public page shows is either in the page's
    language or marked as German: fill every prose field of every record with German
    only, and read every page a visitor can reach."""
    from tests.world2019 import build_world_2019

    build_world_2019()
    f.WonOpportunityFactory()
    tokens = {}
    for model in apps.get_app_config("partners").get_models():
        if not model.__name__.startswith("Historical"):
            for record in model._default_manager.all():
                _german_only(record, tokens)

    seen, todo, shown, read = set(), [f"/{language}/"], set(), set()
    while todo:
        path = todo.pop()
        seen.add(path)
        response = Client().get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        page = _UnmarkedText()
        page.feed(html)
        shown |= {(tokens[token], path) for token in re.findall(r"zqde\d+x", " ".join(page.text))}
        read |= {tokens[token] for token in re.findall(r"zqde\d+x", html)}
        links = re.findall(rf'href="(/{language}/[^"?#]*/)"', html)
        todo += [link for link in dict.fromkeys(links) if link not in seen and link not in todo]
    assert len(seen) > 15  # cities, trips, memoranda, companies, stories, lists
    assert read >= {  # the texts of every kind of public page, marked
        "City.name", "City.region", "City.description", "Delegation.title", "Delegation.summary",
        "DelegationMember.position_at_time", "Meeting.title", "Memorandum.title",
        "MemorandumParty.signatory_position", "FollowUp.title", "FollowUp.description",
        "Organisation.name", "CompanyProfile.products", "Opportunity.title",
        "Opportunity.summary", "Photo.caption", "Sector.name", "Interest.name",
    }  # fmt: skip
    assert sorted(shown) == []  # (field, page)
