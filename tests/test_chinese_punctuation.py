"""Chinese pages punctuate Chinese text the Chinese way: （推介会，南京）：…, not (推介会, 南京): ….

The calendar did so already (the "details" punctuation of the catalog); the other public
pages wrote ASCII brackets, commas and colons around the Chinese words they join.
"""

import html
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.wording]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
# An ASCII bracket, comma, colon or semicolon touching Chinese text, a space between allowed.
ASCII_NEXT_TO_CHINESE = re.compile(rf"[{CJK}] ?[(),:;]|[(),:;] ?[{CJK}]")
# A full-width bracket has its space in the glyph: one typed before it doubles the gap.
SPACE_BESIDE_FULL_WIDTH = re.compile(r"\S （")

SEED_PAGES = [
    "",
    "cities/leipzig/",
    "cities/nanjing/",
    "cities/jining/",
    "delegations/",
    "delegations/delegationsreise-nanjing-jining-2019/",
    "delegations/besuch-oberbuergermeister-jining-leipzig-2018/",
    "memoranda/",
    "memoranda/mou-leipzig-nanjing-2019/",
    "memoranda/absichtserklaerung-invest-region-leipzig-jining-2019/",
    "companies/",
    "calendar/?year=2019",
]


def visible_text(page: str) -> str:
    # The map's <title>s count: they are its lines' names, read out and shown on hover.
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def test_the_check_finds_ascii_punctuation_next_to_chinese_only():
    assert ASCII_NEXT_TO_CHINESE.search("签署 (签约, 南京): 南京市人民政府")
    assert ASCII_NEXT_TO_CHINESE.search("Michael Körner, 总经理")
    assert not ASCII_NEXT_TO_CHINESE.search(
        "（签约，南京）：南京市人民政府 Leipzig (Nanjing), 2019"
    )
    assert SPACE_BESIDE_FULL_WIDTH.search("经济区位 （推介会）")
    assert not SPACE_BESIDE_FULL_WIDTH.search("经济区位（推介会）：南京 Leipzig (Nanjing): x")


@pytest.mark.parametrize("path", SEED_PAGES)
def test_chinese_pages_use_chinese_punctuation_around_chinese_text(path):
    call_command("loaddata", "seed", verbosity=0)
    response = Client().get(f"/zh-hans/{path}")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    found = [*ASCII_NEXT_TO_CHINESE.finditer(text), *SPACE_BESIDE_FULL_WIDTH.finditer(text)]
    slips = [text[max(0, m.start() - 15) : m.end() + 15] for m in found]
    assert slips == []


def test_the_german_and_english_pages_keep_their_punctuation():
    call_command("loaddata", "seed", verbosity=0)
    trip = "delegations/delegationsreise-nanjing-jining-2019/"
    english = visible_text(Client().get(f"/en/{trip}").content.decode())
    german = visible_text(Client().get(f"/de/{trip}").content.decode())
    assert "(presentation, Nanjing): City of Leipzig" in english
    assert "Michael Körner, Managing Director" in english
    assert "(Präsentation, Nanjing): Stadt Leipzig" in german


def test_a_full_width_bracket_or_colon_brings_its_own_space():
    call_command("loaddata", "seed", verbosity=0)
    text = visible_text(Client().get("/zh-hans/").content.decode())
    assert "开放数据：下载CSV" in text
    assert "开放数据（DCAT-AP）" in text


def test_a_short_name_or_a_city_s_own_name_is_bracketed_as_the_page_s_language_writes():
    from partners import models as m
    from tests import factories as f

    nagoya = f.CityFactory(name="Nagoya", local_name="名古屋", country="JP")
    government = f.OrganisationFactory(
        name="Stadtregierung Nanjing", name_zh_hans="南京市人民政府", short_name="NJG"
    )
    trip = f.DelegationFactory(title="Reise", lead_organisation=government)
    f.DelegationStopFactory(delegation=trip, city=nagoya)
    member = f.DelegationMemberFactory(delegation=trip, role=m.DelegationMember.Role.HEAD)

    chinese = visible_text(Client().get(f"/zh-hans/delegations/{trip.slug}/").content.decode())
    german = visible_text(Client().get(f"/de/delegations/{trip.slug}/").content.decode())

    assert "南京市人民政府（NJG）" in chinese and "Nagoya（名古屋）" in chinese
    assert "Stadtregierung Nanjing (NJG)" in german and "Nagoya (名古屋)" in german
    with translation.override("zh-hans"):  # the back office's names of records
        assert str(government) == "南京市人民政府（NJG）"
        assert str(member) == f"{member.person}（团长）"


def test_a_label_s_full_width_colon_is_followed_by_its_text_without_a_space():
    from partners import models as m
    from tests import factories as f

    nanjing = f.CityFactory(name="Nanjing", name_zh_hans="南京")
    profile = f.CompanyProfileFactory()
    profile.target_cities.add(nanjing)
    trip = f.DelegationFactory()
    f.ProfileHandoverFactory(profile=profile, delegation=trip, recipient__name_zh_hans="南京市政府")
    f.PhotoFactory(delegation=trip, credit="Invest Region Leipzig", visibility=m.Visibility.PUBLIC)

    companies = visible_text(Client().get("/zh-hans/companies/").content.decode())
    report = visible_text(Client().get(f"/zh-hans/delegations/{trip.slug}/").content.decode())
    english = visible_text(Client().get(f"/en/delegations/{trip.slug}/").content.decode())

    assert "目标城市：南京" in companies
    assert "接收方：南京市政府" in report and "摄影：Invest Region Leipzig" in report
    assert "Photo: Invest Region Leipzig" in english
