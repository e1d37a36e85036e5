"""Profile handouts: one A4 page per company profile, in the counterpart's language."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import translation

from ..models import (
    City,
    CompanyProfile,
    Delegation,
    Interest,
    Shown,
    TripRegistration,
    shown_text,
)
from .render import render_document

# Profiles laid out at a time in a batch: each reports progress.
CHUNK = 10

# What of the long texts fits on the page beside the facts and the contact, counted in
# half-width characters (a Chinese one counts two) and in lines. A counterpart is handed
# one sheet per company: a longer text is cut, and the page says so.
FITS = {"summary": (600, 8), "products": (400, 6)}


@dataclass
class LongText:
    text: str
    language: str | None  # the German source's, shown for a missing translation
    shortened: bool


def _fitted(profile: CompanyProfile, field: str) -> LongText:
    width, lines = FITS[field]
    text, language = shown_text(profile, field)
    full = "\n".join(line.rstrip() for line in text.strip().splitlines())
    kept, used = [], 0
    for char in "\n".join(full.splitlines()[:lines]):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > width:
            break
        kept.append(char)
    short = "".join(kept)
    if short == full:
        return LongText(full, language, False)
    return LongText(short.rstrip(" ,;.\n") + "…", language, True)


@dataclass
class Handout:
    profile: CompanyProfile
    summary: LongText
    products: LongText

    @property
    def shortened(self) -> bool:
        return self.summary.shortened or self.products.shortened

    @property
    def contact(self):
        """The contact person, unless erased on request: a counterpart would read the
        placeholder "anonymised" as the person to write to."""
        contact = self.profile.contact
        return None if contact is None or contact.anonymised_at else contact


def handout_profiles(profiles: QuerySet) -> QuerySet:
    """Only profiles the company agreed to share, with everything a page shows."""
    return (
        profiles.filter(consent_to_share=True)
        .select_related("organisation__city", "sector", "contact")
        .prefetch_related(
            Prefetch("interests", queryset=Interest.objects.order_by("code")),
            Prefetch("target_cities", queryset=City.objects.order_by(Shown("name").asc())),
        )
        .order_by(Shown("organisation__name").asc(), "pk")
    )


def profiles_for_delegation(delegation: Delegation) -> QuerySet:
    """Every profile handed over on ``delegation``, or to be handed over: those of the
    companies accepted for it, printed before the trip (``handouts_pdf`` keeps the
    shareable ones)."""
    travelling = delegation.registrations.filter(status=TripRegistration.Status.ACCEPTED)
    return CompanyProfile.objects.filter(
        Q(pk__in=delegation.handovers.values("profile_id"))
        | Q(pk__in=travelling.values("profile_id"))
    )


def fitted_handouts(profiles: QuerySet) -> list[Handout]:
    """Each profile with its long texts cut to fit its one page (active language)."""
    return [
        Handout(p, _fitted(p, "summary"), _fitted(p, "products"))
        for p in handout_profiles(profiles)
    ]


def handouts_pdf(
    profiles: QuerySet,
    *,
    language: str,
    delegation: Delegation | None = None,
    progress: Callable[[int, int], None] | None = None,
):
    """One PDF with a page per profile; ``None`` when there is nothing to print.

    Laid out CHUNK profiles at a time (each page stands alone), so that ``progress``
    hears of every chunk: a large batch in the worker shows how far it is."""
    with translation.override(language):
        handouts = fitted_handouts(profiles)
    if not handouts:
        return None
    documents = []
    for start in range(0, len(handouts), CHUNK):
        chunk = {"handouts": handouts[start : start + CHUNK], "delegation": delegation}
        documents.append(
            render_document("partners/documents/handouts.html", chunk, language=language)
        )
        if progress is not None:
            progress(min(start + CHUNK, len(handouts)), len(handouts))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
