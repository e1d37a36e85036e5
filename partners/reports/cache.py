"""Report figures kept until the next write to any of this app's tables.

Cached query results (django-cachalot) still leave every request to build and compile
some 300 conditional counts and to add up their rows (0.2–0.4 s a report at demo scale
100). The figures are kept whole instead, keyed by what was asked and by cachalot's
``get_last_invalidation`` of the app's tables (the use its documentation gives, as for
the home page's map): any write ends them, in every process sharing the cache.
"""

import hashlib
from collections.abc import Callable

from cachalot.api import get_last_invalidation
from django.apps import apps
from django.conf import settings
from django.core.cache import cache


def until_next_write(name: str, asked: tuple, compute: Callable):
    """``compute()``'s value for ``asked`` (plain values: dates, ids, strings). A new
    ``name`` when the value's shape changes: a shared cache may still hold the old one."""
    tables = apps.get_app_config("partners").get_models(include_auto_created=True)
    described = repr((get_last_invalidation(*tables), asked))
    key = f"report-{name}:{hashlib.sha256(described.encode()).hexdigest()}"
    return cache.get_or_set(key, compute, settings.CACHALOT_TIMEOUT)


def ids(queryset) -> list[int] | None:
    """A queryset's ids, in order, for ``asked``; None stays None."""
    return None if queryset is None else sorted(queryset.values_list("pk", flat=True))
