"""The log of spreadsheet imports, and reverting one (Administrators only).

Reverting always shows what it will undo first and asks for a confirmation, whether it
is started from a run's own page or with the list's action.
"""

from contextlib import suppress

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..imports.revert import RevertRefused, newest_first, revert_import, revert_preview
from ..models import ImportRun
from .base import ReadOnlyMixin
from .ids import CheckedParametersMixin
from .pages import page_context


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyMixin, CheckedParametersMixin, admin.ModelAdmin):
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

    def has_revert_permission(self, request):
        return request.user.has_perm("partners.revert_importrun")

    def get_urls(self):
        view = self.admin_site.admin_view(self.revert_view)
        return [
            path("<int:pk>/revert/", view, name="partners_importrun_revert"),
            *super().get_urls(),
        ]

    def revert_view(self, request, pk):
        """The run's own "Revert…" button: what it will undo, then the confirmation."""
        if not self.has_revert_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        if request.method == "POST":
            self._revert(request, [run])
            return redirect("admin:partners_importrun_change", run.pk)
        return self._confirmation(request, [run])

    @admin.action(description=_("Revert the selected imports"), permissions=["revert"])
    def revert(self, request, queryset):
        if request.POST.get("post") != "yes":
            return self._confirmation(request, list(queryset))
        self._revert(request, queryset)
        return None

    def _confirmation(self, request, runs):
        # Each run is judged as _revert will meet it: after the later ones selected with it
        # are reverted. Those reverts are rolled back; the page writes nothing.
        previews, ordered = [], newest_first(runs)
        with transaction.atomic():
            for run in ordered:
                previews.append(preview := revert_preview(run))
                if run is not ordered[-1] and not preview.refusal:
                    with suppress(RevertRefused):
                        revert_import(run, user=request.user)
            transaction.set_rollback(True)
        context = {
            **page_context(self, request, ngettext("Revert import?", "Revert imports?", len(runs))),
            "previews": previews,
            "action": bool(request.POST.get("action")),
        }
        return TemplateResponse(request, "admin/partners/importrun/revert.html", context)

    def _revert(self, request, runs) -> None:
        for run in newest_first(runs):
            try:
                revert_import(run, user=request.user)
            # Each message begins with a word, not the file name: the admin capitalises
            # a message's first letter ("Imp1.xlsx" for imp1.xlsx).
            except RevertRefused as refusal:
                self.message_user(
                    request,
                    _("Import %(run)s: %(reason)s") % {"run": run, "reason": refusal.message},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request, _("Import %(run)s was reverted.") % {"run": run}, messages.SUCCESS
                )
