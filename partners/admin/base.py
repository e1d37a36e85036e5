"""What every back-office page of the domain shares."""

from import_export.admin import ExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm
from simple_history.admin import SimpleHistoryAdmin
from tablib import Dataset

from ..resources_export import EXPORT_RESOURCES
from ..spreadsheets import neutralise


class SafeExportMixin(ExportMixin):
    """Export of the changelist as it is filtered and searched, in XLSX or CSV only.

    Needs the ``partners.export_<model>`` permission (IMPORT_EXPORT_EXPORT_PERMISSION_CODE).
    """

    export_formats = [base_formats.XLSX, base_formats.CSV]
    export_form_class = ExportForm
    # The BOM makes Excel read the CSV as UTF-8 (umlauts, Chinese names).
    to_encoding = "utf-8-sig"

    def get_export_resource_classes(self, request):
        if self.resource_classes:
            return self.resource_classes
        return (
            [EXPORT_RESOURCES[self.model]]
            if self.model in EXPORT_RESOURCES
            else (super().get_export_resource_classes(request))
        )

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        safe = Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            safe.append([neutralise(value) for value in row])
        return safe


class CRMAdmin(SafeExportMixin, SimpleHistoryAdmin):
    list_per_page = 50
