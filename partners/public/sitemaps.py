"""/sitemap.xml: an index of sitemap pages that list every public page, in each language,
with hreflang alternates.

The index names pages of at most PAGE_SIZE records per section, so no request renders
the whole directory: with 100,000 published companies one sitemap of everything took
seconds and grew with the database.
"""

from functools import partial

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.urls import reverse

from ..models import City, CompanyProfile, Delegation, Memorandum

PAGE_SIZE = 1500  # URLs per sitemap page: 500 records in three languages


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    limit = PAGE_SIZE

    def get_latest_lastmod(self):
        # Django's default loads every item to find the newest; the index can do without.
        return None


class StaticPagesSitemap(PublicSitemap):
    def items(self):
        return ["home", "delegations", "memoranda", "companies", "calendar", "success-stories"]

    def location(self, item):
        return reverse(f"partners:{item}")


class ItemsInLanguages:
    """The (record, language) pairs a Sitemap with ``i18n`` pages through, with only the
    requested slice loaded: Django's own list holds every record of the section. The
    languages are Django's default for a Sitemap: every one of settings.LANGUAGES."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.languages = [code for code, _name in settings.LANGUAGES]

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, index: slice):
        n = len(self.languages)
        first, last = index.start // n, -(-index.stop // n)
        pairs = [(record, code) for record in self.queryset[first:last] for code in self.languages]
        skip = index.start - first * n
        return pairs[skip : skip + index.stop - index.start]


class PublishedSitemap(PublicSitemap):
    """The published records of ``model``, by id."""

    def __init__(self, model):
        self.model = model

    @property
    def paginator(self):
        return Paginator(ItemsInLanguages(self.items()), self.limit)

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


# Sections are callables, so the views build a new sitemap for each request (a sitemap
# keeps what it last listed).
SITEMAPS = {
    "pages": StaticPagesSitemap,
    "cities": partial(PublishedSitemap, City),
    "delegations": partial(PublishedSitemap, Delegation),
    "memoranda": partial(PublishedSitemap, Memorandum),
    "companies": partial(PublishedSitemap, CompanyProfile),
}
