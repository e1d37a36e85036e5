"""The changelist of CRMAdmin: the date hierarchy's figures once per generation of the data.

Above a changelist, Django's date hierarchy asks the (searched, filtered) queryset for its
first and last date and for the years it spans: two more scans of every matching row on
each request, after the page and the count. Here those two answers are kept under the
generation of the data (partners/freshness.py) and the query's SQL, like the count
(partners/paginators.py).
"""

from django.contrib.admin.views.main import ChangeList

from .. import freshness


class FiguresOnceMixin:
    def aggregate(self, *args, **kwargs):
        compute = super().aggregate
        return freshness.cached_for_query(
            "changelist-aggregate",
            self,
            lambda: compute(*args, **kwargs),
            repr(args),
            repr(sorted(kwargs.items())),
        )

    def dates(self, field_name, kind, order="ASC"):
        compute = super().dates
        return freshness.cached_for_query(
            "changelist-dates",
            self,
            lambda: list(compute(field_name, kind, order)),
            field_name,
            kind,
            order,
        )


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
