"""The admin import of company profiles, on top of django-import-export's two-step views.

django-import-export keeps what it is good at: the upload form, the permission checks
(`IMPORT_EXPORT_IMPORT_PERMISSION_CODE` → `partners.import_companyprofile`), the temporary
file between preview and confirm, and the confirm step. The per-row machinery is replaced:
the "format" hands the raw bytes through, and the resource's `import_data` runs the
set-based `partners.imports.import_profiles` and translates its outcome into a genuine
`import_export.results.Result`, so the stock views render and confirm it unchanged.
"""

import tablib
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import Format
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import InvalidRow, Result, RowResult

from .. import tasks
from ..imports import BadFile, import_profiles
from ..models import CompanyProfile
from ..resources import CompanyProfileSheetResource
from ..sheet_reader import open_sheet

PREVIEW_ROWS = 100


class RawSheet(tablib.Dataset):
    """A dataset that carries the uploaded bytes; the import service reads them itself."""

    def __init__(self, raw: bytes, headers: list):
        super().__init__(headers=[str(h) for h in headers])
        self.raw = raw

    def __bool__(self):
        return True


class SheetFormat(Format):
    """XLSX or CSV, told apart by content (people rename files)."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # Unused: the reader detects the encoding itself.

    def get_title(self):
        return "xlsx / csv"

    def get_extension(self):
        return "xlsx"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def can_import(self):
        return True

    def can_export(self):
        return False

    def create_dataset(self, in_stream):
        try:
            sheet = open_sheet(in_stream)
        except BadFile as error:
            # django-import-export shows this on the upload form.
            raise ValueError(error.message) from None
        return RawSheet(in_stream, sheet.headers)


class ProfileImportForm(ImportForm):
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"),
        required=False,
        help_text=_(
            "Import the valid rows and report the others. Otherwise one invalid row "
            "means nothing is imported."
        ),
    )


class ProfileConfirmImportForm(ConfirmImportForm):
    skip_invalid = forms.BooleanField(required=False, widget=forms.HiddenInput())


class ProfileImportResource(resources.ModelResource):
    """Delegates the whole import to the service (see the module docstring)."""

    class Meta:
        model = CompanyProfile
        fields = []

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        result = Result()
        result.diff_headers = [str(_("Row")), str(_("Company")), str(_("Changed columns"))]
        try:
            outcome = import_profiles(
                source=dataset.raw,
                filename=kwargs.get("file_name") or "",
                user=kwargs.get("user"),
                dry_run=dry_run,
                skip_invalid=bool(kwargs.get("skip_invalid")),
                preview_limit=PREVIEW_ROWS,
            )
        except BadFile as error:
            result.append_base_error(result_error(error.message))
            return result
        result.crm = outcome
        _fill_result(result, outcome)
        return result


def result_error(message: str):
    from import_export.results import Error

    return Error(ValueError(message))


TYPES = {"new": RowResult.IMPORT_TYPE_NEW, "update": RowResult.IMPORT_TYPE_UPDATE}


def _fill_result(result: Result, outcome) -> None:
    result.totals[RowResult.IMPORT_TYPE_NEW] = outcome.created
    result.totals[RowResult.IMPORT_TYPE_UPDATE] = outcome.updated
    result.totals[RowResult.IMPORT_TYPE_SKIP] = outcome.unchanged
    result.totals[RowResult.IMPORT_TYPE_INVALID] = outcome.invalid_rows
    for row in outcome.preview:
        if row.action == "error":
            continue
        row_result = RowResult()
        row_result.import_type = TYPES.get(row.action, RowResult.IMPORT_TYPE_SKIP)
        row_result.diff = [row.row, row.name, ", ".join(row.changes)]
        result.append_row_result(row_result)
    if outcome.skip_invalid:
        return  # The errors are listed by the template, and do not block the confirm step.
    by_row: dict[int, dict[str, list[str]]] = {}
    for error in outcome.errors:
        by_row.setdefault(error.row, {}).setdefault(error.column or "—", []).append(error.message)
    for number, errors in by_row.items():
        result.invalid_rows.append(InvalidRow(number, ValidationError(errors), [number]))


class ProfileImportMixin(ImportExportMixin):
    import_form_class = ProfileImportForm
    confirm_form_class = ProfileConfirmImportForm
    import_template_name = "admin/partners/companyprofile/import.html"

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["background_rows"] = settings.CRM_IMPORT_BACKGROUND_ROWS
        return context

    def import_action(self, request, **kwargs):
        # Sheets over the threshold are previewed (dry run) and imported in a worker; the
        # progress page shows the preview and the confirm button (partners.views.jobs).
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                data = b"".join(upload.chunks())
                if tasks.rows_in(data, upload.name) > settings.CRM_IMPORT_BACKGROUND_ROWS:
                    job_id = tasks.start_import(
                        data=data,
                        filename=upload.name,
                        user=request.user,
                        skip_invalid=form.cleaned_data.get("skip_invalid", False),
                    )
                    return redirect("jobs:detail", job_id=job_id)
                upload.seek(0)
        return super().import_action(request, **kwargs)

    def add_data_read_fail_error_to_form(self, form, e):
        # Our reader's message says what is wrong with the file; the stock one guesses.
        form.add_error("import_file", str(e))

    def get_import_formats(self):
        return [SheetFormat]

    def get_import_resource_classes(self, request):
        return [ProfileImportResource]

    def get_export_resource_classes(self, request):
        return [CompanyProfileSheetResource]

    def get_skip_admin_log(self):
        # Every import is recorded as an ImportRun (with what it changed) instead of one
        # LogEntry per row, which would double the work for 100,000 rows.
        return True

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["skip_invalid"] = import_form.cleaned_data.get("skip_invalid", False)
        return initial

    def get_import_data_kwargs(self, **kwargs):
        data = super().get_import_data_kwargs(**kwargs)
        form = kwargs.get("form")
        if form is not None and hasattr(form, "cleaned_data"):
            data["skip_invalid"] = form.cleaned_data.get("skip_invalid", False)
        return data

    def add_success_message(self, result, request):
        from django.contrib import messages

        outcome = getattr(result, "crm", None)
        if outcome is None and result.has_errors():
            # A file-level error at the confirm step (e.g. a concurrent import): say so.
            for error in result.base_errors:
                messages.error(request, str(error.error))
            return None
        if outcome is None:
            return super().add_success_message(result, request)
        messages.success(
            request, _("Import finished: %(summary)s.") % {"summary": outcome.summary()}
        )
