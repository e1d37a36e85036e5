"""django-import-export resources: the company-profile sheet as an export.

The columns come from `partners.imports.sheet.COLUMNS`, the same declaration the import reads,
so an exported sheet imports again unchanged.
"""

from django.utils.translation import get_language
from import_export import resources
from import_export.fields import Field

from .imports.sheet import COLUMNS, Column
from .models import CompanyProfile, Visibility


def _organisation(profile, attribute):
    organisation = profile.organisation
    if attribute == "city":
        return organisation.city.name if organisation.city_id else ""
    return getattr(organisation, attribute)


def _profile(profile, attribute):
    if attribute == "sector":
        return profile.sector.code if profile.sector_id else ""
    if attribute == "interests":
        return [interest.code for interest in profile.interests.all()]
    if attribute == "target_cities":
        return [city.name for city in profile.target_cities.all()]
    if attribute == "visibility":
        return profile.visibility == Visibility.PUBLIC
    if attribute in ("products", "summary"):
        # The German source, whatever language the exporting user's admin speaks.
        attribute = f"{attribute}_de"
    return getattr(profile, attribute) or ""


def _contact(profile, attribute):
    return getattr(profile.contact, attribute) if profile.contact_id else ""


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


def _field(column: Column) -> Field:
    return Field(
        column_name=column.en,
        dehydrate_method=lambda profile: cell_value(profile, column),
        readonly=True,
    )


class _ProfileSheetBase(resources.ModelResource):
    # What cell_value reads; the admin export applies them to its queryset per chunk.
    select_related = ("organisation__city", "sector", "contact")
    prefetch_related = ("interests", "target_cities")

    def get_queryset(self):
        return CompanyProfile.objects.select_related(*self.select_related).prefetch_related(
            *self.prefetch_related
        )

    def get_export_headers(self, selected_fields=None):
        # German users get German headers; the import reads either.
        german = (get_language() or "de").startswith("de")
        by_en = {column.en: column for column in COLUMNS}
        return [
            by_en[header].de if german else header
            for header in super().get_export_headers(selected_fields=selected_fields)
        ]


class _Meta:
    model = CompanyProfile
    fields = [column.key for column in COLUMNS]
    export_order = fields


CompanyProfileSheetResource = type(_ProfileSheetBase)(
    "CompanyProfileSheetResource",
    (_ProfileSheetBase,),
    {
        "__module__": __name__,
        "__doc__": "The company-profile sheet (export), one row per profile.",
        "Meta": _Meta,
        **{column.key: _field(column) for column in COLUMNS},
    },
)
