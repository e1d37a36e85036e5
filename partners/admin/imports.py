"""The admin import of company profiles: the upload form, its template; the rest is the job's page.

django-import-export's import views are not used: their resource would do the row work one
`save()` at a time (the set-based `partners.imports` is 100× faster), and wrapping our
importer in its `Result` made two previews and two confirms. Every upload becomes a `Job`,
whose page (`partners.admin.job_pages`) shows the preview and the one confirm button, whether
its dry run ran in the request or in the worker. The export keeps django-import-export.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .. import tasks
from ..imports.reader import BadFile
from ..imports.sheet import COLUMNS
from .import_template import template_response
from .pages import page_context
from .resources import CompanyProfileSheetResource


class ProfileImportForm(forms.Form):
    import_file = forms.FileField(label=_("File to import"))
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"),
        required=False,
        help_text=_(
            "Import the valid rows and report the others. Otherwise one invalid row "
            "means nothing is imported."
        ),
    )


class ProfileImportMixin:
    # django-import-export's object tools: its export link, and the import link to our view.
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    resource_classes = [CompanyProfileSheetResource]

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("partners.import_companyprofile")

    def get_urls(self):
        view, name = self.admin_site.admin_view, "partners_companyprofile_import"
        return [
            path("import/", view(self.import_view), name=name),
            path("import-template.xlsx", view(self.import_template_view), name=f"{name}_template"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        bound = request.method == "POST"
        form = ProfileImportForm(request.POST if bound else None, request.FILES if bound else None)
        if bound and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                job = tasks.start_import(
                    data=b"".join(upload.chunks()),
                    filename=upload.name,
                    user=request.user,
                    skip_invalid=form.cleaned_data["skip_invalid"],
                )
            except BadFile as error:
                form.add_error("import_file", error.message)
            else:
                return redirect("jobs:detail", job_id=job.pk)
        context = {
            **page_context(self, request, _("Import company profiles")),
            "form": form,
            "columns": COLUMNS,
            "background_rows": settings.CRM_IMPORT_BACKGROUND_ROWS,
        }
        return TemplateResponse(request, "admin/partners/companyprofile/import.html", context)

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        return template_response(request.GET.get("lang", "de"))
