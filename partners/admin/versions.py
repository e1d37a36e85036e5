"""No lost updates: a change form carries the version it was loaded with.

Every model has ``version`` (incremented on each save, TimeStampedModel). The form sends
the version back as a hidden field; if the record was saved by someone else in between,
the save is refused and the message lists what they changed (from the history), so
nothing of their save is lost and the user can re-apply their own edit on the new data.
"""

import dataclasses
import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router, transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet, model_to_dict
from django.template.defaultfilters import yesno
from django.utils.formats import date_format
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from ..dates import local_day_and_times
from ..models import clauses, is_translated
from ..validators import no_control_characters
from ..widgets import KeysOnly

VERSION_FIELD = "loaded_version"
# Fields that change on every save and say nothing to the reader.
_NOISE = {"version", "updated_at", "created_at"}


class HistoryDisplay(HistoricalRecordContextHelper):
    """A history page's changes with an empty value shown as "–", as in the refusals
    below, not as "None" (a translated field's first text read "None → Trip")."""

    def context_for_delta_changes(self, delta):
        # Empty either way (None before, "" from the form) is no change: not "– → –".
        changes = [c for c in delta.changes if _display(c.old) != _display(c.new)]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if field.choices or isinstance(value, bool | datetime.date | DeletedObject):
            return _display(value, field)  # "in talks", "ja", "09.03.2026", as the form
        return "–" if value is None or value == "" else value


def _display(value, field=None) -> str:
    if isinstance(value, DeletedObject) and value.pk is None:
        value = None  # a link left empty, which simple_history calls "Deleted city (pk=None)"
    if field is not None and field.choices and value not in (None, ""):
        # A stage or status as the form names it ("in talks"), not its code ("in_talks").
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime.datetime):
        # On the office's clock, as "when", with its offset: a meeting's city may differ.
        return local_day_and_times(value, None, get_current_timezone())
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return yesno(value)
    return "–" if value in (None, "") else str(value)


def changes_since(instance, version: int | None, shown=None) -> str:
    """For a message, each field changed after ``version``: who, when, field, old → new;
    ``shown(record, field, value)`` reads a value of the version ``record`` (_display)."""
    shown = shown or (lambda record, field, value: _display(value, field))
    history = instance.history.filter(version__gt=version or 0).select_related("history_user")
    # A translated field's original column repeats its German one ("name [de]").
    model = type(instance)
    excluded = _NOISE | {f.name for f in model._meta.fields if is_translated(model, f.name)}
    lines = []
    for record in history.order_by("history_date", "history_id"):
        previous = record.prev_record
        if previous is None:
            continue
        delta = record.diff_against(previous, excluded_fields=excluded, foreign_keys_are_objs=True)
        for change in delta.changes:
            field = instance._meta.get_field(change.field)
            old, new = shown(previous, field, change.old), shown(record, field, change.new)
            if old == new:
                continue  # empty either way (None before, "" from the form): no change
            lines.append(
                _("%(user)s, %(when)s: %(field)s “%(old)s” → “%(new)s”")
                % {
                    "user": record.history_user or _("someone"),
                    "when": date_format(localtime(record.history_date), "SHORT_DATETIME_FORMAT"),
                    "field": field.verbose_name,
                    "old": old,
                    "new": new,
                }
            )
    return clauses(lines) or _("(none recorded)")


def _their_changes(form) -> str:
    return changes_since(form.instance, form.cleaned_data.get(VERSION_FIELD), form.shown_then)


class VersionCheckedForm(forms.ModelForm):
    """The base form of every back-office change form and inline row."""

    loaded_version = forms.IntegerField(
        label=gettext_lazy("version"), widget=forms.HiddenInput, required=False
    )
    # Reverting to a historical version deliberately saves an older state.
    check_version = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As the import refuses them: a vertical tab pasted from Word made the Atom feed
        # answer 500 and went raw into the ICS feed and the PDFs.
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(no_control_characters)
        if self.instance.pk:
            self.initial[VERSION_FIELD] = self.instance.version
            if self.is_bound:
                self._compare_with_the_version_seen()
            else:
                self._show_chosen_records()

    def _show_chosen_records(self):
        """Its autocompletes show the records of its instance (read with the rows of an
        inline, CRMInline.get_queryset) instead of looking each up again."""
        for name, field in self.fields.items():
            # Within the admin's wrapper that adds the "+" and edit links.
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, KeysOnly) and name in self.initial:
                related = getattr(self.instance, name)
                if widget.allow_multiple_selected:
                    widget.chosen = list(related.all())
                else:
                    widget.chosen = [related] if related else []

    def _compare_with_the_version_seen(self):
        """A form posted from an older version is compared with that version, so a row
        or page left as it was is not taken as undoing what someone else saved since."""
        try:
            loaded = int(self.data.get(self.add_prefix(VERSION_FIELD)))
        except (TypeError, ValueError):
            return
        if loaded == self.instance.version:
            return
        if seen := self.instance.history.filter(version=loaded).first():
            shown = [name for name in self.fields if name != VERSION_FIELD]
            self.initial.update(model_to_dict(seen.instance, fields=shown))

    def shown_then(self, record, field, value) -> str:
        """A value of the version ``record``, for the refusal of a stale save."""
        return _display(value, field)

    def has_changed(self):
        # The version goes back as it came: only the fields say whether the user edited.
        return any(name != VERSION_FIELD for name in self.changed_data)

    def add_error(self, field, error):
        # A model rule may name a field this form shows read-only (visibility changes only
        # by publishing): its message then stands above the form instead of raising.
        if field is None and hasattr(error, "error_dict"):
            shown = {}
            for name, errors in error.error_dict.items():
                shown.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(
                    errors
                )
            error = ValidationError(shown)
        super().add_error(field, error)

    def is_stale(self) -> bool:
        """Whether someone else saved the record after the user opened the page."""
        return self.cleaned_data.get(VERSION_FIELD) != self._current_version()

    def _current_version(self):
        model = type(self.instance)
        queryset = model._default_manager.filter(pk=self.instance.pk)
        # Inside the admin's transaction the row stays locked until the save commits,
        # so two saves cannot both pass this check (SQLite locks the whole database).
        if not transaction.get_autocommit(router.db_for_write(model)):
            queryset = queryset.select_for_update()
        return queryset.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if not (self.instance.pk and self.check_version and self.has_changed()):
            return cleaned_data
        loaded = cleaned_data.get(VERSION_FIELD)
        current = self._current_version()
        if current is None:
            raise forms.ValidationError(
                _("This record was deleted by someone else in the meantime."), code="deleted"
            )
        if loaded != current:
            raise forms.ValidationError(
                _(
                    "Not saved: someone else saved this record after you opened it. "
                    "Their changes: %(changes)s. Reload the page to see the current "
                    "version, then apply your changes again."
                )
                % {"changes": _their_changes(self)},
                code="stale",
            )
        return cleaned_data


class VersionCheckedFormSet(BaseInlineFormSet):
    """The rows of a page: a row deleted by someone else in the meantime cannot be saved,
    and one changed by someone else cannot be deleted, as a stale row cannot be saved."""

    def clean(self):
        super().clean()
        pk = self.model._meta.pk.name
        problems, seen = [], set()
        for form in self.initial_forms:
            deleting = self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME)
            if form.instance.pk is not None and form.instance.pk in seen:
                # Not from a page the site sent: both rows would write one record.
                problems.append(
                    _("Two rows of “%(rows)s” name the same record. Reload the page.")
                    % {"rows": self.model._meta.verbose_name_plural}
                )
            seen.add(form.instance.pk)
            if form.instance.pk is None and not deleting and self._elsewhere(form):
                # Not from a page the site sent: Django would drop the row unsaved.
                problems.append(
                    _("A row of “%(rows)s” is not one of this record's. Reload the page.")
                    % {"rows": self.model._meta.verbose_name_plural}
                )
            elif form.instance.pk is None and pk in form.errors and not deleting:
                problems.append(
                    _(
                        "A row of “%(rows)s” was deleted by someone else in the meantime. "
                        "Reload the page to see the current rows, then apply your changes again."
                    )
                    % {"rows": self.model._meta.verbose_name_plural}
                )
            elif deleting and form.instance.pk and form.is_stale():
                problems.append(
                    _(
                        "Not deleted: someone else changed “%(record)s” after you opened it. "
                        "Their changes: %(changes)s. Reload the page, then decide again."
                    )
                    % {"record": form.instance, "changes": _their_changes(form)}
                )
        if problems:
            raise ValidationError(problems)

    def _elsewhere(self, form) -> bool:
        """Whether the row's posted id is a record that exists, of another parent (one of
        this parent's would be the form's instance)."""
        key = form.cleaned_data.get(self.model._meta.pk.name)
        return key is not None and key.pk is not None
