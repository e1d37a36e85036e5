"""django-axes' lockout page under the back office's header (AXES_LOCKOUT_CALLABLE).

Axes renders its template with its own context only, so the admin's base template fell
back to "Django administration"; the admin site's context brings the product's header."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    context = {**admin.site.each_context(request), "cooloff_timedelta": get_cool_off(request)}
    return render(
        request, "partners/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
