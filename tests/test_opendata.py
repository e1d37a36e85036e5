"""Open data: the public lists as CSV and JSON, their JSON Schemas and the DCAT-AP catalogue.

The files hold only published records and fields (DESIGN.md, publication rule), in the
requested language, under the declared field names, at a flat number of queries.
"""

import csv
import datetime
import io
import json

import jsonschema
import pytest
from django.urls import reverse
from django.utils import translation

from partners import models as m
from partners.public.datasets import DATASETS
from tests import factories as f
from tests.test_public_publication import leaky_world  # noqa: F401  (a fixture)
from tests.test_public_queries import build

pytestmark = pytest.mark.django_db

LISTS = {
    "partnerships": "partners:home",
    "delegations": "partners:delegations",
    "memoranda": "partners:memoranda",
    "companies": "partners:companies",
    "success-stories": "partners:success-stories",
}


def list_url(name, language="de"):
    with translation.override(language):
        return reverse(LISTS[name])


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def read_json(response):
    return json.loads(body(response))


def schema_of(client, name):
    return client.get(reverse("opendata-schema", args=[name])).json()


def every_file(client):
    urls = ["/opendata/catalog.jsonld"]
    urls += [reverse("opendata-schema", args=[name]) for name in DATASETS]
    for language in ("de", "en"):
        for name in LISTS:
            for fmt in ("csv", "json"):
                urls.append(f"{list_url(name, language)}?format={fmt}")
        # Filtered by the values only unpublished records have.
        urls.append(f"{list_url('delegations', language)}?format=csv&year=2015&city=hidden-city")
        urls.append(f"{list_url('memoranda', language)}?format=json&kind=twinning_charter")
        urls.append(f"{list_url('companies', language)}?format=csv&sector=A")
    return urls


def test_no_file_holds_anything_unpublished(client, leaky_world):  # noqa: F811
    for url in every_file(client):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response).lower()
        assert "zq" not in text, (url, text[text.index("zq") - 200 : text.index("zq") + 100])


def test_the_published_records_are_all_there(client, leaky_world):  # noqa: F811
    rows = read_json(client.get(f"{list_url('delegations')}?format=json"))
    assert {row["slug"] for row in rows} == set(
        m.Delegation.objects.published().values_list("slug", flat=True)
    )
    trip = next(row for row in rows if row["slug"] == "ost-china-2019")
    assert trip["stops"] == ["Nanjing", "Jining"]
    companies = read_csv(client.get(f"{list_url('companies')}?format=csv"))
    assert len(companies) == m.CompanyProfile.objects.published().count()


@pytest.mark.parametrize("name", list(LISTS))
def test_csv_and_json_carry_the_declared_fields_and_json_matches_its_schema(client, name):
    build(3)
    f.WonOpportunityFactory(jobs_created=3, investment_eur=None, figures_public=True)
    declared = [field.name for field in DATASETS[name].fields]
    response = client.get(f"{list_url(name)}?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{name}-de.csv" in response["Content-Disposition"]
    header = next(csv.reader(io.StringIO(body(response))))
    assert header == declared
    response = client.get(f"{list_url(name)}?format=json")
    rows = read_json(response)
    assert rows and all(list(row) == declared for row in rows)
    schema = schema_of(client, name)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(rows, schema, format_checker=jsonschema.FormatChecker())
    assert reverse("opendata-schema", args=[name]) in response["Link"]


def test_dates_keep_their_precision_and_labels_follow_the_language(client):
    f.DelegationFactory(
        title="Visit 2018",
        slug="visit-2018",
        start_date=datetime.date(2018, 1, 1),
        end_date=None,
        date_precision="year",
        status=m.Delegation.Status.COMPLETED,
    )
    f.DelegationFactory(
        slug="june-2019",
        start_date=datetime.date(2019, 6, 1),
        end_date=datetime.date(2019, 6, 1),
        date_precision="month",
    )
    rows = {r["slug"]: r for r in read_json(client.get(f"{list_url('delegations')}?format=json"))}
    assert rows["visit-2018"]["start"] == "2018"
    assert rows["visit-2018"]["dates"] == "2018"
    assert rows["june-2019"]["start"] == "2019-06"
    assert rows["visit-2018"]["status"] == "completed"
    assert rows["visit-2018"]["status_label"] == "abgeschlossen"
    rows = {
        r["slug"]: r for r in read_json(client.get(f"{list_url('delegations', 'en')}?format=json"))
    }
    assert rows["visit-2018"]["status_label"] == "completed"
    assert rows["june-2019"]["dates"] == "June 2019"


def test_a_download_follows_the_lists_filters(client):
    f.DelegationFactory(slug="in-2019", start_date=datetime.date(2019, 6, 1), end_date=None)
    f.DelegationFactory(slug="in-2020", start_date=datetime.date(2020, 6, 1), end_date=None)
    rows = read_csv(client.get(f"{list_url('delegations')}?format=csv&year=2019"))
    assert [row["slug"] for row in rows] == ["in-2019"]


def test_csv_cells_cannot_run_as_formulas(client):
    f.DelegationFactory(title='=HYPERLINK("http://evil")', slug="formula")
    [row] = read_csv(client.get(f"{list_url('delegations')}?format=csv"))
    assert row["title"].startswith("'=")


def test_an_unknown_format_is_a_clear_error(client):
    response = client.get(f"{list_url('memoranda')}?format=xml")
    assert response.status_code == 400
    assert "format" in response.content.decode() and "csv" in response.content.decode()
    assert client.get(reverse("opendata-schema", args=["nothing"])).status_code == 404
    chinese = client.get("/zh-hans/memoranda/?format=xml").content.decode()
    assert chinese == "format：应为 csv, json 之一，收到的是 'xml'"


# Queries of each file stay flat: the prefetches are read per chunk, not per row. (The
# list's filter form finds the values in use first, as for the HTML page: 4 queries for
# delegations, 4 for memoranda, 3 for companies, then cached until the next write.)
FILE_QUERIES = {
    "partnerships": 1,
    "delegations": 6,
    "memoranda": 7,
    "companies": 6,
    "success-stories": 1,
}


@pytest.mark.parametrize("n", [3, 12])
def test_query_count_does_not_grow_with_the_records(client, django_assert_num_queries, n):
    build(n)
    f.WonOpportunityFactory.create_batch(n)
    for name, queries in FILE_QUERIES.items():
        for fmt in ("csv", "json"):
            with django_assert_num_queries(queries):
                response = client.get(f"{list_url(name)}?format={fmt}")
                body(response)
    with django_assert_num_queries(0):
        client.get("/opendata/catalog.jsonld").json()


def test_the_catalogue_describes_every_dataset_with_licence_and_publisher(client, settings):
    settings.CRM_PUBLISHER = "Stadt Leipzig, Amt für Wirtschaftsförderung"
    response = client.get("/opendata/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    catalogue = response.json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["dct:rights"] == "dl-de/by-2-0"
    assert catalogue["dct:license"] == {"@id": "http://dcat-ap.de/def/licenses/dl-by-de/2.0"}
    assert catalogue["dct:publisher"]["foaf:name"] == "Stadt Leipzig, Amt für Wirtschaftsförderung"
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert set(datasets) == set(LISTS)
    for name, dataset in datasets.items():
        urls = {d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
        assert urls == {
            f"http://testserver{list_url(name, language)}?format={fmt}"
            for language in ("de", "en", "zh-hans")
            for fmt in ("csv", "json")
        }
        for distribution in dataset["dcat:distribution"]:
            schema_url = distribution["dct:conformsTo"]["@id"]
            assert client.get(schema_url.removeprefix("http://testserver")).status_code == 200
        # Every distribution answers.
        for url in urls:
            assert client.get(url.removeprefix("http://testserver")).status_code == 200
    titles = {t["@language"]: t["@value"] for t in datasets["memoranda"]["dct:title"]}
    assert titles == {
        "de": "Verzeichnis der Vereinbarungen",
        "en": "Register of memoranda",
        "zh-hans": "合作备忘录目录",
    }


def test_the_catalogue_names_the_memoranda_in_each_languages_word(client):
    catalogue = client.get("/opendata/catalog.jsonld").json()
    texts = {t["@language"]: t["@value"] for t in catalogue["dct:description"]}
    assert "memoranda of understanding" in texts["en"]
    assert "Vereinbarungen" in texts["de"] and "Absichtserklärung" not in texts["de"]
    assert "合作备忘录" in texts["zh-hans"] and "谅解备忘录" not in texts["zh-hans"]


def test_success_stories_name_only_published_records_and_public_figures(client):
    hidden_city = f.CityFactory(name="Geheimstadt", visibility="internal")
    hidden_company = f.OrganisationFactory(name="Geheim GmbH", visibility="internal")
    shown = f.WonOpportunityFactory(
        title="Shown story",
        partner_city=hidden_city,
        foreign_organisation=hidden_company,
        local_organisation=f.OrganisationFactory(name="Leipzig AG"),
        jobs_created=12,
        investment_eur=1_500_000,
        figures_public=True,
    )
    f.WonOpportunityFactory(
        title="Figures withheld",
        local_organisation=hidden_company,
        jobs_created=777,
        investment_eur=888,
        figures_public=False,
    )
    f.WonOpportunityFactory(title="Internal story", visibility="internal")
    f.OpportunityFactory(title="Open idea")

    rows = {
        row["title"]: row
        for row in read_json(client.get(list_url("success-stories") + "?format=json"))
    }

    assert set(rows) == {"Shown story", "Figures withheld"}
    story = rows["Shown story"]
    assert story["partner_city"] is None and story["foreign_organisation"] is None
    assert story["local_organisation"] == "Leipzig AG"
    assert (story["jobs_created"], story["investment_eur"]) == (12, 1_500_000)
    assert story["url"] == f"http://testserver/de/success-stories/#{shown.slug}"
    withheld = rows["Figures withheld"]
    assert (withheld["jobs_created"], withheld["investment_eur"]) == (None, None)
    assert withheld["local_organisation"] is None
    text = body(client.get(list_url("success-stories") + "?format=csv"))
    for secret in ("Geheim", "777", "888", "Internal story", "Open idea"):
        assert secret not in text


def test_the_licence_is_a_setting(client, settings):
    settings.CRM_OPENDATA_LICENSE = "cc-by/4.0"
    settings.CRM_OPENDATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
    catalogue = client.get("/opendata/catalog.jsonld").json()
    assert catalogue["dct:rights"] == "cc-by/4.0"
    for dataset in catalogue["dcat:dataset"]:
        assert dataset["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
