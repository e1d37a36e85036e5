"""Open data: every public list as CSV and JSON, each with its JSON Schema, and a DCAT-AP
catalogue of them (``/opendata/catalog.jsonld``) for a city's open-data portal to harvest.

What the files hold is declared in partners/public/datasets.py. Both formats are streamed, the
rows read in chunks with their prefetches, so a file costs the same few queries whatever
its length and never holds the whole directory in memory.
"""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from ..spreadsheets import Column, Table, iter_csv
from .datasets import DATASETS, Dataset, json_schema, row

FORMATS = ("csv", "json")
CHUNK = 2000
# EU vocabularies, as DCAT-AP asks for formats and languages.
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_LANGUAGES = {"de": "DEU", "en": "ENG", "zh-hans": "ZHO"}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
PRETTY = {"ensure_ascii": False, "indent": 2}  # JSON that people read


def download(request, dataset: Dataset, queryset):
    """The list as a file when ``?format=csv|json`` asks for it; None for the HTML page."""
    requested = request.GET.get("format")
    if requested is None:
        return None
    if requested not in FORMATS:
        return HttpResponse(
            gettext("format: expected one of %(formats)s, got %(value)s")
            % {"formats": ", ".join(FORMATS), "value": repr(requested)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    # Rows are read while the response streams: keep the language of this request.
    language = translation.get_language()
    rows = _rows(dataset, dataset.rows(queryset), request.build_absolute_uri, language)
    filename = f"{dataset.name}-{language}.{requested}"
    if requested == "csv":
        content, content_type = _csv(dataset, rows), "text/csv; charset=utf-8"
    else:
        content, content_type = _json(rows), "application/json"
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{_schema_url(request, dataset)}>; rel="describedby"'
    return response


def _rows(dataset, records, absolute, language):
    with translation.override(language):
        for record in records.iterator(chunk_size=CHUNK):
            yield row(dataset, record, absolute)


def _csv(dataset, rows):
    # The spreadsheets' CSV (BOM, no cell a formula); lists and booleans as open data writes them.
    columns = [Column(field.name) for field in dataset.fields]
    return iter_csv(Table(dataset.name, columns, (map(_cell, values.values()) for values in rows)))


def _cell(value):
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _json(rows):
    yield "["
    for n, values in enumerate(rows):
        yield ("," if n else "") + "\n" + json.dumps(values, ensure_ascii=False)
    yield "\n]\n"


def _schema_url(request, dataset) -> str:
    return request.build_absolute_uri(reverse("opendata-schema", args=[dataset.name]))


def schema(request, name):
    dataset = DATASETS.get(name)
    if dataset is None:
        return HttpResponse(f"No dataset named {name!r}.", status=404, content_type="text/plain")
    with translation.override("en"):
        document = json_schema(dataset, _schema_url(request, dataset))
    return JsonResponse(document, json_dumps_params=PRETTY)


def _texts(value) -> list[dict]:
    """A translatable text in every language of the site, as JSON-LD language values."""
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append({"@value": str(value), "@language": code})
    return texts


def catalog(request):
    """The DCAT-AP catalogue (JSON-LD): every dataset, each language and format a
    distribution, with licence and publisher from the settings."""
    licence = {"@id": settings.CRM_OPENDATA_LICENSE_URL}
    publisher = {"@type": "foaf:Organization", "foaf:name": settings.CRM_PUBLISHER}
    datasets = []
    for dataset in DATASETS.values():
        distributions = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                page = request.build_absolute_uri(reverse(dataset.list_url_name))
            for fmt in FORMATS:
                url = f"{page}?format={fmt}"
                distributions.append(
                    {
                        "@id": url,
                        "@type": "dcat:Distribution",
                        "dct:title": f"{dataset.name} ({code}, {fmt.upper()})",
                        "dcat:accessURL": {"@id": url},
                        "dcat:downloadURL": {"@id": url},
                        "dcat:mediaType": MEDIA_TYPES[fmt],
                        "dct:format": {"@id": EU_FILE_TYPE + fmt.upper()},
                        "dct:language": {"@id": EU_LANGUAGE + EU_LANGUAGES.get(code, "MUL")},
                        "dct:license": licence,
                        "dct:conformsTo": {"@id": _schema_url(request, dataset)},
                    }
                )
        with translation.override(settings.LANGUAGE_CODE):
            landing = request.build_absolute_uri(reverse(dataset.list_url_name))
        datasets.append(
            {
                "@id": request.build_absolute_uri(f"/opendata/catalog.jsonld#{dataset.name}"),
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.name,
                "dct:title": _texts(dataset.title),
                "dct:description": _texts(dataset.description),
                "dct:publisher": publisher,
                "dct:license": licence,
                "dcat:landingPage": {"@id": landing},
                "dcat:distribution": distributions,
            }
        )
    document = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": request.build_absolute_uri(reverse("opendata-catalog")),
        "@type": "dcat:Catalog",
        "dct:title": _texts(gettext_lazy("International economic relations: open data")),
        "dct:description": _texts(
            gettext_lazy(
                "Partner cities, delegations, memoranda of understanding, success stories and "
                "the company directory, as published on the public site."
            )
        ),
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:rights": settings.CRM_OPENDATA_LICENSE,
        "dcat:dataset": datasets,
    }
    return JsonResponse(document, content_type="application/ld+json", json_dumps_params=PRETTY)
