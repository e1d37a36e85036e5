"""Record ids from URLs and query strings: one that is not an id of the model is a client
error (404 in a URL, 400 in a query string), not a crash."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import (
    BadRequest,
    FieldDoesNotExist,
    FieldError,
    PermissionDenied,
    ValidationError,
)
from django.http import Http404
from django.utils.translation import gettext as _


def valid_id_or_404(model, value):
    """``value`` as the model's primary key, or 404 (``abc`` for an integer key)."""
    try:
        return model._meta.pk.to_python(value)
    except ValidationError:
        raise Http404 from None


class CheckedParametersMixin:
    """Query-string values that Django's admin uses as they are, checked first.

    The add page's initial values (``?delegation=3``) must name records by valid ids:
    the related-record widgets look them up while rendering, so ``?delegation=abc`` was
    a 500; so was any ``?starts_at=`` for a date and time. An empty ``?_to_field=`` on a
    change page asked for a field named "".
    """

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

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
                        raise BadRequest(
                            _("%(name)s: %(value)s is not an id")
                            % {"name": name, "value": repr(item)}
                        ) from None
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
        try:
            return super().get_queryset(request, exclude_parameters)
        except IncorrectLookupParameters as error:
            raise BadRequest(self.bad_parameters() or str(error)) from None

    def bad_parameters(self) -> str:
        # The list's own filters read parameters that are no field lookups (``year``).
        own = {getattr(item, "parameter_name", None) for item in self.list_filter}
        bad = []
        for name, values in self.get_filters_params().items():
            try:
                if name not in own:
                    self.root_queryset.filter(build_q_object_from_lookup_parameters({name: values}))
            except (FieldError, ValidationError, ValueError, TypeError):
                bad.append(f"{name}={', '.join(values)!r}"[:200])
        return (
            _("This list cannot be filtered by %(parameters)s.") % {"parameters": "; ".join(bad)}
            if bad
            else ""
        )
