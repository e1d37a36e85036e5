"""Record ids from URLs and query strings: one that is not an id of the model is a client
error (404 in a URL, 400 in a query string), not a crash."""

from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.utils import (
    NotRelationField,
    build_q_object_from_lookup_parameters,
    get_fields_from_path,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import (
    BadRequest,
    FieldDoesNotExist,
    FieldError,
    PermissionDenied,
    ValidationError,
)
from django.db.models import DateField, IntegerField
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils.text import smart_split
from django.utils.translation import gettext as _

from ..dates import FIRST_YEAR, LAST_YEAR, plausible
from ..widgets import is_key

# Longer than any name or address searched for.
MAX_SEARCH_LENGTH = 300
MAX_SEARCH_WORDS = 20


def valid_id_or_404(model, value):
    """``value`` as the model's primary key, or 404 (``abc`` for an integer key)."""
    try:
        return model._meta.pk.to_python(value)
    except ValidationError:
        raise Http404 from None


def _not_an_id(name: str, value) -> BadRequest:
    return BadRequest(_("%(name)s: %(value)s is not an id") % {"name": name, "value": repr(value)})


class CheckedParametersMixin:
    """Query-string values that Django's admin uses as they are, checked first.

    The add page's initial values (``?delegation=3``) must name records by valid ids:
    the related-record widgets look them up while rendering, so ``?delegation=abc`` was
    a 500; so was any ``?starts_at=`` for a date and time. An empty ``?_to_field=`` on a
    change page asked for a field named "".
    """

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def get_search_results(self, request, queryset, search_term):
        # Each word is a condition: a pasted page of text (a thousand words) ran for half
        # a minute, then broke SQLite's limit on the query's depth; a word longer than
        # 50,000 bytes broke its LIKE. The lists, their exports and the autocompletes.
        if len(search_term) > MAX_SEARCH_LENGTH or (
            len(list(smart_split(search_term))) > MAX_SEARCH_WORDS
        ):
            raise BadRequest(
                _("A search may have at most %(words)d words and %(characters)d characters.")
                % {"words": MAX_SEARCH_WORDS, "characters": MAX_SEARCH_LENGTH}
            )
        return super().get_search_results(request, queryset, search_term)

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def permitted_object(self, request, object_id, allowed):
        """The object an admin page of our own acts on: 404 when it is missing, 403 when
        ``allowed(request, obj)`` (a ``has_*_permission``) says no."""
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not allowed(request, obj):
            raise PermissionDenied
        return obj

    def response_action(self, request, queryset, action_location=ActionLocation.CHANGE_LIST):
        # Django filters by the chosen ids as they came: ``abc``, or a number beyond the
        # column, was a 500.
        for item in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            if not is_key(self.opts.pk, item):
                raise _not_an_id(helpers.ACTION_CHECKBOX_NAME, item)
        return super().response_action(request, queryset, action_location)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in initial.items():
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not (field.concrete or field.many_to_many):  # reverse relations: no initial
                continue
            if field.is_relation:
                for item in value if isinstance(value, list) else [value]:
                    try:
                        field.target_field.to_python(item)
                    except ValidationError:
                        raise _not_an_id(name, item) from None
                continue
            # A date or time goes to its widget as a value, not as the text of the URL
            # (the split date/time widget read ``?starts_at=…`` as a datetime: a 500).
            try:
                initial[name] = field.to_python(value)
            except ValidationError as error:
                raise BadRequest(f"{name}: {value!r}: {' '.join(error.messages)}") from None
        return initial


class CheckedChangeList(ChangeList):
    """A filter parameter the list cannot apply (``?city=`` where there is no city field,
    ``?starts_at__gte=abc``) is a 400 that names it. Django redirected the list to a page
    blaming the database installation, and the export, which builds the same list, was a 500.
    """

    def get_queryset(self, request, exclude_parameters=None):
        parameters = self.get_filters_params()
        # A number beyond its column is no lookup error: SQLite cannot bind it (a 500 at the
        # first row) and PostgreSQL finds nothing. Nor is a date the forms refuse: the date
        # drill-down's end of 9999 and year 1 in UTC (before year 1 in Berlin) were 500s.
        if beyond := {
            name: values
            for name, values in parameters.items()
            if not all(_in_range(self.model, name, value) for value in values)
        }:
            raise BadRequest(_cannot_filter_by(beyond))
        try:
            return super().get_queryset(request, exclude_parameters)
        except IncorrectLookupParameters as error:
            bad = self.bad_parameters(parameters)
            raise BadRequest(_cannot_filter_by(bad) or str(error)) from None

    def bad_parameters(self, parameters: dict) -> dict:
        # The list's own filters read parameters that are no field lookups (``year``).
        own = {getattr(item, "parameter_name", None) for item in self.list_filter}
        bad = {}
        for name, values in parameters.items():
            try:
                if name not in own:
                    self.root_queryset.filter(build_q_object_from_lookup_parameters({name: values}))
            except (FieldError, ValidationError, ValueError, TypeError):
                bad[name] = values
        return bad


def _cannot_filter_by(parameters: dict) -> str:
    if not parameters:
        return ""
    named = "; ".join(f"{name}={', '.join(values)!r}"[:200] for name, values in parameters.items())
    return _("This list cannot be filtered by %(parameters)s.") % {"parameters": named}


def _in_range(model, name: str, value: str) -> bool:
    """False for a whole number beyond the range of the integer column ``name`` filters,
    and for a date or year outside the years the forms take."""
    path = name.split(LOOKUP_SEP)
    for end in range(len(path), 0, -1):  # "owner__id__in" filters the field "owner__id"
        try:
            field = get_fields_from_path(model, LOOKUP_SEP.join(path[:end]))[-1]
        except (FieldDoesNotExist, NotRelationField):
            continue
        field = field.target_field if field.is_relation else field
        parts = value.split(",")
        if isinstance(field, DateField):  # and DateTimeField
            return _plausible_dates(field, path[end:], parts)
        numbers = [part for part in parts if part.strip().lstrip("-").isdigit()]
        return not isinstance(field, IntegerField) or all(is_key(field, n) for n in numbers)
    return True


def _plausible_dates(field, lookups: list[str], values: list[str]) -> bool:
    if "year" in lookups:
        return all(v.isdigit() and FIRST_YEAR <= int(v) <= LAST_YEAR for v in values)
    if set(lookups) - {"exact", "gt", "gte", "lt", "lte", "in", "range", "date"}:
        return True  # month, day, isnull…: no year to check
    for value in values:
        try:
            plausible(field.to_python(value.strip()))
        except ValidationError as error:
            if error.code == "implausible":
                return False
    return True  # a value that is no date at all is the lookup's own error
