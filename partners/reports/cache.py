"""Report figures kept until the next write to a table they read.

Cached query results (django-cachalot) still leave every request to build and compile
some 300 conditional counts and to add up their rows (0.2–0.4 s a report at demo scale
100). The figures are kept whole instead, keyed by what was asked and by cachalot's
``get_last_invalidation`` of the app's tables (the use its documentation gives, as for
the home page's map): any write ends them, in every process sharing the cache. Each kind
of record's counts are kept apart, and read no other kind's records (their partner city
and day are kept on them: ``places``): logging a meeting leaves the handovers' counts.
"""

import hashlib
from collections.abc import Callable

from cachalot.api import get_last_invalidation
from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from ..models import MemorandumParty
from .queries import KEPT, Criteria


def _tables(model) -> list:
    """A model's table, its many-to-many tables' and its history's (each save writes one)."""
    models = [model, *(field.remote_field.through for field in model._meta.many_to_many)]
    return [*models, *(m.history.model for m in models if hasattr(m, "history"))]


# The tables of each kind of record whose partner city and day are kept on it.
RECORD_TABLES = {kind: _tables(model) for kind, model in KEPT.items()}
RECORD_TABLES["memoranda"] += _tables(MemorandumParty)
# Kinds whose criteria read another kind's records (follow-ups of an organisation: those
# of the memoranda it signed; a handover's or follow-up's trip may be its meeting's, a
# follow-up's its opportunity's, which may be its handover's).
READS = {"follow_ups": {"memoranda", "meetings", "handovers"}, "handovers": {"meetings"}}


def until_next_write(name: str, asked: tuple, compute: Callable, kind: str = ""):
    """``compute()``'s value for ``asked`` (plain values: dates, ids, strings). A new
    ``name`` when the value's shape changes: a shared cache may still hold the old one.
    ``kind``: the kind of record (``queries.KINDS``) the value counts, which writes to the
    other kinds' records leave."""
    tables = set(apps.get_app_config("partners").get_models(include_auto_created=True))
    for other, models in RECORD_TABLES.items():
        if kind and other != kind and other not in READS.get(kind, ()):
            tables -= set(models)
    described = repr((get_last_invalidation(*sorted(tables, key=str)), asked))
    key = f"report-{name}:{hashlib.sha256(described.encode()).hexdigest()}"
    return cache.get_or_set(key, compute, settings.CACHALOT_TIMEOUT)


def asked_by(c: Criteria) -> tuple:
    """What a report's ``Criteria`` select, as plain values for ``asked``."""
    cities = c.partner_cities
    return (
        c.start,
        c.end,
        c.today,
        c.home_city and c.home_city.pk,
        None if cities is None else sorted(cities.values_list("pk", flat=True)),
        c.direction,
        c.organisation and c.organisation.pk,
    )
