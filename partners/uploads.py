"""Where uploaded files are stored, and as what they are served.

Nothing of the uploaded name reaches the disk or the browser: a file is stored under a
random name with the extension the server decides (from the checked content), and served
with the type the server decides. A name such as ``scan.html`` or ``annex.js`` therefore
cannot make a browser treat a stored file as a page or a script.
"""

import datetime
import uuid
from contextlib import contextmanager

from PIL import Image, UnidentifiedImageError

# Photo formats accepted (partners/validators.py) → (content type, file extension).
PHOTO_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
PDF_TYPE = "application/pdf"
# What Pillow raises for content it cannot read as an image.
NOT_AN_IMAGE = (UnidentifiedImageError, OSError, SyntaxError, ValueError)


def generated_name(folder: str, extension: str) -> str:
    return f"{folder}/{datetime.date.today():%Y}/{uuid.uuid4().hex}.{extension}"


def memorandum_document_path(instance, filename):
    return generated_name("memoranda", "pdf")


def photo_path(instance, filename):
    # The form (and ``Photo(image=…).save()``) saves the content assigned to the field;
    # it is a checked upload there. Without content to read, the extension says so.
    try:
        image_format = photo_format(instance.image.file)
    except (ValueError, OSError):
        image_format = None
    extension = PHOTO_TYPES[image_format][1] if image_format else "bin"
    return generated_name("photos", extension)


@contextmanager
def rewound(value):
    """The (uploaded) file, read from its start and left where the caller found it."""
    file = getattr(value, "file", value)
    position = file.tell()
    file.seek(0)
    try:
        yield file
    finally:
        file.seek(position)


def photo_format(file) -> str | None:
    """The accepted photo format the content decodes as (``JPEG``…), or None.

    Reads only the header; the caller's position in the file is kept.
    """
    with rewound(file) as file:
        try:
            with Image.open(file) as image:
                image_format = image.format
        except (*NOT_AN_IMAGE, Image.DecompressionBombError):
            image_format = None
    return image_format if image_format in PHOTO_TYPES else None
