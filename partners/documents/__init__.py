"""Printed documents (PDF) made from HTML templates by WeasyPrint.

Service package: it reads models and renders bytes; the admin serves them.
"""

from .briefing import briefing_pdf, counterpart_count
from .handouts import handout_profiles, handouts_pdf, profiles_for_delegation
from .render import LANGUAGES, DocumentsUnavailable, language_or_default, render_pdf

__all__ = [
    "LANGUAGES",
    "DocumentsUnavailable",
    "briefing_pdf",
    "counterpart_count",
    "handout_profiles",
    "handouts_pdf",
    "language_or_default",
    "profiles_for_delegation",
    "render_pdf",
]
