"""The document of a consultation (the draft revision of the plan), checked from its content.

The same rules as a practice's attachments (``practices.attachments``), for the three kinds a
plan's draft comes in: PDF, OpenDocument text (ODT) and Word (DOCX). The plans app sits below
practices in the apps' order and may not import it, so the few checks are repeated here, with
the same messages (and so the same translations). An upload passes when:

- its name ends in ``.pdf``, ``.odt`` or ``.docx``;
- it is not empty and not larger than ``settings.ATTACHMENT_MAX_BYTES``;
- its first bytes are not those of a program (Windows PE "MZ", ELF, Mach-O, a "#!" script);
- its content is what its extension says (``filetype`` for PDF; for ODT the zip's
  ``mimetype`` entry, for DOCX ``[Content_Types].xml`` with its ``word/`` folder).

The stored content type is the one of the detected kind, never what the browser sent.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BY_EXTENSION = {".pdf": PDF, ".odt": ODT, ".docx": DOCX}
LABELS = {PDF: "PDF", ODT: _("OpenDocument text (ODT)"), DOCX: _("Word document (DOCX)")}
ACCEPT = ",".join(BY_EXTENSION)  # for the file input's accept attribute
ALLOWED_LABEL = "PDF, ODT, DOCX"

HEAD_BYTES = 8192
MAX_NAME_LENGTH = 255
MAX_MANIFEST_BYTES = 1024 * 1024
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
EXECUTABLE_TYPES = {"application/x-msdownload", "application/x-executable"}


@dataclass(frozen=True)
class CheckedDocument:
    """An upload that passed the checks, with what to store about it."""

    original_name: str
    content_type: str
    size: int


def label_for(content_type: str) -> str:
    return str(LABELS.get(content_type, content_type))


def clean_name(name: str) -> str:
    """The uploader's file name without folders or control characters, at most 255 long."""
    name = PurePosixPath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    path = PurePosixPath(name or "document")
    suffix = path.suffix[:20]
    stem = path.stem[: MAX_NAME_LENGTH - len(suffix)] if suffix else path.name[:MAX_NAME_LENGTH]
    return f"{stem}{suffix}" if suffix else stem


def _zip_kind(upload) -> str | None:
    """ODT or DOCX from the zip's structure, or None when it is neither."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if entries and entries[0].filename == "mimetype" and entries[0].file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODT if declared == ODT and "content.xml" in names else None
            manifest = next((e for e in entries if e.filename == "[Content_Types].xml"), None)
            if manifest is None or manifest.file_size > MAX_MANIFEST_BYTES:
                return None
            content_types = archive.read(manifest).decode("utf-8", "replace")
            in_word = any(name.startswith("word/") for name in names)
            if in_word and "wordprocessingml.document.main+xml" in content_types:
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError):
        return None
    except NotImplementedError:  # a compression method zipfile does not know
        return None
    finally:
        upload.seek(0)
    return None


def _detect(upload, head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    guess = filetype.guess(head)
    return PDF if guess is not None and guess.mime == PDF else None


def _is_program(head: bytes) -> bool:
    if head.startswith(EXECUTABLE_MAGIC):
        return True
    guess = filetype.guess(head)
    return bool(guess and guess.mime in EXECUTABLE_TYPES)


def check_document(upload) -> CheckedDocument:
    """Check an uploaded document; raise ``ValidationError`` with a message for the uploader."""
    name = clean_name(upload.name or "")
    extension = PurePosixPath(name).suffix.lower()
    expected = BY_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed types: %(allowed)s."),
            code="extension",
            params={"allowed": ALLOWED_LABEL},
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s: the limit is %(limit)s."),
            code="too_big",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if _is_program(head):
        raise ValidationError(
            _(
                "This file is a program, not a document, whatever its name says: programs "
                "cannot be attached."
            ),
            code="program",
        )
    actual = _detect(upload, head)
    if actual is None:
        raise ValidationError(
            _(
                "The file's name ends in %(extension)s but its content is not a valid "
                "%(expected)s. Allowed types: %(allowed)s."
            ),
            code="content",
            params={
                "extension": extension,
                "expected": LABELS[expected],
                "allowed": ALLOWED_LABEL,
            },
        )
    if actual != expected:
        raise ValidationError(
            _(
                "The file's name ends in %(extension)s but its content is of another type "
                "(%(actual)s): check that you chose the right file, or correct its extension."
            ),
            code="mismatch",
            params={"extension": extension, "actual": LABELS[actual]},
        )
    return CheckedDocument(original_name=name, content_type=actual, size=size)
