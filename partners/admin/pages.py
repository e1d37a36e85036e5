"""Admin pages and downloads of our own: the admin's frame (confirmations, boards, forms),
and files to save."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_context(model_admin, request, title) -> dict:
    """The context every admin page needs: the site's (sidebar, header), title and model."""
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
    }


def attachment(content, filename: str, content_type: str) -> HttpResponse:
    """``content`` as a file the browser saves under ``filename``."""
    headers = {"Content-Disposition": content_disposition_header(True, filename)}
    return HttpResponse(content, content_type=content_type, headers=headers)
