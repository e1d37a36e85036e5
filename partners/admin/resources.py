"""django-import-export resources: what the admin's export writes.

The export of every model: foreign keys and many-to-many fields are written as readable
names, never ids. Each record's stable key (a slug, a code, or a name with its country) has
one column per part, so that a sheet exported here can be imported again and update the
same rows. Records without a natural key (meetings, follow-ups, handovers, photos, meeting
slots and requests) are keyed by id; a trip registration by its trip and company.

Company profiles have their own resource, `CompanyProfileSheetResource` (at the end): the
company-profile sheet, whose columns come from `partners.imports.sheet.COLUMNS`, the same
declaration the import reads, so an exported sheet imports again unchanged.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from import_export import fields, resources, widgets

from .. import models as m
from ..imports.bulk_sql import german_columns
from ..imports.sheet import COLUMNS, Column
from ..models import CompanyProfile, Visibility

SEPARATOR = "; "


class CityWidget(widgets.ForeignKeyWidget):
    """A city by its name; the country, in its own column, tells same-named cities apart."""

    def __init__(self, country_column: str, **kwargs):
        super().__init__(m.City, "name", **kwargs)
        self.country_column = country_column

    def get_lookup_kwargs(self, value, row, **kwargs):
        country = (row or {}).get(self.country_column)
        return {"name": value, **({"country": country} if country else {})}


def city(column: str) -> tuple[fields.Field, fields.Field]:
    """The two columns of a city reference: ``column`` (name) and ``column_country``."""
    return (
        field(column, widget=CityWidget(f"{column}_country")),
        field(f"{column}_country", f"{column}__country", readonly=True),
    )


def field(column, attribute=None, widget=None, **kwargs):
    return fields.Field(attribute=attribute or column, column_name=column, widget=widget, **kwargs)


def fk(column, model, key):
    return field(column, widget=widgets.ForeignKeyWidget(model, key))


def many(column, model, key):
    return field(column, widget=widgets.ManyToManyWidget(model, SEPARATOR, key))


class ExportResource(resources.ModelResource):
    """Shared options: skip unchanged rows on re-import; load references in bulk."""

    # What the columns read, loaded with the rows, so that an export's query count does not
    # grow with its row count (tests/test_admin_export_queries.py checks every model).
    select_related: tuple = ()
    prefetch_related: tuple = ()

    class Meta:
        skip_unchanged = True
        report_skipped = False

    def filter_export(self, queryset, **kwargs):
        queryset = super().filter_export(queryset, **kwargs)
        if self.select_related:  # without names it would follow every link
            queryset = queryset.select_related(*self.select_related)
        return queryset.prefetch_related(*self.prefetch_related)

    def column_labels(self) -> list[str]:
        """Each column as the export page lists it: what it holds, in the reader's
        language, and the header the file carries ("Land (country)")."""
        fields = self.get_export_fields()
        headers = self.get_export_headers()
        return [
            labelled(self.column_label(field), header)
            for field, header in zip(fields, headers, strict=True)
        ]

    def column_label(self, field) -> str | None:
        return path_label(self._meta.model, field.attribute) if field.attribute else None


def path_label(model, path: str) -> str | None:
    """The verbose names along ``path`` ("home_city__country": "home city – country"), or
    None when a step is not a model field."""
    labels = []
    for name in path.split("__"):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        related = model_field.related_model
        # A reverse relation has no verbose name of its own: its records' plural says it.
        labels.append(
            getattr(model_field, "verbose_name", None) or related._meta.verbose_name_plural
        )
        model = related
    return " – ".join(str(label) for label in labels)


def labelled(label: str | None, header: str) -> str:
    if not label or str(label).replace(" ", "_").lower() == header.lower():
        return header
    return f"{capfirst(label)} ({header})"


class CityResource(ExportResource):
    class Meta(ExportResource.Meta):
        model = m.City
        import_id_fields = ["name", "country"]
        fields = [
            "name", "country", "local_name", "slug", "region", "population",
            "population_year", "latitude", "longitude", "time_zone", "is_home", "description",
            "visibility",
        ]  # fmt: skip


class PartnershipResource(ExportResource):
    select_related = ("home_city", "partner_city")
    home_city, home_city_country = city("home_city")
    partner_city, partner_city_country = city("partner_city")

    class Meta(ExportResource.Meta):
        model = m.Partnership
        import_id_fields = ["home_city", "partner_city", "kind"]
        fields = [
            "home_city", "home_city_country", "partner_city", "partner_city_country", "kind",
            "status", "established_year", "description", "visibility",
        ]  # fmt: skip


class OrganisationResource(ExportResource):
    select_related = ("city", "parent")
    city, city_country = city("city")
    parent = fk("parent", m.Organisation, "slug")

    class Meta(ExportResource.Meta):
        model = m.Organisation
        import_id_fields = ["slug"]
        fields = [
            "slug", "name", "short_name", "kind", "city", "city_country", "parent", "website",
            "email", "phone", "address", "register_number", "description", "visibility",
        ]  # fmt: skip


class PersonResource(ExportResource):
    select_related = ("organisation",)
    organisation = fk("organisation", m.Organisation, "slug")

    class Meta(ExportResource.Meta):
        model = m.Person
        fields = [
            "id", "full_name", "local_name", "honorific", "organisation", "position", "email",
            "phone", "notes", "lawful_basis", "consent_given_on", "visibility",
        ]  # fmt: skip


class DelegationResource(ExportResource):
    select_related = ("origin_city", "lead_organisation")
    prefetch_related = ("supporting_organisations", "stops__city")
    origin_city, origin_city_country = city("origin_city")
    lead_organisation = fk("lead_organisation", m.Organisation, "slug")
    supporting_organisations = many("supporting_organisations", m.Organisation, "slug")
    stops = field("stops", readonly=True)

    class Meta(ExportResource.Meta):
        model = m.Delegation
        import_id_fields = ["slug"]
        fields = [
            "slug", "title", "direction", "status", "start_date", "end_date", "date_precision",
            "origin_city", "origin_city_country", "lead_organisation",
            "supporting_organisations", "stops", "purpose", "summary", "outcome", "visibility",
        ]  # fmt: skip

    def dehydrate_stops(self, delegation):
        return SEPARATOR.join(stop.city.name for stop in delegation.stops.all())


class MeetingResource(ExportResource):
    select_related = ("city", "delegation", "logged_by")
    prefetch_related = ("organisations", "attendees")
    delegation = fk("delegation", m.Delegation, "slug")
    city, city_country = city("city")
    organisations = many("organisations", m.Organisation, "slug")
    attendees = many("attendees", m.Person, "full_name")
    logged_by = fk("logged_by", m.Meeting.logged_by.field.related_model, "username")
    time_zone = field("time_zone", "city__time_zone", readonly=True)

    class Meta(ExportResource.Meta):
        model = m.Meeting
        fields = [
            "id", "date", "starts_at", "ends_at", "time_zone", "city", "city_country", "kind",
            "title", "delegation", "organisations", "attendees", "notes", "outcome",
            "logged_by", "visibility",
        ]  # fmt: skip

    # In the meeting city's time, as the admin shows and takes it (like a slot's).
    def dehydrate_starts_at(self, meeting):
        return _local(meeting.starts_at, meeting.city) if meeting.starts_at else None

    def dehydrate_ends_at(self, meeting):
        return _local(meeting.ends_at, meeting.city) if meeting.ends_at else None


class SectorResource(ExportResource):
    class Meta(ExportResource.Meta):
        model = m.Sector
        import_id_fields = ["code"]
        fields = ["code", "name_de", "name_en", "name_zh_hans"]


class InterestResource(SectorResource):
    class Meta(SectorResource.Meta):
        model = m.Interest


class ProfileHandoverResource(ExportResource):
    select_related = ("profile__organisation", "recipient", "delegation")
    prefetch_related = ("handed_over_by",)
    profile = fk("profile", m.CompanyProfile, "slug")
    company = field("company", "profile__organisation__name", readonly=True)
    recipient = fk("recipient", m.Organisation, "slug")
    delegation = fk("delegation", m.Delegation, "slug")
    handed_over_by = many("handed_over_by", m.Person, "full_name")

    class Meta(ExportResource.Meta):
        model = m.ProfileHandover
        fields = [
            "id", "profile", "company", "recipient", "delegation", "meeting", "handed_over_on",
            "handed_over_by", "response", "notes",
        ]  # fmt: skip


class MemorandumResource(ExportResource):
    select_related = ("delegation", "partnership__partner_city", "signed_in")
    prefetch_related = ("parties__organisation",)
    delegation = fk("delegation", m.Delegation, "slug")
    signed_in, signed_in_country = city("signed_in")
    partner_city = field("partner_city", "partnership__partner_city__name", readonly=True)
    parties = field("parties", readonly=True)

    class Meta(ExportResource.Meta):
        model = m.Memorandum
        import_id_fields = ["slug"]
        fields = [
            "slug", "title", "kind", "status", "partner_city", "delegation",
            "signed_on", "signed_in", "signed_in_country", "valid_until", "terminated_on",
            "review_on", "parties", "summary", "visibility",
        ]  # fmt: skip

    def dehydrate_parties(self, memorandum):
        return SEPARATOR.join(party.organisation.name for party in memorandum.parties.all())


class FollowUpResource(ExportResource):
    select_related = ("owner", "partner_city", "delegation", "memorandum")
    owner = fk("owner", m.FollowUp.owner.field.related_model, "username")
    partner_city, partner_city_country = city("partner_city")
    delegation = fk("delegation", m.Delegation, "slug")
    memorandum = fk("memorandum", m.Memorandum, "slug")

    class Meta(ExportResource.Meta):
        model = m.FollowUp
        fields = [
            "id", "title", "description", "kind", "status", "owner", "due_on", "partner_city",
            "partner_city_country", "delegation", "meeting", "memorandum", "completed_on",
            "visibility",
        ]  # fmt: skip


class PhotoResource(ExportResource):
    select_related = ("delegation", "memorandum")
    delegation = fk("delegation", m.Delegation, "slug")
    memorandum = fk("memorandum", m.Memorandum, "slug")

    class Meta(ExportResource.Meta):
        model = m.Photo
        fields = [
            "id", "image", "caption", "taken_on", "credit", "delegation", "memorandum",
            "meeting", "visibility",
        ]  # fmt: skip


class OpportunityResource(ExportResource):
    select_related = (
        "partner_city", "local_organisation", "foreign_organisation", "profile", "owner",
        "delegation", "memorandum",
    )  # fmt: skip
    partner_city, partner_city_country = city("partner_city")
    local_organisation = fk("local_organisation", m.Organisation, "slug")
    foreign_organisation = fk("foreign_organisation", m.Organisation, "slug")
    profile = fk("profile", m.CompanyProfile, "slug")
    owner = fk("owner", m.Opportunity.owner.field.related_model, "username")
    delegation = fk("delegation", m.Delegation, "slug")
    memorandum = fk("memorandum", m.Memorandum, "slug")

    class Meta(ExportResource.Meta):
        model = m.Opportunity
        import_id_fields = ["slug"]
        fields = [
            "slug", "title", "kind", "stage", "partner_city", "partner_city_country",
            "local_organisation", "foreign_organisation", "profile", "handover", "owner",
            "delegation", "meeting", "memorandum", "expected_jobs", "expected_investment_eur",
            "won_on", "jobs_created", "investment_eur", "figures_public", "lost_reason",
            "next_step", "next_step_on", "summary", "notes", "visibility",
        ]  # fmt: skip


class TripRegistrationResource(ExportResource):
    select_related = ("delegation", "organisation", "profile", "contact")
    prefetch_related = ("representatives",)
    delegation = fk("delegation", m.Delegation, "slug")
    organisation = fk("organisation", m.Organisation, "slug")
    profile = fk("profile", m.CompanyProfile, "slug")
    contact = fk("contact", m.Person, "full_name")
    representatives = many("representatives", m.Person, "full_name")

    class Meta(ExportResource.Meta):
        model = m.TripRegistration
        import_id_fields = ["delegation", "organisation"]
        fields = [
            "delegation", "organisation", "profile", "contact", "representatives", "language",
            "status", "wishes", "registered_at", "confirmed_at",
        ]  # fmt: skip


class MeetingSlotResource(ExportResource):
    # A stop is its city on the slot's delegation; times are that city's, as entered.
    select_related = ("delegation", "stop__city")
    delegation = fk("delegation", m.Delegation, "slug")
    stop = field("stop", "stop__city__name", readonly=True)
    stop_country = field("stop_country", "stop__city__country", readonly=True)
    time_zone = field("time_zone", "stop__city__time_zone", readonly=True)

    class Meta(ExportResource.Meta):
        model = m.MeetingSlot
        fields = [
            "id", "delegation", "stop", "stop_country", "starts_at", "ends_at", "time_zone",
            "tables",
        ]  # fmt: skip

    def dehydrate_starts_at(self, slot):
        return _local(slot.starts_at, slot.stop.city)

    def dehydrate_ends_at(self, slot):
        return _local(slot.ends_at, slot.stop.city)


def _local(moment, city):
    """``moment`` as the wall-clock time of ``city`` (naive: the sheet would convert an
    aware one to the server's zone)."""
    return timezone.localtime(moment, city.tzinfo).replace(tzinfo=None)


class MeetingRequestResource(ExportResource):
    # The slot as the admin shows it: city, local start and UTC offset.
    select_related = ("delegation", "registration__organisation", "counterpart", "slot__stop__city")
    delegation = fk("delegation", m.Delegation, "slug")
    participant = field("participant", "registration__organisation__slug", readonly=True)
    counterpart = fk("counterpart", m.Organisation, "slug")
    slot = field("slot", readonly=True)

    class Meta(ExportResource.Meta):
        model = m.MeetingRequest
        fields = [
            "id", "delegation", "participant", "counterpart", "priority", "mutual", "status",
            "pinned", "slot", "table", "meeting",
        ]  # fmt: skip

    def dehydrate_slot(self, request):
        return str(request.slot) if request.slot_id else ""


EXPORT_RESOURCES = {
    resource._meta.model: resource
    for resource in [
        CityResource, PartnershipResource, OrganisationResource, PersonResource,
        DelegationResource, MeetingResource, SectorResource, InterestResource,
        ProfileHandoverResource, MemorandumResource, FollowUpResource, PhotoResource,
        OpportunityResource, TripRegistrationResource, MeetingSlotResource,
        MeetingRequestResource,
    ]
}  # fmt: skip


# The company-profile sheet (the import's layout), as an export.
def _german(record, attribute):
    """The German source of a translated field (the import reads that), whatever language
    the exporting user's admin speaks; any other field as it is."""
    return getattr(record, german_columns(type(record)).get(attribute, attribute)) or ""


def _organisation(profile, attribute):
    organisation = profile.organisation
    if attribute == "city":
        return _german(organisation.city, "name") if organisation.city_id else ""
    return _german(organisation, attribute)


def _profile(profile, attribute):
    if attribute == "sector":
        return profile.sector.code if profile.sector_id else ""
    if attribute == "interests":
        return [interest.code for interest in profile.interests.all()]
    if attribute == "target_cities":
        return [_german(city, "name") for city in profile.target_cities.all()]
    if attribute == "visibility":
        return profile.visibility == Visibility.PUBLIC
    return _german(profile, attribute)


def _contact(profile, attribute):
    return _german(profile.contact, attribute) if profile.contact_id else ""


def _country(profile, attribute):
    city = profile.organisation.city
    return city.country.code if city else ""


READERS = {
    "Organisation": _organisation,
    "CompanyProfile": _profile,
    "Person": _contact,
    "City": _country,
}


def cell_value(profile: CompanyProfile, column: Column):
    """What `column` shows for `profile`, as it is written into a cell."""
    model, attribute = column.field.split(".")
    return column.write(READERS[model](profile, attribute))


def _field(column: Column) -> fields.Field:
    return fields.Field(
        column_name=column.en,
        dehydrate_method=lambda profile: cell_value(profile, column),
        readonly=True,
    )


# Where a column's record sits, for its label: the contact's email reads "contact – email",
# while the company's own columns need no "organisation – ".
FROM_THE_PROFILE = {
    "CompanyProfile": (CompanyProfile, ""),
    "Organisation": (m.Organisation, ""),
    "Person": (CompanyProfile, "contact__"),
    "City": (m.Organisation, "city__"),
}


def _german_headers() -> bool:
    return (get_language() or "de").startswith("de")


class _ProfileSheetBase(ExportResource):
    """The company-profile sheet (export), one row per profile; its fields are COLUMNS."""

    # What cell_value reads, loaded with the rows.
    select_related = ("organisation__city", "sector", "contact")
    prefetch_related = ("interests", "target_cities")

    def column_label(self, field):
        if _german_headers():
            return None  # the header says it
        column = next(column for column in COLUMNS if column.en == field.column_name)
        model, attribute = column.field.split(".")
        model, prefix = FROM_THE_PROFILE[model]
        return path_label(model, prefix + attribute)

    def get_export_headers(self, selected_fields=None):
        # German users get German headers; the import reads either.
        german = _german_headers()
        by_en = {column.en: column for column in COLUMNS}
        return [
            by_en[header].de if german else header
            for header in super().get_export_headers(selected_fields=selected_fields)
        ]


_KEYS = [column.key for column in COLUMNS]
CompanyProfileSheetResource = resources.modelresource_factory(
    CompanyProfile,
    resource_class=_ProfileSheetBase,
    meta_options={"fields": _KEYS, "export_order": _KEYS},
    custom_fields={column.key: _field(column) for column in COLUMNS},
)
