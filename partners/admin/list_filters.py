"""Changelist filters of the domain."""

import datetime

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy

from ..models import Delegation


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Delegation.objects.dates("start_date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # Only years a date can have; "0" or "10000" would fail deep in the query.
        if not (self.value().isascii() and self.value().isdigit()) or not (
            datetime.MINYEAR <= int(self.value()) <= datetime.MAXYEAR
        ):
            raise BadRequest(f"year: {self.value()!r} is not a year")
        return queryset.filter(start_date__year=int(self.value()))

