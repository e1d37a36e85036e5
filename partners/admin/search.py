"""Admin search that stays fast on big tables.

Django ORs ``icontains`` lookups, and one through a relation (``organisation__name``) is a
JOIN: an OR across joined tables leaves PostgreSQL no index to use, so it reads every row of
both. Here a lookup through a relation is a subquery on the related table, answered by its
trigram index (migration 0060), and the fields of one term are combined as
``id IN (branch UNION ALL branch …)``: an OR of subqueries is planned as full scans, where
each branch of the UNION uses its own index.

A name kept folded (``FoldedField``: "Müller" as "muller") is matched folded wherever a
search reaches it ("Muller" finds a meeting with Müller GmbH).
"""

from django.conf import settings
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal
from modeltranslation.utils import build_localized_fieldname

from ..models import is_translated
from ..models.folding import FoldedField, fold, folded_fields


def _contains(model, path: str, term: str) -> Q:
    """``path__icontains=term``; a translated field matches in any of its languages (the
    ORM would read only the active one: an English search would miss German-only names);
    a name kept folded (``FoldedField``: "Łukosz" as "lukosz") matches the term folded too."""
    field = get_fields_from_path(model, path)[-1]
    # A term that is all accents folds to nothing, which every row contains.
    folded = fold(term) or term
    if isinstance(field, FoldedField):
        return Q(**{f"{path}__icontains": folded})
    prefix, sep, name = path.rpartition("__")
    names = (
        [build_localized_fieldname(name, code) for code, _name in settings.LANGUAGES]
        if is_translated(model, path)
        else [name]
    )
    condition = Q()
    for each in names:
        condition |= Q(**{f"{prefix}{sep}{each}__icontains": term})
    for twin in folded_fields(field.model):
        if twin.source == field.name:
            condition |= Q(**{f"{prefix}{sep}{twin.name}__icontains": folded})
    return condition


def _search_q(model, path: str, term: str) -> Q:
    head, _, rest = path.partition("__")
    if rest:
        field = model._meta.get_field(head)
        if _is_forward(field):
            related = field.related_model._default_manager.filter(
                _search_q(field.related_model, rest, term)
            )
            return Q(**{f"{head}__in": related.values("pk")})
        if field.one_to_many or field.many_to_many:
            return Q(pk__in=_matching_ids(model, path, term))
    return _contains(model, path, term)


def _matching_ids(model, path: str, term: str):
    """The ids of ``model``'s rows where ``path`` contains ``term``, as a one-column query."""
    head, _, rest = path.partition("__")
    if rest:
        field = model._meta.get_field(head)
        if field.one_to_many:
            # A reverse foreign key (a delegation's stops): the ids of the parents of the
            # matching children, which also lists each parent once.
            children = field.related_model._default_manager.filter(
                _search_q(field.related_model, rest, term)
            )
            return children.order_by().values(field.field.attname)
        if field.many_to_many:
            # Through the link table only: the matching related ids, then who links them.
            related = field.related_model._default_manager.filter(
                _search_q(field.related_model, rest, term)
            )
            rows = model._default_manager.filter(**{f"{head}__in": related.values("pk")})
            return rows.order_by().values("pk")
    return model._default_manager.filter(_search_q(model, path, term)).order_by().values("pk")


def _is_forward(field) -> bool:
    return bool(field.concrete and (field.many_to_one or field.one_to_one))


def _reaches(model, path: str, *, reverse: bool) -> bool:
    """True when ``path`` reaches its column through forward foreign keys and many-to-many
    relations only (it can be tested on each row of a scan in list order: a subquery or
    EXISTS per row), or with ``reverse`` also through reverse foreign keys (_search_q
    makes them subqueries: no duplicates in the list)."""
    head, _, rest = path.partition("__")
    if not rest:
        return True
    field = model._meta.get_field(head)
    return (
        _is_forward(field) or field.many_to_many or (reverse and field.one_to_many)
    ) and _reaches(field.related_model, rest, reverse=reverse)


def _terms(search_term: str):
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        yield bit


def _on_each_row(model, path: str, term: str) -> Q:
    """``_contains``, tested on each row read: through forward foreign keys and
    many-to-many relations (``_reaches`` without ``reverse``) as a correlated subquery,
    which PostgreSQL runs for the rows it reads, where a JOIN lets it hash every row of the
    related table first."""
    head, _, rest = path.partition("__")
    if not rest:
        return _contains(model, path, term)
    field = model._meta.get_field(head)
    related = field.related_model
    matching = related._default_manager.filter(_on_each_row(related, rest, term))
    if field.many_to_many:
        # From this row through the link table (its index leads with this row's id). Not
        # EXISTS: PostgreSQL hashes that, joining every match to all its rows first (meetings
        # by "GmbH": 101,050 rows at scale 100); a first row (LIMIT 1) it asks row by row.
        matching = matching.filter(**{field.remote_field.name: OuterRef("pk")})
    else:
        matching = matching.filter(pk=OuterRef(head))
    return Q(IsNull(Subquery(matching.order_by().values("pk")[:1]), False))


# A term is "common" when at least COMMON_HITS of the newest SAMPLE_ROWS rows match it
# (1 in 100), or when more than RARE_MATCHES rows do: see get_search_results.
SAMPLE_ROWS, COMMON_HITS = 1000, 10
RARE_MATCHES = 500


class SearchPaginator(Paginator):
    """A search's pages, its matches counted up to ``limit`` + 1: counting every match of a
    common word ("GmbH": a third of all companies) grows with the table. ``more``: there
    are more than ``limit``; the templates then say "more than 1,000 results"."""

    def __init__(self, object_list, per_page, *args, limit: int, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.limit = limit

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.limit + 1].count()

    @property
    def more(self) -> bool:
        return self.count > self.limit


class SubquerySearchMixin:
    search_count_limit = 1000

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if not request.GET.get(SEARCH_VAR):
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        # Counted past the page asked for too, so that "next page" reaches every match.
        try:
            page = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page = 1  # as the changelist reads it
        limit = max(self.search_count_limit, page * per_page)
        return SearchPaginator(queryset, per_page, orphans, allow_empty_first_page, limit=limit)

    def get_search_results(self, request, queryset, search_term):
        """Each term as ``id IN (… UNION ALL …)``, answered by the trigram indexes, when it
        is rare. A common term ("GmbH": a third of all companies) would make that set, and
        its sort by the list's order, grow with the table: it is tested on each row instead
        (``_on_each_row``), which PostgreSQL does while reading the rows in the list's
        order (an index on it) and stops at the end of the page. Whether a term is common
        is told by the newest SAMPLE_ROWS rows (a cost that does not grow with the table),
        else by fetching up to RARE_MATCHES + 1 matching ids, which then filter the rare."""
        fields = [str(field) for field in self.get_search_fields(request)]
        # A field with a prefix ("^name"): Django's search.
        if not (search_term and fields) or not all(
            field[:1] not in "^=@" and _reaches(self.model, field, reverse=True) for field in fields
        ):
            return super().get_search_results(request, queryset, search_term)
        all_direct = all(_reaches(self.model, path, reverse=False) for path in fields)
        for term in _terms(search_term):
            first, *others = [_matching_ids(self.model, path, term) for path in fields]
            matching = first.union(*others, all=True) if others else first
            if all_direct:
                on_each_row = Q()
                for path in fields:
                    on_each_row |= _on_each_row(self.model, path, term)
                ids = self._rare_matches(on_each_row, matching)
                if ids is None:
                    queryset = queryset.filter(on_each_row)
                    continue
                matching = ids
            queryset = queryset.filter(pk__in=matching)
        return queryset, False

    def _rare_matches(self, on_each_row: Q, matching) -> list | None:
        """The ids of a rare term's matches (``matching``: their query), None for a
        common term."""
        rows = self.model._default_manager.order_by("-pk")
        # The newest rows as a range of ids: with ``pk IN (newest)`` PostgreSQL may test
        # every row of the table first (a delegation's stops: 600 ms at scale 100).
        oldest = rows.values_list("pk", flat=True)[SAMPLE_ROWS - 1 : SAMPLE_ROWS]
        sample = rows.filter(on_each_row, pk__gte=Coalesce(Subquery(oldest), 0))
        if sample[:COMMON_HITS].count() >= COMMON_HITS:
            return None
        ids = [row["pk"] for row in matching.order_by()[: RARE_MATCHES + 1]]
        return None if len(ids) > RARE_MATCHES else ids
