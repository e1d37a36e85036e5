"""What every back-office page of the domain shares: forms that refuse lost updates
(versions.py), "delete own" for records one logged, visibility changed only by the publishing
actions (actions.py), reverting for Administrators only, and autocompletes that take a
tampered value as an invalid choice."""

from django.contrib import messages
from django.contrib.admin import ActionLocation, TabularInline, helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from ..dates import plausible
from ..publishing import may_publish
from ..widgets import AutocompleteSelect, AutocompleteSelectMultiple, KeysMultipleChoiceField
from .actions import publish, request_publication, unpublish
from .ids import CheckedParametersMixin, valid_id_or_404
from .list_filters import MissingTranslationFilter
from .ordering import ShownOrderChangeList
from .search import SubquerySearchMixin
from .site_links import public_url
from .streaming import StreamingExportMixin
from .versions import VERSION_FIELD, HistoryDisplay, VersionCheckedForm, VersionCheckedFormSet
from .widgets import UnixLineEndsTextarea, served_file_widget


def _has_field(model, name) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _perm(opts, action) -> str:
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def may_delete(user, obj) -> bool:
    """Full delete right, or "delete own" for a record the user logged."""
    return user.has_perm(_perm(obj._meta, "delete")) or (
        user.has_perm(_perm(obj._meta, "delete_own")) and obj.logged_by_id == user.pk
    )


class ReadOnlyMixin:
    """Records the application writes (jobs, import runs, stage changes): read, never a form."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionFieldMixin:
    """The hidden version field for users who may change the record; stored files linked
    to the permission-checked file views."""

    form = VersionCheckedForm
    formfield_overrides = {models.TextField: {"widget": UnixLineEndsTextarea}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if widget := served_file_widget(db_field):
            kwargs["widget"] = widget
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and field is not None:  # and DateTimeField
            field.validators.append(plausible)
        return field

    def get_fields(self, request, obj=None):
        # Abstract base fields come first in a model; "visibility" reads better last.
        fields = list(super().get_fields(request, obj))
        if "visibility" in fields and self.fields is None:
            fields.append(fields.pop(fields.index("visibility")))
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != VERSION_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and self.has_change_permission(request, obj):
            name, options = fieldsets[-1]
            fieldsets[-1] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
        return fieldsets


class AutocompleteMixin:
    """``autocomplete_fields`` with widgets that show a tampered value as an invalid choice
    (partners/widgets.py), where Django's fail to render the page; and many-to-many fields
    that refuse a value which cannot be a key before looking it up."""

    def _autocomplete(self, widget, db_field, request, kwargs) -> None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = widget(db_field, self.admin_site, using=kwargs.get("using"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._autocomplete(AutocompleteSelect, db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeysMultipleChoiceField)
        self._autocomplete(AutocompleteSelectMultiple, db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class WithdrawalNoticeMixin:
    """Tells the editor that saving took the record off the public site: the model's clean()
    withdraws it when its rule no longer allows it (a person's basis, a company's consent)."""

    withdrawal_reason = ""  # the model's rule, as its message says it

    def save_model(self, request, obj, form, change):
        was_public = change and type(obj).objects.published().filter(pk=obj.pk).exists()
        super().save_model(request, obj, form, change)
        if was_public and not obj.is_published:
            # The catalogues' message names any record as "person".
            withdrawn = _("%(person)s is no longer shown on the public site.") % {"person": obj}
            messages.warning(request, f"{withdrawn} {self.withdrawal_reason}")


class OwnedDeletionMixin:
    """ "Delete own": the ``delete_own_<model>`` right covers records one logged oneself."""

    def _logs_owner(self) -> bool:
        return _has_field(self.model, "logged_by")

    def _may_delete_own(self, request) -> bool:
        return self._logs_owner() and request.user.has_perm(_perm(self.opts, "delete_own"))


class CRMAdmin(
    CheckedParametersMixin,
    SubquerySearchMixin,
    StreamingExportMixin,
    AutocompleteMixin,
    VersionFieldMixin,
    OwnedDeletionMixin,
    SimpleHistoryAdmin,
):
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return ShownOrderChangeList

    def action_checkbox(self, obj):
        # Django's markup, without rendering a form widget's template for every row: that
        # was a third of a 50-row changelist's time (bench_scale flags the city and
        # partnership lists without it: 5 rows at N=1, 50 at N=100).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or (
            self._may_delete_own(request) and (obj is None or obj.logged_by_id == request.user.pk)
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            # Made on saving (models.base.SluggedMixin), not by a script typing along.
            field.help_text = _("Left blank, it is made from the German name or title.")
        return field

    def has_publish_permission(self, request):
        return may_publish(request.user)

    def has_request_publication_permission(self, request):
        # The full change right; Managers' "change status" on follow-ups is not enough.
        return request.user.has_perm(_perm(self.opts, "change")) and not may_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Who logged a record is stamped on save; its visibility changes only by publishing.
        stamped = [name for name in ("logged_by", "visibility") if _has_field(self.model, name)]
        return [*super().get_readonly_fields(request, obj), *stamped]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if _has_field(model, "visibility"):
            self.actions = [*(self.actions or []), publish, unpublish, request_publication]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # Bulk delete would also take records logged by others.
        if not request.user.has_perm(_perm(self.opts, "delete")):
            actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change and self._logs_owner() and not obj.logged_by_id:
            obj.logged_by = request.user
        if getattr(request, "crm_version", None):
            # A revert saves an older state as the newest version, never an old number.
            obj.version = type(obj)._default_manager.get(pk=obj.pk).version
        elif change and not form.has_changed():
            return  # only rows below were edited: the page's record keeps its version
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            instance = row.instance
            if instance._state.adding and _has_field(type(instance), "logged_by"):
                instance.logged_by = instance.logged_by or request.user
        super().save_formset(request, form, formset, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "crm_version", None):
            form = type(form.__name__, (form,), {"check_version": False})
        return form

    def view_on_site(self, obj):
        # No link to a page that does not exist for the public (and would name the slug).
        return public_url(obj)

    def history_view(self, request, object_id, extra_context=None):
        valid_id_or_404(self.model, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDisplay(self.model, historical_record)

    def history_view_title(self, request, obj):
        # As simple_history's, from our catalogues: its German one lacks "View history".
        if self.revert_disabled(request, obj):
            return _("View history: %(record)s") % {"record": obj}
        return _("Change history: %(record)s") % {"record": obj}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        valid_id_or_404(self.model, unquote(object_id))
        valid_id_or_404(self.model.history.model, version_id)
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        # The version being restored, for get_form and save_model (and the local times'
        # clock then, slot_times.py).
        request.crm_version = self.model.history.filter(history_id=version_id).first()
        return super().history_form_view(request, object_id, version_id, extra_context)


class TranslatedAdmin(TranslationAdmin):
    """The languages of a translated field side by side (``name [de]``, ``name [en]``,
    ``name [zh-hans]``); published records can be listed by a missing translation."""

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if _has_field(self.model, "visibility"):
            filters.append(MissingTranslationFilter)
        return filters


class CRMInline(AutocompleteMixin, VersionFieldMixin, OwnedDeletionMixin, TabularInline):
    extra = 0
    formset = VersionCheckedFormSet

    def get_queryset(self, request):
        # The records its autocompletes show, read with the rows: the rows' forms hand them
        # to their widgets (VersionCheckedForm), where Django looks them up row by row.
        queryset = super().get_queryset(request)
        fields = [
            self.model._meta.get_field(name) for name in self.get_autocomplete_fields(request)
        ]
        # select_related() without names would follow every link (and is deprecated).
        if links := [field.name for field in fields if not field.many_to_many]:
            queryset = queryset.select_related(*links)
        return queryset.prefetch_related(*[field.name for field in fields if field.many_to_many])

    def get_readonly_fields(self, request, obj=None):
        # Rows of a record's page (meetings, photos) are published there by a publisher.
        fields = super().get_readonly_fields(request, obj)
        if _has_field(self.model, "visibility") and not may_publish(request.user):
            return [*fields, "visibility"]
        return fields

    def has_delete_permission(self, request, obj=None):
        # ``obj`` is the parent record; the row itself is checked in the formset.
        return super().has_delete_permission(request, obj) or self._may_delete_own(request)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not self._logs_owner():
            return formset

        class OwnRowsOnlyFormSet(formset):
            def clean(self):
                super().clean()
                refused = [
                    str(row.instance)
                    for row in self.deleted_forms
                    if row.instance.pk and not may_delete(request.user, row.instance)
                ]
                if refused:
                    raise ValidationError(
                        _("You may only delete records you logged yourself: %(records)s")
                        % {"records": ", ".join(refused)}
                    )

        return OwnRowsOnlyFormSet
