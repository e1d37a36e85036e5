"""HTML → PDF in one language, with the fonts the machine has (no download)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

# The languages a document can be printed in: the public ones (DESIGN.md, Languages).
LANGUAGES = [code for code, _name in settings.LANGUAGES]


class DocumentsUnavailable(RuntimeError):
    """WeasyPrint's system libraries (Pango, HarfBuzz) are missing on this machine."""


def _weasyprint():
    try:
        import weasyprint
    except OSError as error:  # raised by cffi when Pango cannot be loaded
        raise DocumentsUnavailable(
            _(
                "PDF documents need WeasyPrint's system libraries. Install them with "
                "“make run” or “apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                "fonts-noto-cjk” and restart the server."
            )
        ) from error
    return weasyprint


def language_or_default(code: str | None) -> str:
    """The language asked for when it is one we print in, else the default (German)."""
    return code if code in LANGUAGES else settings.LANGUAGE_CODE


def render_pdf(
    template_name: str, context: dict, *, language: str, stylesheets: tuple[str, ...] = ()
) -> bytes:
    """Render ``template_name`` in ``language`` and return the PDF's bytes."""
    return render_document(
        template_name, context, language=language, stylesheets=stylesheets
    ).write_pdf()


def render_document(
    template_name: str, context: dict, *, language: str, stylesheets: tuple[str, ...] = ()
):
    """``template_name`` in ``language``, laid out as a WeasyPrint document (pages that
    ``write_pdf`` serialises; documents laid out apart can be joined by their pages).

    ``stylesheets`` are static files (``"partners/reports.css"``) linked after the
    template's own styles: a page's print styles shared with its PDF. They are linked
    from the document (author styles, which win over its ``@page`` rules), not given
    to ``write_pdf``, whose stylesheets are user styles."""
    weasyprint = _weasyprint()
    with translation.override(language):
        html = render_to_string(
            template_name,
            {
                **context,
                "language": language,
                "office_name": settings.CRM_OFFICE_NAME,
                "printed_on": timezone.localdate(),
                "stylesheets": [Path(finders.find(path)).as_uri() for path in stylesheets],
            },
        )
    # Fonts are embedded (subset) by default; the <title> becomes the PDF's title.
    return weasyprint.HTML(string=html).render()
