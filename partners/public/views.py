"""Public pages: only published records reach them (DESIGN.md, publication rule).

A page's own record comes through ``published_or_404``, related records through
``published()`` ``Prefetch`` querysets, and a to-one relation from ``select_related`` is
shown only when its ``is_published`` is true. Templates follow no other relation, so
neither an unpublished record nor an extra query per row can slip in.
"""

from collections import Counter

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from ..middleware import STAFF_PATHS
from ..models import (
    City,
    CompanyProfile,
    Delegation,
    DelegationMember,
    FollowUp,
    Meeting,
    Memorandum,
    Opportunity,
    Organisation,
    Person,
    Photo,
    Shown,
    Visibility,
)
from ..registration import open_for_registration
from . import datasets, worldmap
from .datasets import published_parties, published_partnerships, published_stops
from .filters import CompanyFilter, DelegationFilter, MemorandumFilter
from .opendata import download

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@never_cache
def bad_request(request, exception):
    """400: the page says which parameter was wrong. Django's own 400 page shows no reason,
    so a ``BadRequest("year: '0' is not a year")`` reached the user as a bare "Bad Request".
    Any other 400 (a disallowed host, a suspicious request) gets Django's bare answer: the
    pages would read the very host or user that made the request bad (a 500), and its
    text would name settings."""
    if not isinstance(exception, BadRequest):
        return HttpResponseBadRequest("<h1>Bad Request (400)</h1>")
    reason = str(exception)
    if request.path.startswith(STAFF_PATHS):  # the back office's page, with its way back
        context = {**admin.site.each_context(request), "reason": reason}
        return render(request, "admin/400.html", context, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def published_or_404(queryset, **lookup):
    """The one way a public view loads a single record."""
    return get_object_or_404(queryset.published(), **lookup)


def print_origin_css(request):
    """The site's origin for print.css, which writes link targets out as absolute URLs
    (CSS cannot know the host; no inline style under the strict CSP)."""
    origin = f"{request.scheme}://{request.get_host()}"
    response = HttpResponse(f':root {{ --site: "{origin}"; }}\n', content_type="text/css")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /reports/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def favicon(request):
    # Asked for by browsers showing a response without HTML of its own: a PDF, a feed.
    return HttpResponsePermanentRedirect(static("partners/favicon.svg"))


# Shared by the list pages ------------------------------------------------------------


def paginated(request, queryset) -> dict:
    """One page of ``queryset`` and the query string its links keep; ``per_page`` is capped
    and bad numbers fall back."""
    try:
        per_page = min(max(int(request.GET.get("per_page", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        per_page = PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return {"page": page, "query": query.urlencode()}


def _list_page(request, template, filter_class, queryset, dataset):
    """A filtered, paginated public list, or its open-data file when ``?format=`` asks."""
    filterset = filter_class(request.GET or None, queryset=queryset)
    if file := download(request, dataset, filterset.qs):
        return file
    return render(request, template, {"filter": filterset, **paginated(request, filterset.qs)})


# Home ---------------------------------------------------------------------------------


def home(request):
    if file := download(request, datasets.PARTNERSHIPS, published_partnerships()):
        return file
    context = {
        # Called by the template only when its cached copy is out of date.
        "partnership_map": _partnership_map,
        "map_cache_seconds": settings.CACHALOT_TIMEOUT,
        "latest_delegations": Delegation.objects.published().select_related("origin_city")[:5],
        "counts": _home_counts(),
    }
    return render(request, "partners/home.html", context)


def _tell_namesakes_apart(partnerships) -> None:
    """Two cities of one name among the partnerships shown (Birmingham in GB and in the US)
    are named with their countries, as ``named`` shows a city read ``with_namesakes()``;
    only published cities count."""
    cities = [city for p in partnerships for city in (p.home_city, p.partner_city)]
    names = Counter({city.pk: city.name_de for city in cities}.values())
    for city in cities:
        city.namesake = names[city.name_de] > 1


def _partnership_map() -> str:
    partnerships = list(published_partnerships().select_related("home_city", "partner_city"))
    _tell_namesakes_apart(partnerships)
    cities = {p.home_city for p in partnerships} | {p.partner_city for p in partnerships}
    cities |= set(City.objects.published().filter(is_home=True))
    context = {
        "map": worldmap.build_map(sorted(cities, key=lambda c: c.name), partnerships),
        "map_width": worldmap.WIDTH,
        "map_height": worldmap.HEIGHT,
        "partnerships": partnerships,
    }
    return render_to_string("partners/home.html#partnership-map", context)


def _home_counts() -> dict:
    return {
        "partner_cities": City.objects.published()
        .filter(partnered_with__in=published_partnerships())
        .distinct()
        .count(),
        "delegations": Delegation.objects.published().count(),
        "memoranda_in_force": Memorandum.objects.published().in_force().count(),
        "companies": CompanyProfile.objects.published().count(),
    }


# Cities -------------------------------------------------------------------------------


def city_detail(request, slug):
    return _city_page(request, published_or_404(City.objects, slug=slug))


def _city_page(request, city, **extra):
    partnerships = (
        published_partnerships()
        .filter(Q(home_city=city) | Q(partner_city=city))
        .select_related("home_city", "partner_city")
    )
    shown_partnerships = list(partnerships)
    _tell_namesakes_apart(shown_partnerships)
    memoranda = (
        Memorandum.objects.published()
        .concerning(city, partnerships.order_by().values("pk"))
        .select_related("delegation")
    )
    delegations = (
        Delegation.objects.published()
        .to_or_from(city)
        .select_related("origin_city")
        .order_by("start_date", Shown("title"))
    )
    context = {
        "city": city,
        "partnerships": shown_partnerships,
        "memoranda": memoranda,
        "delegations": delegations,
        "organisations": Organisation.objects.published().filter(city=city),
        **extra,
        # Published and won (stories.py); organisations shown only when published.
        "success_stories": Opportunity.objects.success_stories()
        .filter(partner_city=city)
        .select_related("local_organisation", "foreign_organisation")
        .order_by("-won_on", Shown("title")),
    }
    return render(request, "partners/city_detail.html", context)


# Delegations --------------------------------------------------------------------------


def delegation_list(request):
    queryset = Delegation.objects.published().select_related("origin_city")
    template = "partners/delegation_list.html"
    return _list_page(request, template, DelegationFilter, queryset, datasets.DELEGATIONS)


def _delegation_report_queryset():
    published_orgs = Organisation.objects.published()
    return (
        Delegation.objects.select_related("origin_city", "lead_organisation")
        .annotate(profiles_handed_over=Count("handovers__profile", distinct=True))
        .prefetch_related(
            Prefetch("stops", published_stops()),
            Prefetch(
                "members",
                DelegationMember.objects.filter(person__in=Person.objects.published())
                .select_related("person")
                .order_by("role", "pk"),
            ),
            Prefetch("supporting_organisations", published_orgs),
            Prefetch(
                "meetings",
                Meeting.objects.published()
                .select_related("city")
                .prefetch_related(Prefetch("organisations", published_orgs))
                .order_by("date", "pk"),
            ),
            Prefetch("memoranda", Memorandum.objects.published().select_related("signed_in")),
            Prefetch("follow_ups", FollowUp.objects.published()),
            Prefetch("photos", Photo.objects.published()),
        )
    )


def delegation_detail(request, slug):
    return _delegation_page(request, published_or_404(_delegation_report_queryset(), slug=slug))


def _delegation_page(request, delegation, **extra):
    context = {
        "delegation": delegation,
        # The count covers every profile (DESIGN.md: the one public aggregate); names and
        # recipients come only from published records.
        "recipients": Organisation.objects.published()
        .filter(received_profiles__delegation=delegation)
        .distinct(),
        "published_profiles": CompanyProfile.objects.published()
        .filter(handovers__delegation=delegation)
        .select_related("organisation")
        .distinct(),
        **extra,
        "registration_open": open_for_registration(delegation),
    }
    return render(request, "partners/delegation_detail.html", context)


# Memoranda ----------------------------------------------------------------------------


def memorandum_list(request):
    queryset = Memorandum.objects.published().select_related(
        "signed_in", "delegation", "partnership__partner_city", "partnership__home_city"
    )
    template = "partners/memorandum_list.html"
    return _list_page(request, template, MemorandumFilter, queryset, datasets.MEMORANDA)


def _memorandum_page_queryset():
    return Memorandum.objects.select_related(
        "signed_in", "delegation", "partnership__home_city", "partnership__partner_city"
    ).prefetch_related(
        Prefetch("parties", published_parties()),
        Prefetch("follow_ups", FollowUp.objects.published()),
        Prefetch("photos", Photo.objects.published()),
    )


def memorandum_detail(request, slug):
    return _memorandum_page(request, published_or_404(_memorandum_page_queryset(), slug=slug))


def _memorandum_page(request, memorandum, **extra):
    return render(request, "partners/memorandum_detail.html", {"memorandum": memorandum, **extra})


# Company directory --------------------------------------------------------------------


def _company_page_queryset():
    return CompanyProfile.objects.select_related("organisation", "sector").prefetch_related(
        "interests", Prefetch("target_cities", City.objects.published())
    )


def company_list(request):
    queryset = _company_page_queryset().published()
    template = "partners/company_list.html"
    return _list_page(request, template, CompanyFilter, queryset, datasets.COMPANIES)


def company_detail(request, slug):
    return _company_page(request, published_or_404(_company_page_queryset(), slug=slug))


def _company_page(request, profile, **extra):
    return render(request, "partners/company_detail.html", {"profile": profile, **extra})


# Preview (staff only) -----------------------------------------------------------------

# model name -> (the page's queryset before the published() filter, the page)
_PREVIEWS = {
    "city": (City.objects.all, _city_page),
    "delegation": (_delegation_report_queryset, _delegation_page),
    "memorandum": (_memorandum_page_queryset, _memorandum_page),
    "companyprofile": (_company_page_queryset, _company_page),
}


@never_cache
def preview(request, model_name, pk):
    """A record's public page as the public would see it once the record is published.

    Only the record itself is taken as published: everything it links to is shown only
    if published, exactly as on the public page. Staff with the right to view the record
    only; the page says it is a preview and asks search engines not to index it.
    """
    if model_name not in _PREVIEWS:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not (request.user.is_staff and request.user.has_perm(f"partners.view_{model_name}")):
        raise PermissionDenied
    queryset, page = _PREVIEWS[model_name]
    record = get_object_or_404(queryset(), pk=pk)
    record.visibility = Visibility.PUBLIC  # in memory only: the page as it will be
    response = page(request, record, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
