"""Profile handouts: one A4 page per company profile, in the counterpart's language."""

from django.db.models import Prefetch, QuerySet

from ..models import City, CompanyProfile, Delegation, Interest
from .render import render_pdf


def handout_profiles(profiles: QuerySet) -> QuerySet:
    """Only profiles the company agreed to share, with everything a page shows."""
    return (
        profiles.filter(consent_to_share=True)
        .select_related("organisation__city", "sector", "contact")
        .prefetch_related(
            Prefetch("interests", queryset=Interest.objects.order_by("code")),
            Prefetch("target_cities", queryset=City.objects.order_by("name")),
        )
        .order_by("organisation__name", "pk")
    )


def profiles_for_delegation(delegation: Delegation) -> QuerySet:
    """Every profile handed over, or to be handed over, on ``delegation``
    (``handouts_pdf`` keeps the shareable ones)."""
    return CompanyProfile.objects.filter(pk__in=delegation.handovers.values("profile_id"))


def handouts_pdf(profiles: QuerySet, *, language: str, delegation: Delegation | None = None):
    """One PDF with a page per profile; ``None`` when there is nothing to print."""
    profiles = list(handout_profiles(profiles))
    if not profiles:
        return None
    return render_pdf(
        "partners/documents/handouts.html",
        {"profiles": profiles, "delegation": delegation},
        language=language,
    )
