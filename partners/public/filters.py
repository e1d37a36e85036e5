"""FilterSets of the public lists: delegations, the MoU register and the company directory.

Every choice offered comes from published records only (DESIGN.md, publication rule): a
filter must not reveal, for instance, that an unpublished delegation went to some city.
A bad value in the query string makes that one field invalid and is ignored; it never
raises.
"""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import (
    City,
    CompanyProfile,
    Delegation,
    Interest,
    Memorandum,
    Partnership,
    Sector,
    Shown,
    is_translated,
)
from ..widgets import LongChoiceFilter, NamedChoiceFilter

ALL = _("all")


class SortFilter(django_filters.OrderingFilter):
    """django-filter's own descending labels are formatted when the filter is built, at
    import, in the language active then: a German label on English pages. These stay lazy."""

    def __init__(self, *args, empty_is_newest=False, **kwargs):
        # Where records without a value stand, said because SQLite puts NULL first and
        # PostgreSQL last: with the newest (an undated trip is planned), or last either way.
        self.empty_is_newest = empty_is_newest
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        return [
            choice
            for field, param in fields.items()
            for choice in (
                (param, labels[field]),
                (f"-{param}", format_lazy(_("{} (descending)"), labels[field])),
            )
        ]

    def get_ordering_value(self, param):
        # modeltranslation sorts by the active language's column alone ("title_en"), empty
        # for every record shown in German on an English page: sort by the text shown.
        value = super().get_ordering_value(param)
        field, descending = value.removeprefix("-"), value.startswith("-")
        if is_translated(self.model, field):
            return Shown(field).desc() if descending else Shown(field).asc()
        newest_first = descending and self.empty_is_newest
        nulls = {"nulls_first": True} if newest_first else {"nulls_last": True}
        return F(field).desc(**nulls) if descending else F(field).asc(**nulls)


def _used_values(queryset, field) -> set:
    return set(queryset.order_by().values_list(field, flat=True).distinct())


def _pks(queryset) -> list:
    return list(queryset.order_by().values_list("pk", flat=True))


def _used_by(published, link: str):
    """EXISTS a published record whose ``link`` is the outer row: one index probe per
    choice, where a JOIN ... DISTINCT read every published record (slow at a million)."""
    return Exists(published.filter(**{link: OuterRef("pk")}))


def _years(*date_querysets) -> list[int]:
    return sorted({d.year for qs in date_querysets for d in qs}, reverse=True)


def _city_filter():
    return LongChoiceFilter(
        label=_("City"),
        queryset=City.objects.none(),
        to_field_name="slug",
        method="filter_by_city",
        empty_label=ALL,
    )


def _by_date_or_title(date_field: str, **kwargs) -> SortFilter:
    return SortFilter(
        label=_("Sort by"),
        fields=((date_field, "date"), ("title", "title")),
        field_labels={date_field: _("date"), "title": _("title")},
        empty_label=_("newest first"),
        **kwargs,
    )


class PublicFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each filter offers only the values that occur among published records, as the
        # subclass's used_values() lists them.
        for name, values in self.used_values().items():
            choosing = self.filters[name]
            if isinstance(choosing, django_filters.ModelChoiceFilter):
                offered = choosing.queryset.model._default_manager.filter(pk__in=values)
                is_publishable = hasattr(offered, "published")
                choosing.queryset = offered.published() if is_publishable else offered
            elif name == "year":
                choosing.extra["choices"] = [(str(year), str(year)) for year in values]
            else:
                field = self._meta.model._meta.get_field(name)
                choosing.extra["choices"] = [
                    (v, label) for v, label in field.choices if v in values
                ]

    def filter_by_year(self, queryset, name, value):
        return queryset.filter(**{f"{name}__year": int(value)})

    @property
    def narrows(self) -> bool:
        """Whether a filter, not only the sort order, is chosen: an empty list says which."""
        if not self.is_bound:
            return False
        if not self.is_valid():
            return True
        return any(
            value
            for name, value in self.form.cleaned_data.items()
            if not isinstance(self.filters[name], SortFilter)
        )


class DelegationFilter(PublicFilterSet):
    city = _city_filter()
    year = django_filters.ChoiceFilter(
        label=_("Year"), field_name="start_date", method="filter_by_year", empty_label=ALL
    )
    direction = django_filters.ChoiceFilter(label=_("Direction"), empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=ALL)
    sort = _by_date_or_title("start_date", empty_is_newest=True)

    class Meta:
        model = Delegation
        fields = ["city", "year", "direction", "status"]

    def used_values(self) -> dict:
        published = Delegation.objects.published()
        return {
            "city": _pks(
                City.objects.published().filter(
                    _used_by(published, "origin_city") | _used_by(published, "stops__city")
                )
            ),
            "year": _years(published.dates("start_date", "year")),
            "direction": _used_values(published, "direction"),
            "status": _used_values(published, "status"),
        }

    def filter_by_city(self, queryset, name, city):
        return queryset.to_or_from(city)


class MemorandumFilter(PublicFilterSet):
    city = _city_filter()
    year = django_filters.ChoiceFilter(label=_("Year"), method="filter_by_year", empty_label=ALL)
    kind = django_filters.ChoiceFilter(label=_("Kind"), empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=ALL)
    sort = _by_date_or_title("signed_on")

    class Meta:
        model = Memorandum
        fields = ["city", "year", "kind", "status"]

    def used_values(self) -> dict:
        published = Memorandum.objects.published()
        # Cities and years are offered only as far as published records show them: the
        # partnership's cities through a published partnership, the trip's year through
        # a published trip.
        under_published = published.filter(partnership__in=Partnership.objects.published())
        undated = published.filter(signed_on__isnull=True)
        return {
            "city": _pks(
                City.objects.published().filter(
                    _used_by(published, "signed_in")
                    | _used_by(under_published, "partnership__home_city")
                    | _used_by(under_published, "partnership__partner_city")
                )
            ),
            "year": _years(
                published.dates("signed_on", "year"),
                Delegation.objects.published()
                .filter(memoranda__in=undated)
                .dates("start_date", "year"),
            ),
            "kind": _used_values(published, "kind"),
            "status": _used_values(published, "status"),
        }

    def filter_by_city(self, queryset, name, city):
        partnerships = Partnership.objects.published().filter(
            Q(home_city=city) | Q(partner_city=city)
        )
        return queryset.concerning(city, partnerships.values("pk"))

    def filter_by_year(self, queryset, name, value):
        # A memorandum known only as "signed during" a trip counts in the trip's year.
        year = int(value)
        return queryset.filter(
            Q(signed_on__year=year)
            | Q(
                signed_on__isnull=True,
                delegation__in=Delegation.objects.published(),
                delegation__start_date__year=year,
            )
        )


class CompanyFilter(PublicFilterSet):
    sector = NamedChoiceFilter(
        label=_("Sector"), queryset=Sector.objects.none(), to_field_name="code", empty_label=ALL
    )
    interest = NamedChoiceFilter(
        label=_("Interest"),
        field_name="interests",
        queryset=Interest.objects.none(),
        to_field_name="code",
        empty_label=ALL,
    )
    target_city = LongChoiceFilter(
        label=_("Target city"),
        field_name="target_cities",
        queryset=City.objects.none(),
        to_field_name="slug",
        empty_label=ALL,
    )
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("organisation__name", "name"), ("founded_year", "founded")),
        field_labels={"organisation__name": _("name"), "founded_year": _("founded")},
        empty_label=None,  # the default order is the first choice, by name
    )

    class Meta:
        model = CompanyProfile
        fields = ["sector", "interest", "target_city"]

    def used_values(self) -> dict:
        published = CompanyProfile.objects.published()
        return {
            "sector": _pks(Sector.objects.filter(_used_by(published, "sector"))),
            "interest": _pks(Interest.objects.filter(_used_by(published, "interests"))),
            "target_city": _pks(
                City.objects.published().filter(_used_by(published, "target_cities"))
            ),
        }
