"""The changelist of CRMAdmin: the date hierarchy's figures once per generation of the data.

Above a changelist, Django's date hierarchy asks the (searched, filtered) queryset for its
first and last date and for the years it spans: two more scans of every matching row on
each request, after the page and the count. Here those two answers are kept under the
generation of the data (partners/freshness.py) and the query's SQL, like the count
(partners/paginators.py).
"""

from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet

from .. import freshness


class FiguresOnceMixin:
    def aggregate(self, *args, **kwargs):
        compute = super().aggregate
        key = _key(self, repr(args), repr(sorted(kwargs.items())))
        if key is None:
            return compute(*args, **kwargs)
        return freshness.cached("changelist-aggregate", key, lambda: compute(*args, **kwargs))

    def dates(self, field_name, kind, order="ASC"):
        compute = super().dates
        key = _key(self, field_name, kind, order)
        if key is None:
            return compute(field_name, kind, order)
        return freshness.cached(
            "changelist-dates", key, lambda: list(compute(field_name, kind, order))
        )


def _key(queryset, *parts):
    try:
        return (queryset.query.sql_with_params(), *parts)
    except EmptyResultSet:
        return None


_FIGURES_ONCE = {}


def with_figures_once(queryset):
    """``queryset``, its class extended by FiguresOnceMixin (one class per QuerySet class,
    so that the model's own QuerySet methods stay available)."""
    base = type(queryset)
    if base not in _FIGURES_ONCE:
        _FIGURES_ONCE[base] = type(f"FiguresOnce{base.__name__}", (FiguresOnceMixin, base), {})
    queryset.__class__ = _FIGURES_ONCE[base]
    return queryset


class CRMChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return with_figures_once(queryset) if self.date_hierarchy else queryset
