"""Public pages: only published records reach them (DESIGN.md, publication rule)."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from ..models import City, CompanyProfile, Delegation, Memorandum


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


def home(request):
    return render(request, "partners/home.html", {})


def city_detail(request, slug):
    city = published_or_404(City.objects, slug=slug)
    return render(request, "partners/city_detail.html", {"city": city})


def delegation_list(request):
    delegations = Delegation.objects.published()
    return render(request, "partners/delegation_list.html", {"delegations": delegations})


def delegation_detail(request, slug):
    delegation = published_or_404(Delegation.objects, slug=slug)
    return render(request, "partners/delegation_detail.html", {"delegation": delegation})


def memorandum_list(request):
    memoranda = Memorandum.objects.published()
    return render(request, "partners/memorandum_list.html", {"memoranda": memoranda})


def memorandum_detail(request, slug):
    memorandum = published_or_404(Memorandum.objects, slug=slug)
    return render(request, "partners/memorandum_detail.html", {"memorandum": memorandum})


def company_list(request):
    profiles = CompanyProfile.objects.published().select_related("organisation")
    return render(request, "partners/company_list.html", {"profiles": profiles})


def company_detail(request, slug):
    profile = published_or_404(CompanyProfile.objects, slug=slug)
    return render(request, "partners/company_detail.html", {"profile": profile})
