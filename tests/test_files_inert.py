"""Stored files never run in the application's origin (issue 11, point 1).

A memorandum "document" that starts with ``%PDF-`` but is an HTML page or a script is
refused; what is accepted is stored under a generated name and served with the type the
server decides, as a download, ``nosniff`` and sandboxed. Files stored before (under the
uploaded name) are served as inertly and renamed by migration 0064.
"""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from partners import models as m
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, form_errors, user_with_role
from .test_uploads import PDF, _upload_document, _upload_photo, image_bytes

pytestmark = pytest.mark.django_db

# Starts like a PDF, is a page with a script; the second one also ends like a PDF.
POLYGLOT = b"%PDF-1.4\n<html><body><script>document.title='ran'</script></body></html>\n"
POLYGLOTS = [POLYGLOT, POLYGLOT + b"trailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"]
GENERATED_DOCUMENT = re.compile(r"^memoranda/\d{4}/[0-9a-f]{32}\.pdf$")


@pytest.fixture
def officer():
    return client_for(user_with_role(TRADE_OFFICERS))


def assert_inert(response, content_type, *, private=True):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    cache_control = set(response["Cache-Control"].split(", "))
    assert ({"private", "no-store"} <= cache_control) is private


@pytest.mark.parametrize("content", POLYGLOTS)
@pytest.mark.parametrize("name", ["annex.js", "scan.html", "scan.pdf", "scan.svg"])
def test_a_pdf_prefixed_page_or_script_is_refused_as_a_document(officer, name, content):
    memorandum = f.MemorandumFactory()

    response = _upload_document(officer, memorandum, name, content)

    assert response.status_code == 200
    assert f"“{name}” is not a PDF document." in response.content.decode()
    memorandum.refresh_from_db()
    assert not memorandum.document
    assert not default_storage.exists("memoranda")


def test_a_document_is_stored_under_a_generated_name_and_served_as_a_pdf_download(officer):
    memorandum = f.MemorandumFactory(slug="mou-jining")

    response = _upload_document(officer, memorandum, "scan.html", PDF)

    assert response.status_code == 302, form_errors(response)
    memorandum.refresh_from_db()
    assert GENERATED_DOCUMENT.match(memorandum.document.name), memorandum.document.name
    served = officer.get(reverse("files:memorandum-document", args=[memorandum.pk]))
    assert_inert(served, "application/pdf")
    assert served["Content-Disposition"] == 'attachment; filename="mou-jining.pdf"'
    assert b"".join(served.streaming_content) == PDF


def test_a_page_stored_before_the_checks_is_served_as_an_inert_download(officer):
    """Written straight into storage under its uploaded name, as before uploads were checked."""
    name = default_storage.save("memoranda/2019/scan.html", ContentFile(POLYGLOT))
    memorandum = f.MemorandumFactory(slug="old-scan")
    m.Memorandum.objects.filter(pk=memorandum.pk).update(document=name)

    served = officer.get(reverse("files:memorandum-document", args=[memorandum.pk]))

    assert_inert(served, "application/pdf")
    assert served["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("image_format", "extension"), [("PNG", "png"), ("WEBP", "webp")])
def test_a_photo_is_stored_and_served_as_what_it_decodes_to(officer, image_format, extension):
    response = _upload_photo(officer, "signing.jpg", image_bytes(image_format))

    assert response.status_code == 302, form_errors(response)
    photo = m.Photo.objects.get()
    assert re.match(rf"^photos/\d{{4}}/[0-9a-f]{{32}}\.{extension}$", photo.image.name)
    served = officer.get(reverse("files:photo", args=[photo.pk]))
    assert_inert(served, f"image/{extension}")


def test_a_public_photo_may_be_cached_publicly():
    photo = f.PhotoFactory(visibility=m.Visibility.PUBLIC)
    served = client_for(None).get(reverse("files:photo", args=[photo.pk]))
    assert_inert(served, "image/jpeg", private=False)


def test_a_photo_file_that_is_no_image_is_served_as_an_inert_download(officer):
    photo = f.PhotoFactory(visibility=m.Visibility.INTERNAL)
    name = default_storage.save("photos/2019/signing.html", ContentFile(POLYGLOT))
    m.Photo.objects.filter(pk=photo.pk).update(image=name)

    served = officer.get(reverse("files:photo", args=[photo.pk]))

    assert_inert(served, "application/octet-stream")
    assert served["Content-Disposition"].startswith("attachment;")


def _png(width, height, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_photo_above_40_megapixels_is_refused_by_default(officer):
    # A few kilobytes on disk, 40,008,000 pixels once decoded.
    response = _upload_photo(officer, "huge.png", _png(8000, 5001))

    assert response.status_code == 200
    assert "at most 40 megapixels" in response.content.decode()
    assert not m.Photo.objects.exists()


def test_the_pixel_limit_follows_the_setting(officer, settings):
    settings.CRM_MAX_IMAGE_PIXELS = 20 * 20
    response = _upload_photo(officer, "small.png", _png(21, 20, "RGB"))
    assert "“small.png” has 21 × 20 pixels" in response.content.decode()
    assert not m.Photo.objects.exists()

    response = _upload_photo(officer, "small.png", _png(20, 20, "RGB"))
    assert response.status_code == 302, form_errors(response)


def test_the_migration_renames_files_stored_under_their_uploaded_names(
    django_capture_on_commit_callbacks,
):
    old_document = default_storage.save("memoranda/2019/annex.js", ContentFile(PDF))
    old_photo = default_storage.save("photos/2019/signing.html", ContentFile(image_bytes("PNG")))
    memorandum = f.MemorandumFactory()
    photo = f.PhotoFactory()
    m.Memorandum.objects.filter(pk=memorandum.pk).update(document=old_document)
    m.Photo.objects.filter(pk=photo.pk).update(image=old_photo)
    memorandum.history.update(document=old_document)
    untouched = f.PhotoFactory().image.name
    migration = importlib.import_module("partners.migrations.0064_security_generated_file_names")

    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_stored_files(apps, None)

    memorandum.refresh_from_db()
    photo.refresh_from_db()
    assert GENERATED_DOCUMENT.match(memorandum.document.name)
    assert re.match(r"^photos/2019/[0-9a-f]{32}\.png$", photo.image.name)
    assert memorandum.document.read() == PDF
    assert photo.image.read() == image_bytes("PNG")
    assert set(memorandum.history.values_list("document", flat=True)) == {memorandum.document.name}
    assert not default_storage.exists(old_document)
    assert not default_storage.exists(old_photo)
    assert m.Photo.objects.filter(image=untouched).exists()
