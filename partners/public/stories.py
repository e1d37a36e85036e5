"""Public success stories: won opportunities that have been published.

Only ``Opportunity.objects.success_stories()`` (published and won) reaches these pages; the
partner city and organisations of a story are named only when published themselves, and
the realised jobs and investment only when the record says they may be shown
(``figures_public``; the template checks it).
"""

from django.shortcuts import render

from ..models import Opportunity, Shown
from . import datasets
from .opendata import download
from .views import paginated


def success_story_list(request):
    # Every column shown, in the one query of the page (the count aside).
    stories = (
        Opportunity.objects.success_stories()
        .select_related("partner_city", "local_organisation", "foreign_organisation")
        .order_by("-won_on", Shown("title"))
    )
    if file := download(request, datasets.SUCCESS_STORIES, stories):
        return file
    return render(request, "partners/success_story_list.html", paginated(request, stories))
