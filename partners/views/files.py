"""Uploaded files. Public photos are served to everyone; everything else needs staff."""

from django.http import FileResponse, Http404

from ..models import Memorandum, Photo


def _open_or_404(field):
    if not field:
        raise Http404
    try:
        return FileResponse(field.open("rb"))
    except FileNotFoundError:
        raise Http404 from None


def photo_file(request, pk):
    photo = Photo.objects.filter(pk=pk).first()
    if photo is None or not (photo.is_published or request.user.is_staff):
        raise Http404
    return _open_or_404(photo.image)


def memorandum_document(request, pk):
    # MoU documents are internal: staff only, even for a published memorandum.
    if not request.user.is_staff:
        raise Http404
    memorandum = Memorandum.objects.filter(pk=pk).first()
    if memorandum is None:
        raise Http404
    return _open_or_404(memorandum.document)
