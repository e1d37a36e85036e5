"""Changelist filters whose choices are read from the whole table, computed once per
generation of the data (partners/freshness.py): listing the cities that 40,000 stops
went to, or the years of 20,000 delegations, is a scan that grows with the table."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import get_language, gettext_lazy
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from .. import freshness
from ..models import Delegation, Visibility


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
        if self.value() and self.value().isdigit():
            return queryset.filter(start_date__year=int(self.value()))
        return queryset


def _years() -> list[int]:
    return [day.year for day in Delegation.objects.dates("start_date", "year", order="DESC")]


class MissingTranslationFilter(admin.SimpleListFilter):
    """Published records with a German text but no English (or Chinese) one: what the
    public pages show in German, marked lang="de", until someone translates it."""

    title = gettext_lazy("missing translation (public records)")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("en", gettext_lazy("English")), ("zh-hans", gettext_lazy("Chinese (Simplified)"))]

    def queryset(self, request, queryset):
        if self.value() not in ("en", "zh-hans"):
            return queryset
        missing = Q()
        for field in translator.get_options_for_model(queryset.model).fields:
            german = build_localized_fieldname(field, DEFAULT_LANGUAGE)
            other = build_localized_fieldname(field, self.value())
            has_german = Q(**{f"{german}__gt": ""})
            missing |= has_german & (Q(**{f"{other}__isnull": True}) | Q(**{other: ""}))
        return queryset.filter(missing, visibility=Visibility.PUBLIC)
