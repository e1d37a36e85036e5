"""Uploaded files. Public photos are served to everyone; everything else needs the right
to view the record it belongs to (staff with ``view_photo`` / ``view_memorandum``).

Refusals answer 404, so that outsiders cannot probe which files exist.
"""

from django.http import FileResponse, Http404

from ..models import Memorandum, Photo


def _open_or_404(field):
    if not field:
        raise Http404
    try:
        return FileResponse(field.open("rb"))
    except FileNotFoundError:
        raise Http404 from None


def _may_view(user, permission: str) -> bool:
    return user.is_active and user.is_staff and user.has_perm(permission)


def photo_file(request, pk):
    photo = Photo.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404
    if not (photo.is_published or _may_view(request.user, "partners.view_photo")):
        raise Http404
    return _open_or_404(photo.image)


def memorandum_document(request, pk):
    # MoU documents are internal: even a published memorandum's document is not public.
    if not _may_view(request.user, "partners.view_memorandum"):
        raise Http404
    memorandum = Memorandum.objects.filter(pk=pk).first()
    if memorandum is None:
        raise Http404
    return _open_or_404(memorandum.document)
