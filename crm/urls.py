from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from partners.views import public
from partners.views import reports as report_views

urlpatterns = [
    path("healthz", public.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("files/", include("partners.urls_files")),
    path("reports/", report_views.report, name="reports"),
]

urlpatterns += i18n_patterns(
    path("", include("partners.urls")),
    prefix_default_language=True,
)
