"""Profile handouts: one A4 page per company profile, in the counterpart's language."""

from collections.abc import Callable

from django.db.models import Prefetch, QuerySet

from ..models import City, CompanyProfile, Delegation, Interest, Shown
from .render import render_document

# Profiles laid out at a time in a batch: each reports progress.
CHUNK = 10


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
    """Every profile handed over, or to be handed over, on ``delegation``
    (``handouts_pdf`` keeps the shareable ones)."""
    return CompanyProfile.objects.filter(pk__in=delegation.handovers.values("profile_id"))


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
    profiles = list(handout_profiles(profiles))
    if not profiles:
        return None
    documents = []
    for start in range(0, len(profiles), CHUNK):
        chunk = {"profiles": profiles[start : start + CHUNK], "delegation": delegation}
        documents.append(
            render_document("partners/documents/handouts.html", chunk, language=language)
        )
        if progress is not None:
            progress(min(start + CHUNK, len(profiles)), len(profiles))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
