"""File inputs whose "currently" link goes through the permission-checked file views; text
areas that read line breaks as stored texts have them."""

from django.contrib.admin.widgets import AdminFileWidget, AdminTextareaWidget
from django.urls import reverse

# (model label, field) → URL name of the view in partners/public/files.py that serves it.
SERVED_FILES = {
    ("partners.memorandum", "document"): "files:memorandum-document",
    ("partners.photo", "image"): "files:photo",
}


class _ServedFile:
    def __init__(self, file, url):
        self.file, self.url = file, url

    def __str__(self):
        return str(self.file)


class ServedFileInput(AdminFileWidget):
    def __init__(self, url_name, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name

    def format_value(self, value):
        instance = getattr(value, "instance", None)
        if value and instance is not None and instance.pk:
            return _ServedFile(value, reverse(self.url_name, kwargs={"pk": instance.pk}))
        return super().format_value(value)


def served_file_widget(db_field):
    url_name = SERVED_FILES.get((db_field.model._meta.label_lower, db_field.name))
    return ServedFileInput(url_name) if url_name else None


class UnixLineEndsTextarea(AdminTextareaWidget):
    """Browsers send a text area's line breaks as CRLF; stored texts (seed, import) use LF,
    so an untouched text would count as changed, and an edited one would mix both."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value
