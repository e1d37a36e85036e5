"""The open-data datasets, declared once: each field's stable name, type and value.

One declaration per dataset drives its CSV (column names), its JSON (keys), its JSON
Schema and its entry in the DCAT-AP catalogue (partners/public/opendata.py). Rows come
only from ``published()`` querysets, and related records only through published
``Prefetch`` querysets, so a file names nothing the public pages would not (DESIGN.md,
publication rule); text is in the active language. No HTTP here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ..dates import DatePrecision
from ..models import City, DelegationStop, MemorandumParty, Organisation, Partnership, Shown


@dataclass(frozen=True)
class Field:
    name: str  # the CSV column and JSON key: never renamed once published
    description: Any  # a (lazy) translatable text
    value: Callable[[Any], Any] | None = None  # None: the record's attribute ``name``
    type: str = "string"  # JSON Schema type of a value: string, integer, number, boolean, array
    format: str = ""  # JSON Schema format (date, uri) or "" for none
    nullable: bool = False


@dataclass(frozen=True)
class Dataset:
    name: str  # file and URL name: delegations, memoranda, companies, ...
    title: Any
    description: Any
    list_url_name: str  # the public list page it downloads from
    fields: tuple[Field, ...]
    # The list's (filtered) published records, loaded with what the fields read.
    rows: Callable[[Any], Any]


def partial_date(day, precision) -> str | None:
    """ISO 8601 at the precision the date is known to: "2018", "2019-06", "2019-06-25"."""
    if day is None:
        return None
    return day.isoformat()[: {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7}.get(precision)]


def _linked(name: str, description) -> Field:
    """A linked city or organisation, named only if it is published itself."""

    def value(record):
        linked = getattr(record, name)
        return str(linked) if linked is not None and linked.is_published else None

    return Field(name, description, value, nullable=True)


# Partnerships (the home page's list of cities with partnerships) ------------------------


def published_partnerships():
    """Partnerships that are published and whose two cities are published too."""
    cities = City.objects.published()
    return Partnership.objects.published().filter(home_city__in=cities, partner_city__in=cities)


def _partnership_rows(queryset):
    return queryset.select_related("home_city", "partner_city").order_by(
        Shown("home_city__name").asc(), Shown("partner_city__name").asc(), "kind"
    )


PARTNERSHIPS = Dataset(
    name="partnerships",
    title=_("Partner cities"),
    description=_("The city's partnerships with cities abroad: kind, status, since when."),
    list_url_name="partners:home",
    rows=_partnership_rows,
    fields=(
        Field("home_city", _("Home city"), lambda p: p.home_city.name),
        Field("home_city_slug", _("Home city (identifier)"), lambda p: p.home_city.slug),
        Field("partner_city", _("Partner city"), lambda p: p.partner_city.name),
        Field(
            "partner_city_local_name",
            _("Partner city in its own script"),
            lambda p: p.partner_city.local_name,
        ),
        Field("partner_city_slug", _("Partner city (identifier)"), lambda p: p.partner_city.slug),
        Field(
            "partner_city_url",
            _("Partner city's page"),
            lambda p: p.partner_city.get_absolute_url(),
            format="uri",
        ),
        Field("country", _("Country (ISO 3166-1 alpha-2)"), lambda p: str(p.partner_city.country)),
        Field(
            "latitude",
            _("Latitude"),
            lambda p: p.partner_city.latitude,
            type="number",
            nullable=True,
        ),
        Field(
            "longitude",
            _("Longitude"),
            lambda p: p.partner_city.longitude,
            type="number",
            nullable=True,
        ),
        Field("kind", _("Kind (code)")),
        Field("kind_label", _("Kind"), lambda p: str(p.get_kind_display())),
        Field("status", _("Status (code)")),
        Field("status_label", _("Status"), lambda p: str(p.get_status_display())),
        Field("established_year", _("Established in"), type="integer", nullable=True),
    ),
)


# Delegations --------------------------------------------------------------------------


def published_stops():
    """A trip's stops in published cities, in order (its page and its file show these)."""
    stops = DelegationStop.objects.filter(city__in=City.objects.published())
    return stops.select_related("city").order_by("order", "pk")


def delegation_rows(queryset):
    # The list page's own prefetches give way to the file's.
    queryset = queryset.prefetch_related(None)
    return queryset.select_related("origin_city", "lead_organisation").prefetch_related(
        Prefetch("stops", published_stops())
    )


DELEGATIONS = Dataset(
    name="delegations",
    title=_("Delegations"),
    description=_("Trips abroad and visits to the city: dates, route, purpose and report."),
    list_url_name="partners:delegations",
    rows=delegation_rows,
    fields=(
        Field("slug", _("Identifier")),
        Field("url", _("Report page"), lambda d: d.get_absolute_url(), format="uri"),
        Field("title", _("Title")),
        Field("direction", _("Direction (code: outbound, inbound)")),
        Field("status", _("Status (code)")),
        Field("status_label", _("Status"), lambda d: str(d.get_status_display())),
        Field(
            "start",
            _("Start, at its precision (YYYY, YYYY-MM or YYYY-MM-DD)"),
            lambda d: partial_date(d.start_date, d.date_precision),
            nullable=True,
        ),
        Field(
            "end",
            _("End, at its precision (YYYY, YYYY-MM or YYYY-MM-DD)"),
            lambda d: partial_date(d.end_date, d.date_precision),
            nullable=True,
        ),
        Field("date_precision", _("Precision of the dates (day, month, year)")),
        Field("dates", _("Dates as shown"), lambda d: d.dates_display),
        _linked("origin_city", _("From")),
        _linked("lead_organisation", _("Led by")),
        Field(
            "stops",
            _("Route: the cities visited, in order"),
            lambda d: [stop.city.name for stop in d.stops.all()],
            type="array",
        ),
        Field("purpose", _("Purpose")),
        Field("summary", _("Report")),
    ),
)


# Memoranda ----------------------------------------------------------------------------


def published_parties():
    """A memorandum's parties that are published organisations (its page and its file)."""
    parties = MemorandumParty.objects.filter(organisation__in=Organisation.objects.published())
    return parties.select_related("organisation", "signatory").order_by("pk")


def memorandum_rows(queryset):
    queryset = queryset.prefetch_related(None)
    return queryset.select_related(
        "signed_in", "partnership__home_city", "partnership__partner_city"
    ).prefetch_related(Prefetch("parties", published_parties()))


def _partnership(memorandum):
    partnership = memorandum.partnership
    if partnership is None or not partnership.is_published:
        return None
    if not (partnership.home_city.is_published and partnership.partner_city.is_published):
        return None
    return f"{partnership.home_city.name} – {partnership.partner_city.name}"


MEMORANDA = Dataset(
    name="memoranda",
    title=_("MoU register"),
    description=_(
        "Memoranda of understanding, letters of intent and agreements with partners abroad."
    ),
    list_url_name="partners:memoranda",
    rows=memorandum_rows,
    fields=(
        Field("slug", _("Identifier")),
        Field("url", _("Page"), lambda x: x.get_absolute_url(), format="uri"),
        Field("title", _("Title")),
        Field("kind", _("Kind (code)")),
        Field("kind_label", _("Kind"), lambda x: str(x.get_kind_display())),
        Field("status", _("Status (code)")),
        Field("status_label", _("Status"), lambda x: str(x.get_status_display())),
        Field("in_force", _("In force today"), lambda x: x.is_in_force(), type="boolean"),
        Field("signed_on", _("Signed on"), format="date", nullable=True),
        _linked("signed_in", _("Signed in")),
        Field("valid_until", _("Valid until"), format="date", nullable=True),
        Field("terminated_on", _("Terminated on"), format="date", nullable=True),
        Field("partnership", _("Partnership"), _partnership, nullable=True),
        Field(
            "parties",
            _("Parties"),
            lambda x: [str(party.organisation) for party in x.parties.all()],
            type="array",
        ),
        Field("summary", _("Summary")),
    ),
)


# Companies ----------------------------------------------------------------------------


def _website(profile):
    # The company page shows it only for a published organisation (publication rule).
    return profile.organisation.website if profile.organisation.is_published else ""


def company_rows(queryset):
    queryset = queryset.prefetch_related(None)
    return queryset.select_related("organisation", "sector").prefetch_related(
        "interests", Prefetch("target_cities", City.objects.published())
    )


COMPANIES = Dataset(
    name="companies",
    title=_("Company directory"),
    description=_("Local companies looking for partners abroad, published with their consent."),
    list_url_name="partners:companies",
    rows=company_rows,
    fields=(
        Field("slug", _("Identifier")),
        Field("url", _("Page"), lambda c: c.get_absolute_url(), format="uri"),
        Field("name", _("Company")),
        Field("website", _("Website"), _website),
        Field(
            "sector",
            _("Sector (NACE Rev. 2 section)"),
            lambda c: c.sector.code if c.sector else None,
            nullable=True,
        ),
        Field(
            "sector_label",
            _("Sector"),
            lambda c: str(c.sector.name) if c.sector else None,
            nullable=True,
        ),
        Field("employees", _("Employees"), type="integer", nullable=True),
        Field("founded_year", _("Founded"), type="integer", nullable=True),
        Field(
            "interests",
            _("Interested in (codes)"),
            lambda c: sorted(interest.code for interest in c.interests.all()),
            type="array",
        ),
        Field(
            "target_cities",
            _("Target cities"),
            lambda c: [city.name for city in c.target_cities.all()],
            type="array",
        ),
        Field("products", _("Products and services")),
        Field("summary", _("Profile")),
    ),
)


# Success stories ----------------------------------------------------------------------


def success_story_rows(queryset):
    return queryset.select_related("partner_city", "local_organisation", "foreign_organisation")


def _figure(name: str, description) -> Field:
    # The realised figures only where the record says they may be shown (figures_public).
    def value(story):
        return getattr(story, name) if story.figures_public else None

    return Field(name, description, value, type="integer", nullable=True)


SUCCESS_STORIES = Dataset(
    name="success-stories",
    title=_("Success stories"),
    description=_("Cooperations and investments that came about: who, where, since when."),
    list_url_name="partners:success-stories",
    rows=success_story_rows,
    fields=(
        Field("slug", _("Identifier")),
        Field("url", _("Page"), lambda s: s.get_absolute_url(), format="uri"),
        Field("title", _("Title")),
        Field("kind", _("Kind (code)")),
        Field("kind_label", _("Kind"), lambda s: str(s.get_kind_display())),
        Field("won_on", _("Won on"), format="date"),
        _linked("partner_city", _("Partner city")),
        _linked("local_organisation", _("Local organisation")),
        _linked("foreign_organisation", _("Foreign organisation")),
        _figure("jobs_created", _("Jobs created")),
        _figure("investment_eur", _("Investment (EUR)")),
        Field("summary", _("Summary")),
    ),
)


DATASETS = {
    dataset.name: dataset
    for dataset in (PARTNERSHIPS, DELEGATIONS, MEMORANDA, COMPANIES, SUCCESS_STORIES)
}


def json_schema(dataset: Dataset, schema_url: str) -> dict:
    """The JSON Schema (2020-12) of one row of ``dataset``; the JSON file is an array of them."""
    properties = {}
    for field in dataset.fields:
        if field.type == "array":
            spec = {"type": "array", "items": {"type": "string"}}
        else:
            spec = {"type": [field.type, "null"] if field.nullable else field.type}
            if field.format:
                spec["format"] = field.format
        properties[field.name] = {"description": str(field.description), **spec}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "type": "array",
        "items": {
            "type": "object",
            "properties": properties,
            "required": [field.name for field in dataset.fields],
            "additionalProperties": False,
        },
    }


def row(dataset: Dataset, record, absolute: Callable[[str], str]) -> dict:
    """One record as a dict of the declared fields: URLs made absolute with ``absolute``
    (the view knows the host), dates in ISO 8601, decimals (coordinates) as the plain
    numbers JSON and CSV readers expect."""
    values = {}
    for field in dataset.fields:
        value = field.value(record) if field.value else getattr(record, field.name)
        if field.format == "uri" and value:
            value = absolute(value)
        elif field.format == "date" and value is not None:
            value = value.isoformat()
        elif field.type == "number" and value is not None:
            value = float(value)
        values[field.name] = value
    return values
