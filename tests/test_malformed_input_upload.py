"""Malformed uploads to the attachment form (the rest of the sweep is test_malformed_input.py):
a 50 MB file, content that does not match its name, a body that is not a form."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from practices.models import Attachment

from .factories import MembershipFactory, PracticeFactory, ZoneFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def practice(db):
    return PracticeFactory(zone=ZoneFactory(number=5), status="draft")


@pytest.fixture
def speaker(practice, client):
    client.force_login(MembershipFactory(zone=practice.zone).user)
    return client


def stored(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def url(practice):
    return reverse("practices:attachment-create", kwargs={"pk": practice.pk})


def test_uploads_larger_than_the_memory_limit_go_to_a_temporary_file():
    # A 50 MB upload must not be held in memory whole: Django streams to a temporary file any
    # upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE, which must stay well below the limit.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < settings.ATTACHMENT_MAX_BYTES
    assert "django.core.files.uploadhandler.TemporaryFileUploadHandler" in (
        settings.FILE_UPLOAD_HANDLERS
    )


def test_a_50_mb_upload_is_refused_with_a_message_and_nothing_kept(speaker, practice, media_root):
    big = SimpleUploadedFile("relazione.pdf", b"%PDF-1.4\n" + bytes(FIFTY_MB), "application/pdf")
    response = speaker.post(url(practice), {"title": "Troppo grande", "file": big}, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "the limit is 10.0\xa0MB" in page
    assert isinstance(response.wsgi_request.FILES["file"], TemporaryUploadedFile)
    assert not Attachment.objects.exists()
    assert stored(media_root) == []


def test_a_pdf_named_png_is_refused(speaker, practice, media_root):
    fake = SimpleUploadedFile("mappa.png", b"%PDF-1.4\n%%EOF\n", "image/png")
    response = speaker.post(url(practice), {"title": "Mappa", "file": fake}, **EN)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored(media_root) == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_a_body_that_is_not_a_form_is_refused(speaker, practice, media_root, content_type):
    response = speaker.post(url(practice), '{"title": "x"}', content_type=content_type, **EN)
    assert response.status_code == 400
    assert "Choose a file to attach." in response.content.decode()
    assert not Attachment.objects.exists()
