"""The log of spreadsheet imports, and reverting one (Administrators only)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ..import_revert import RevertRefused, revert_import
from ..models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "file_name",
        "user",
        "mode",
        "status",
        "total_rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
    ]
    list_filter = ["status", "mode"]
    list_select_related = ["user"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "started_at"
    actions = ["revert"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # Runs come from imports, never from a form.

    def has_change_permission(self, request, obj=None):
        return False

    def has_revert_permission(self, request):
        return request.user.has_perm("partners.revert_importrun")

    @admin.action(description=_("Revert the selected imports"), permissions=["revert"])
    def revert(self, request, queryset):
        for run in queryset:
            try:
                revert_import(run, user=request.user)
            except RevertRefused as refusal:
                self.message_user(request, f"{run}: {refusal.message}", messages.ERROR)
            else:
                self.message_user(
                    request, _("%(run)s was reverted.") % {"run": run}, messages.SUCCESS
                )
