"""Changelist filters whose choices are read from the whole table, computed once per
generation of the data (partners/freshness.py): listing the cities that 40,000 stops
went to, or the years of 20,000 delegations, is a scan that grows with the table."""

import datetime

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.utils.translation import get_language, gettext_lazy

from .. import freshness
from ..models import Delegation


class CachedRelatedOnlyFieldListFilter(admin.RelatedOnlyFieldListFilter):
    def field_choices(self, field, request, model_admin):
        # The labels are the related records' __str__, which may depend on the language;
        # the user is part of the key in case a changelist's rows ever depend on them.
        key = (model_admin.model._meta.label, self.field_path, request.user.pk, get_language())
        return freshness.cached(
            "admin-related-choices",
            key,
            lambda: super(CachedRelatedOnlyFieldListFilter, self).field_choices(
                field, request, model_admin
            ),
        )


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in freshness.cached("delegation-years", (), _years)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # Only years a date can have; "0" or "10000" would fail deep in the query.
        if not (self.value().isascii() and self.value().isdigit()) or not (
            datetime.MINYEAR <= int(self.value()) <= datetime.MAXYEAR
        ):
            raise BadRequest(f"year: {self.value()!r} is not a year")
        return queryset.filter(start_date__year=int(self.value()))


def _years() -> list[int]:
    return [day.year for day in Delegation.objects.dates("start_date", "year", order="DESC")]
