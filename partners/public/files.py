"""Uploaded files. Public photos are served to everyone; everything else needs the right
to view the record it belongs to (staff with ``view_photo`` / ``view_memorandum``).

Refusals answer 404, so that outsiders cannot probe which files exist.

Every file is served inert, whatever it holds (also files stored before uploads were
checked): with the type the server decides, never one guessed from the stored name,
``nosniff`` so that browsers keep to that type, and a sandboxing CSP so that even a file
opened as a page runs no script in the application's origin. Documents are downloads.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..models import Memorandum, Photo
from ..uploads import PDF_TYPE, PHOTO_TYPES, photo_format


def _open_or_404(field):
    if not field:
        raise Http404
    try:
        return field.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def _inert(response, *, private: bool):
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, the CSP middleware leaves it as it is.
    response["Content-Security-Policy"] = "sandbox"
    # Staff files stay out of every cache (a shared computer's browser too), as the
    # admin's documents; public photos may be cached a little while (a withdrawn photo
    # disappears from caches within that time).
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=600"
    return response


def _may_view(user, permission: str) -> bool:
    return user.is_active and user.is_staff and user.has_perm(permission)


def photo_file(request, pk):
    photo = get_object_or_404(Photo, pk=pk)
    # Public only when the photo and the records it belongs to are published.
    public = Photo.objects.published().filter(pk=pk).exists()
    if not (public or _may_view(request.user, "partners.view_photo")):
        raise Http404
    file = _open_or_404(photo.image)
    image_format = photo_format(file)
    if image_format is None:
        # Not a photo we accept (a file stored before uploads were checked): a download.
        response = FileResponse(
            file,
            as_attachment=True,
            filename=f"photo-{photo.pk}.bin",
            content_type="application/octet-stream",
        )
    else:
        response = FileResponse(file, content_type=PHOTO_TYPES[image_format][0])
    return _inert(response, private=not public)


def memorandum_document(request, pk):
    # MoU documents are internal: even a published memorandum's document is not public.
    if not _may_view(request.user, "partners.view_memorandum"):
        raise Http404
    memorandum = get_object_or_404(Memorandum, pk=pk)
    response = FileResponse(
        _open_or_404(memorandum.document),
        as_attachment=True,
        filename=f"{memorandum.slug}.pdf",
        content_type=PDF_TYPE,
    )
    return _inert(response, private=True)
