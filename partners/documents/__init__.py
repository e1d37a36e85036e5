"""Printed documents (PDF) made from HTML templates by WeasyPrint.

Service package: it reads models and renders bytes; the admin serves them.
"""

from .briefing import briefing_pdf, counterpart_count
from .handouts import handout_profiles, handouts_pdf, profiles_for_delegation
from .render import DocumentsUnavailable, asked_language, language_or_default, render_pdf

__all__ = [
    "DocumentsUnavailable",
    "asked_language",
    "briefing_pdf",
    "counterpart_count",
    "handout_profiles",
    "handouts_pdf",
    "language_or_default",
    "profiles_for_delegation",
    "render_pdf",
]
