"""Uploaded files, served only through permission-checked views (never from MEDIA_URL)."""

from django.urls import path

from .views import files

app_name = "files"

urlpatterns = [
    path("photos/<int:pk>/", files.photo_file, name="photo"),
    path("memoranda/<int:pk>/", files.memorandum_document, name="memorandum-document"),
]
