"""Checks for typed text (control characters, marks that reverse its direction) and for
uploaded files. An upload's type is read from the content, never from the name.

A file called ``report.pdf`` that holds an HTML page, or ``photo.jpg`` that holds a script,
is refused here, because the file view serves stored files back to browsers.

The checks are form fields' validators: a form field sees a new upload as an
``UploadedFile`` and returns the stored file untouched when nothing new was chosen
(``forms.FileField.clean``), so re-saving a record never re-reads the files it already has.
The model fields below hand every model form (the admin, its inlines) those form fields.
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .uploads import NOT_AN_IMAGE, PDF_TYPE, PHOTO_TYPES, rewound

# Control characters (tab and line breaks aside): PostgreSQL refuses NUL in text, XML 1.0
# (the Atom feed) cannot hold any, and calendars, PDFs and spreadsheets print them raw.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible marks that turn the direction text reads in ("\u202eevil" shows as "live"): a
# visitor could make a name look like another company's. Arabic and Hebrew need none.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def control_character(text: str) -> str:
    """What is wrong with ``text`` if it holds a control character; empty if nothing."""
    if found := CONTROL.search(text):
        return _("contains the control character U+%(code)04X") % {"code": ord(found[0])}
    return ""


def no_control_characters(value: str):
    if problem := control_character(value):
        raise ValidationError(problem, code="control_characters")


def no_direction_controls(value: str):
    if DIRECTION_CONTROLS.search(value):
        raise ValidationError(
            _("Please remove the invisible characters that reverse the direction of the text."),
            code="direction_controls",
        )


def validate_size(value):
    limit = settings.CRM_UPLOAD_MAX_BYTES
    if value.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s."),
            code="file_too_large",
            params={
                "name": value.name,
                "size": filesizeformat(value.size),
                "limit": filesizeformat(limit),
            },
        )


def validate_pdf(value):
    validate_size(value)
    with rewound(value) as file:
        head = file.read(1024)
    # The PDF header must come first; readers tolerate a little leading junk, we do not.
    # Beyond the header, the file must parse as a PDF with at least one page: a file that
    # only starts like one (an HTML page behind "%PDF-") is refused.
    if not head.startswith(b"%PDF-") or not _parses_as_pdf(value):
        raise ValidationError(
            _("“%(name)s” is not a PDF document."), code="not_pdf", params={"name": value.name}
        )


def _parses_as_pdf(value) -> bool:
    with rewound(value) as file:
        try:
            reader = PdfReader(file, strict=False)
            # An encrypted document is still a document; its pages cannot be counted.
            return reader.is_encrypted or len(reader.pages) > 0
        # pypdf raises its own errors, and plain ones on some malformed structures.
        except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return False


def validate_photo(value):
    validate_size(value)
    with rewound(value) as file:
        try:
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
        except Image.DecompressionBombError:
            # Pillow's own ceiling (far above ours) refuses to even open it.
            _refuse_pixels(value, None)
        except NOT_AN_IMAGE:
            image_format = None
    if image_format not in PHOTO_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG or WebP image."),
            code="not_photo",
            params={"name": value.name},
        )
    if width * height > settings.CRM_MAX_IMAGE_PIXELS:
        _refuse_pixels(value, (width, height))


def _refuse_pixels(value, size):
    limit = settings.CRM_MAX_IMAGE_PIXELS
    raise ValidationError(
        _("“%(name)s” has %(size)s pixels; images may have at most %(limit)s megapixels."),
        code="too_many_pixels",
        params={
            "name": value.name,
            "size": f"{size[0]} × {size[1]}" if size else _("too many"),
            "limit": f"{limit / 1_000_000:g}",
        },
    )


class PdfUploadField(forms.FileField):
    default_validators = [validate_pdf]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": PDF_TYPE}


class PhotoUploadField(forms.FileField):
    # Not forms.ImageField: validate_photo decodes the image itself, with its own messages
    # for the accepted formats and the pixel limit.
    default_validators = [validate_photo]

    def widget_attrs(self, widget):
        accept = ",".join(content_type for content_type, _extension in PHOTO_TYPES.values())
        return {**super().widget_attrs(widget), "accept": accept}


# Only their forms differ from Django's fields, so migrations record Django's fields.


class PdfFileField(models.FileField):
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PdfUploadField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs


class PhotoImageField(models.ImageField):
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoUploadField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
