"""Place the image files that the seed data's photo records point to.

loaddata stores a file field's path but not the file. The press release's photo
("MoU Unterzeichnung in Jining, China") is not part of the source, so its record gets a
generated placeholder and stays internal until someone uploads the real picture.
"""

from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

from partners.models import Photo

PLACEHOLDER_SIZE = (640, 427)
# The files fixtures/seed.json refers to.
SEED_PHOTO_PATHS = ["photos/2019/mou-unterzeichnung-jining.jpg"]


def placeholder_jpeg(caption: str) -> bytes:
    image = Image.new("RGB", PLACEHOLDER_SIZE, (222, 226, 230))
    draw = ImageDraw.Draw(image)
    draw.text((24, 24), "Platzhalter / placeholder", fill=(73, 80, 87))
    draw.text((24, 48), caption, fill=(33, 37, 41))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Write placeholder images for seed photos whose file is missing (never overwrites)."

    def handle(self, *args, **options):
        written = 0
        for photo in Photo.objects.filter(image__in=SEED_PHOTO_PATHS):
            if not default_storage.exists(photo.image.name):
                default_storage.save(photo.image.name, ContentFile(placeholder_jpeg(photo.caption)))
                written += 1
        self.stdout.write(f"{written} placeholder image(s) written.")
