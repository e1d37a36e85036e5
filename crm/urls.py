from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from partners.admin import report_page, site_links
from partners.public import opendata
from partners.public import views as public
from partners.public.sitemaps import SITEMAPS
from partners.urls import files_urls, jobs_urls

urlpatterns = [
    path("healthz", public.healthz, name="healthz"),
    # Before the admin's own shortcut: only published records the user may view.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        site_links.view_on_site,
        name="view-on-site",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("files/", include(files_urls)),
    path("jobs/", include(jobs_urls)),
    path("robots.txt", public.robots_txt, name="robots"),
    path("favicon.ico", public.favicon),
    path("print-origin.css", public.print_origin_css, name="print-origin"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("reports/", report_page.report, name="reports"),
    path("opendata/catalog.jsonld", opendata.catalog, name="opendata-catalog"),
    path("opendata/schemas/<slug:name>.json", opendata.schema, name="opendata-schema"),
]

urlpatterns += i18n_patterns(
    path("", include("partners.urls")),
    prefix_default_language=True,
)

handler400 = public.bad_request
