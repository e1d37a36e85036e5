"""The admin's "view on site" links lead only to published records the user may view.

Django's shortcut (/admin/r/<content type>/<id>/) redirects any staff user to a record's
public URL, which names its slug, also for internal records and for models the user may
not see; crm/urls.py routes the shortcut here instead.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect


def public_url(obj) -> str | None:
    """The public page of ``obj``, when it has one that anybody may see."""
    if not getattr(obj, "is_published", False) or not hasattr(obj, "get_absolute_url"):
        return None
    # A form shown again with errors holds what was typed: a blank slug, made on saving,
    # has no page yet.
    if hasattr(obj, "slug") and not obj.slug:
        return None
    return obj.get_absolute_url()


@admin.site.admin_view
def view_on_site(request, content_type_id, object_id):
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        model_admin = admin.site.get_model_admin(model)
    except (ValueError, ContentType.DoesNotExist, NotRegistered):
        raise Http404 from None
    obj = model_admin.get_object(request, unquote(object_id))
    url = obj is not None and model_admin.has_view_permission(request, obj) and public_url(obj)
    if not url:
        raise Http404
    return HttpResponseRedirect(url)
