"""Uploaded files are stored under generated names (partners/uploads.py); files stored
before keep their uploaded names (``scan.html``), so they are renamed here."""

import datetime
import re
import uuid

from django.db import migrations, models, transaction
from PIL import Image, UnidentifiedImageError

import partners.uploads
import partners.validators

# Frozen copies of partners.uploads' rules, so that this migration keeps its meaning.
GENERATED = re.compile(r"^(memoranda|photos)/\d{4}/[0-9a-f]{32}\.(pdf|jpg|png|webp|bin)$")
PHOTO_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _year(name):
    match = re.search(r"/(\d{4})/", name)
    return match.group(1) if match else f"{datetime.date.today():%Y}"


def _photo_extension(storage, name):
    try:
        with storage.open(name, "rb") as file, Image.open(file) as image:
            return PHOTO_EXTENSIONS.get(image.format, "bin")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "bin"


def _rename_files(apps, model_name, field_name, folder, extension_of):
    model = apps.get_model("partners", model_name)
    history = apps.get_model("partners", f"Historical{model_name}")
    storage = model._meta.get_field(field_name).storage
    stored = (
        model.objects.exclude(**{field_name: ""})
        .values_list(field_name, flat=True)
        .distinct()
        .order_by()
    )
    for name in list(stored):
        if GENERATED.match(name) or not storage.exists(name):
            continue
        new_name = f"{folder}/{_year(name)}/{uuid.uuid4().hex}.{extension_of(storage, name)}"
        with storage.open(name, "rb") as source:
            new_name = storage.save(new_name, source)
        model.objects.filter(**{field_name: name}).update(**{field_name: new_name})
        history.objects.filter(**{field_name: name}).update(**{field_name: new_name})
        # The old file goes only once the new names are committed.
        transaction.on_commit(lambda name=name: storage.delete(name))


def rename_stored_files(apps, schema_editor):
    _rename_files(apps, "Memorandum", "document", "memoranda", lambda storage, name: "pdf")
    _rename_files(apps, "Photo", "image", "photos", _photo_extension)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0063_data_generation_per_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="memorandum",
            name="document",
            field=models.FileField(
                blank=True,
                upload_to=partners.uploads.memorandum_document_path,
                validators=[partners.validators.validate_pdf],
                verbose_name="document (PDF)",
            ),
        ),
        migrations.AlterField(
            model_name="photo",
            name="image",
            field=models.ImageField(
                upload_to=partners.uploads.photo_path,
                validators=[partners.validators.validate_photo],
                verbose_name="image",
            ),
        ),
        migrations.RunPython(rename_stored_files, migrations.RunPython.noop),
    ]
