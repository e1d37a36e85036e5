"""Uploaded documents and photos: type by content, size limit, permission-checked serving."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from partners import models as m
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, user_with_role

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


def image_bytes(image_format) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), "#c00").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def officer():
    return client_for(user_with_role(TRADE_OFFICERS))


def _upload_document(client, memorandum, name, content):
    url = reverse("admin:partners_memorandum_change", args=[memorandum.pk])
    data = change_form_data(client, url)
    data["document"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(url, data)


def test_a_pdf_document_is_stored_and_served_back_to_staff(officer):
    memorandum = f.MemorandumFactory()
    response = _upload_document(officer, memorandum, "mou-jining.pdf", PDF)
    assert response.status_code == 302, form_errors(response)
    memorandum.refresh_from_db()
    file_url = reverse("files:memorandum-document", args=[memorandum.pk])
    served = officer.get(file_url)
    assert b"".join(served.streaming_content) == PDF
    # The change page links to the checked view, never to a raw media URL.
    page = officer.get(reverse("admin:partners_memorandum_change", args=[memorandum.pk]))
    assert f'href="{file_url}"' in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("mou.pdf", b"<html><script>alert(1)</script></html>"),
        ("mou.pdf", image_bytes("PNG")),
        ("mou.docx", b"PK\x03\x04 not a pdf"),
    ],
)
def test_a_document_that_is_not_a_pdf_is_refused_whatever_its_name(officer, name, content):
    memorandum = f.MemorandumFactory()
    response = _upload_document(officer, memorandum, name, content)
    assert response.status_code == 200
    assert f"“{name}” is not a PDF document." in response.content.decode()
    memorandum.refresh_from_db()
    assert not memorandum.document


def test_a_document_over_the_size_limit_is_refused_with_the_limit(officer, settings):
    settings.CRM_UPLOAD_MAX_BYTES = 1024
    memorandum = f.MemorandumFactory()
    response = _upload_document(officer, memorandum, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 200
    assert "files may be at most 1.0\xa0KB" in response.content.decode()


def _upload_photo(client, name, content):
    delegation = f.DelegationFactory()
    data = {
        "image": SimpleUploadedFile(name, content),
        "caption_de": "MoU Unterzeichnung in Jining, China",
        "delegation": delegation.pk,
        "visibility": "internal",
    }
    return client.post(reverse("admin:partners_photo_add"), data)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_photos_are_accepted(officer, image_format):
    content = image_bytes(image_format)
    # The name says JPEG for all three: the content decides.
    response = _upload_photo(officer, "signing.jpg", content)
    assert response.status_code == 302, form_errors(response)
    photo = m.Photo.objects.get()
    served = officer.get(reverse("files:photo", args=[photo.pk]))
    assert b"".join(served.streaming_content) == content
    assert photo.logged_by is not None


@pytest.mark.parametrize(
    ("name", "content"),
    [("signing.jpg", image_bytes("GIF")), ("signing.jpg", PDF), ("signing.png", b"\x89PNG no")],
)
def test_other_files_are_refused_as_photos(officer, name, content):
    response = _upload_photo(officer, name, content)
    assert response.status_code == 200
    assert not m.Photo.objects.exists()
    assert "image" in form_errors(response).lower()


def test_public_photos_are_public_and_internal_ones_need_the_right_to_view_them():
    public = f.PhotoFactory(visibility=m.Visibility.PUBLIC)
    internal = f.PhotoFactory(visibility=m.Visibility.INTERNAL)
    anonymous = client_for(None)
    staff_without_rights = client_for(user_with_role(None))
    manager = client_for(user_with_role(MANAGERS))

    assert anonymous.get(reverse("files:photo", args=[public.pk])).status_code == 200
    assert anonymous.get(reverse("files:photo", args=[internal.pk])).status_code == 404
    assert staff_without_rights.get(reverse("files:photo", args=[internal.pk])).status_code == 404
    assert manager.get(reverse("files:photo", args=[internal.pk])).status_code == 200


def test_memorandum_documents_need_the_right_to_view_memoranda():
    memorandum = f.MemorandumFactory(
        visibility=m.Visibility.PUBLIC, document=SimpleUploadedFile("mou.pdf", PDF)
    )
    url = reverse("files:memorandum-document", args=[memorandum.pk])
    assert client_for(None).get(url).status_code == 404
    assert client_for(user_with_role(None)).get(url).status_code == 404
    response = client_for(user_with_role(MANAGERS)).get(url)
    assert b"".join(response.streaming_content) == PDF


def test_a_photo_of_nothing_is_refused_once_with_the_reason(officer):
    data = {
        "image": SimpleUploadedFile("signing.png", image_bytes("PNG")),
        "caption_de": "MoU Unterzeichnung in Jining, China",
        "visibility": "internal",
    }
    response = officer.post(reverse("admin:partners_photo_add"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("A photo belongs to a delegation, a memorandum or a meeting.") == 1
    assert not m.Photo.objects.exists()


def test_resaving_a_memorandum_leaves_its_stored_document_unjudged(officer):
    # Stored before the checks existed; the form checks only what is uploaded now.
    name = default_storage.save("memoranda/2019/scan.html", ContentFile(b"<html></html>"))
    memorandum = f.MemorandumFactory()
    m.Memorandum.objects.filter(pk=memorandum.pk).update(document=name)
    url = reverse("admin:partners_memorandum_change", args=[memorandum.pk])

    response = officer.post(url, {**change_form_data(officer, url), "title_de": "Neu"})

    assert response.status_code == 302, form_errors(response)
    memorandum.refresh_from_db()
    assert memorandum.document.name == name


def test_the_photo_inline_of_a_delegation_checks_the_upload(officer):
    delegation = f.DelegationFactory()
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = change_form_data(officer, url)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and k.startswith("photos"))
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    data |= {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-image": SimpleUploadedFile("signing.jpg", PDF),
        f"{prefix}-0-caption_de": "Unterzeichnung",
        f"{prefix}-0-visibility": "internal",
    }

    response = officer.post(url, data)

    assert response.status_code == 200
    assert "“signing.jpg” is not a JPEG, PNG or WebP image." in form_errors(response)
    assert not m.Photo.objects.exists()
