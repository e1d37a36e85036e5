"""/sitemap.xml: every public page, in each language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import City, CompanyProfile, Delegation, Memorandum


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(PublicSitemap):
    def items(self):
        return ["partners:home", "partners:delegations", "partners:memoranda", "partners:companies"]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(PublicSitemap):
    model = None

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class CitySitemap(PublishedSitemap):
    model = City


class DelegationSitemap(PublishedSitemap):
    model = Delegation


class MemorandumSitemap(PublishedSitemap):
    model = Memorandum


class CompanySitemap(PublishedSitemap):
    model = CompanyProfile


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "cities": CitySitemap,
    "delegations": DelegationSitemap,
    "memoranda": MemorandumSitemap,
    "companies": CompanySitemap,
}
