"""PDF documents on the profile and delegation pages (staff only; partners.documents)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import documents, tasks
from ..models import CompanyProfile, Job
from .pages import page_context
from .rights import allowed, links


def asked_language(request, default: str | None) -> str:
    """The language ``?lang=`` asks a document in, else ``default``'s; a language we do
    not print in is refused by name, not printed in German unasked."""
    # Language tags are case-insensitive: "zh-Hans" is how most people write ours.
    written = request.GET.get("lang", "")
    asked = written.lower()
    if asked and asked not in documents.LANGUAGES:
        raise BadRequest(
            _("lang: %(value)s is not one of %(languages)s")
            % {"value": repr(written), "languages": ", ".join(documents.LANGUAGES)}
        )
    return documents.language_or_default(asked or default)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentViewsMixin:
    """Document views, each called with the object and the language to print in:
    404 when the object is missing, 403 without the rights its name declares
    (``rights.REQUIRED``), and back to its change page when PDFs cannot be made here."""

    def _document_view(self, document):
        def view(request, object_id):
            obj = self.permitted_object(request, object_id, allowed(document.__name__))
            language = asked_language(request, get_language())
            try:
                return document(request, obj, language)
            except documents.DocumentsUnavailable as error:
                return self._back(request, obj, str(error))

        return self.admin_site.admin_view(view)

    def render_change_form(self, request, context, *args, **kwargs):
        # The change page links only the pages and documents the user may open.
        context["may"] = links(request.user)
        return super().render_change_form(request, context, *args, **kwargs)

    def _back(self, request, obj, message):
        self.message_user(request, message, messages.ERROR)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk)


class ProfileDocumentsMixin(DocumentViewsMixin):
    def get_urls(self):
        view = self._document_view(self.handout)
        name = "partners_companyprofile_handout"
        return [path("<path:object_id>/handout.pdf", view, name=name), *super().get_urls()]

    def handout(self, request, profile, language):
        if not profile.consent_to_share:
            return self._back(
                request,
                profile,
                _("No handout: the company has not consented to sharing its profile."),
            )
        profiles = CompanyProfile.objects.filter(pk=profile.pk)
        pdf = documents.handouts_pdf(profiles, language=language)
        return pdf_response(pdf, f"handout-{profile.slug}-{language}.pdf")


class DelegationDocumentsMixin(DocumentViewsMixin):
    def get_urls(self):
        view, route = self._document_view, "<path:object_id>/"
        return [
            path(f"{route}handouts.pdf", view(self.handouts), name="partners_delegation_handouts"),
            path(f"{route}briefing.pdf", view(self.briefing), name="partners_delegation_briefing"),
            *super().get_urls(),
        ]

    def _in_background(self, request, delegation, language, kind: Job.Kind, title, why: str):
        """A large document is printed by the worker: GET offers the button saying ``why``,
        its POST starts the job (GET never writes)."""
        if request.method == "POST":
            job = tasks.start_document(
                kind=kind, delegation=delegation, language=language, user=request.user
            )
            return redirect("jobs:detail", job_id=job.pk)
        context = {
            **page_context(self, request, title),
            "original": delegation,
            "language": language,
            "why": why,
        }
        template = "admin/partners/delegation/document_background.html"
        return TemplateResponse(request, template, context)

    def handouts(self, request, delegation, language):
        """The trip's handouts in one PDF, from the worker for a large batch."""
        if tasks.handouts_in_background(delegation):
            why = _(
                "This trip's handouts have more than %(limit)s company profiles: they are "
                "printed in the background, and you can download the PDF from its progress "
                "page."
            ) % {"limit": settings.CRM_DOCUMENT_BACKGROUND_PROFILES}
            return self._in_background(
                request, delegation, language, Job.Kind.DOCUMENTS, _("Handouts"), why
            )
        profiles = documents.profiles_for_delegation(delegation)
        pdf = documents.handouts_pdf(profiles, language=language, delegation=delegation)
        if pdf is None:
            return self._back(
                request, delegation, _("No shareable profile is handed over on this trip yet.")
            )
        return pdf_response(pdf, f"handouts-{delegation.slug}-{language}.pdf")

    def briefing(self, request, delegation, language):
        """The trip's briefing, from the worker for a trip with many counterparts."""
        if tasks.briefing_in_background(delegation):
            why = _(
                "This trip's briefing has more than %(limit)s counterparts: it is printed in "
                "the background, and you can download the PDF from its progress page."
            ) % {"limit": settings.CRM_DOCUMENT_BACKGROUND_COUNTERPARTS}
            return self._in_background(
                request, delegation, language, Job.Kind.BRIEFING, _("Briefing (PDF)"), why
            )
        pdf = documents.briefing_pdf(delegation, language=language)
        return pdf_response(pdf, f"briefing-{delegation.slug}-{language}.pdf")
