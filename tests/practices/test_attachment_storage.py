"""Attachments are read and written through Django's storage API, never as paths on disk, so
that they may live in an S3 bucket (DJANGO_STORAGE=s3) or on a disk shared by several servers.

Proven with Django's in-memory storage as the default storage: upload, download and delete
work through the pages, and the media folder on disk is never created.
"""

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices.models import Attachment
from tests.factories import PracticeFactory
from zones.models import Zone

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture
def media_root(settings, tmp_path):
    """Where a file system storage would write: it must stay absent."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_attachments_live_wherever_the_default_storage_puts_them(
    spokesperson_client, territory, media_root, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="draft")
    create = reverse("practices:attachment-create", kwargs={"pk": practice.pk})
    upload = SimpleUploadedFile("Relazione finale.pdf", PDF, content_type="application/pdf")

    response = spokesperson_client.post(create, {"title": "", "file": upload}, **EN)

    assert response.status_code == 302
    attachment = Attachment.objects.get(practice=practice)
    assert isinstance(default_storage._wrapped, InMemoryStorage)
    assert default_storage.exists(attachment.file.name)
    with default_storage.open(attachment.file.name, "rb") as stored:
        assert stored.read() == PDF

    download = spokesperson_client.get(attachment.get_absolute_url(), **EN)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="Relazione finale.pdf"' in download["Content-Disposition"]

    delete = reverse("practices:attachment-delete", kwargs={"pk": attachment.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert spokesperson_client.post(delete, **EN).status_code == 302
    assert not default_storage.exists(attachment.file.name)
    assert not media_root.exists(), "a file was written on disk instead of in the storage"


@pytest.mark.django_db
def test_a_file_missing_from_the_storage_is_not_found_not_an_error(
    spokesperson_client, territory, media_root
):
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="draft")
    create = reverse("practices:attachment-create", kwargs={"pk": practice.pk})
    upload = SimpleUploadedFile("verbale.pdf", PDF, content_type="application/pdf")
    spokesperson_client.post(create, {"title": "", "file": upload}, **EN)
    attachment = Attachment.objects.get(practice=practice)
    default_storage.delete(attachment.file.name)  # lost from the bucket, say

    assert spokesperson_client.get(attachment.get_absolute_url(), **EN).status_code == 404
