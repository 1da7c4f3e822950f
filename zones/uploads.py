"""Uploaded files checked from their content, never from their name alone.

Here, in the app at the bottom of the apps' order, so that every app can take uploads with the
same checks and the same messages (and so the same translations): a practice's attachments
(``practices.attachments``) and a consultation's document (``plans.documents``) each allow
their own kinds of file and pass them to ``check_upload(upload, kinds=...)``.

An upload passes when:

- its name ends in the extension of one of the allowed kinds;
- it is not empty and not larger than ``settings.ATTACHMENT_MAX_BYTES``;
- its first bytes are not those of a program (Windows PE "MZ", ELF, Mach-O, a "#!" script);
- what its content actually is, among the allowed kinds (``filetype`` for PDF, PNG and JPEG;
  the inside of the zip for office documents: OpenDocument's ``mimetype`` entry, Office Open
  XML's ``[Content_Types].xml`` with its ``word/`` or ``xl/`` folder), is what its extension
  says.

The stored content type is the one that belongs to the detected kind, not what the browser sent.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    content_type: str
    # Left out of equality and hashing: a lazy translation hashes as the text of the language
    # active at the time, so a Kind used as a key would not be found in another language.
    label: str = field(compare=False)
    # The file name endings of this kind, the usual one first.
    extensions: tuple[str, ...] = field(default=(), compare=False)


PDF = Kind("pdf", "application/pdf", "PDF", (".pdf",))
ODT = Kind(
    "odt", "application/vnd.oasis.opendocument.text", _("OpenDocument text (ODT)"), (".odt",)
)
DOCX = Kind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _("Word document (DOCX)"),
    (".docx",),
)
ODS = Kind(
    "ods",
    "application/vnd.oasis.opendocument.spreadsheet",
    _("OpenDocument spreadsheet (ODS)"),
    (".ods",),
)
XLSX = Kind(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _("Excel spreadsheet (XLSX)"),
    (".xlsx",),
)
PNG = Kind("png", "image/png", _("PNG image"), (".png",))
JPEG = Kind("jpeg", "image/jpeg", _("JPEG image"), (".jpg", ".jpeg"))

#: Every kind this module can recognise; an app allows some of them.
KINDS = (PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}
FILETYPE_KINDS = (PDF, PNG, JPEG)  # recognised by ``filetype`` from the first bytes
ODF_KINDS = (ODT, ODS)  # a zip whose first entry, ``mimetype``, names the kind
OOXML_FOLDERS = {"word/": DOCX, "xl/": XLSX}
OOXML_MAIN_PARTS = {
    DOCX: "wordprocessingml.document.main+xml",
    XLSX: "spreadsheetml.sheet.main+xml",
}

HEAD_BYTES = 8192
MAX_NAME_LENGTH = 255
MAX_MANIFEST_BYTES = 1024 * 1024  # [Content_Types].xml is a few kB in real documents
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux and most Unix
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, both byte orders, and universal binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # a script for an interpreter
)
EXECUTABLE_TYPES = {"application/x-msdownload", "application/x-executable"}


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what to store about it."""

    original_name: str
    kind: Kind
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def by_extension(kinds: Sequence[Kind]) -> dict[str, Kind]:
    """The allowed kinds by file name ending (``.jpg`` and ``.jpeg`` both give JPEG)."""
    return {extension: kind for kind in kinds for extension in kind.extensions}


def accept(kinds: Sequence[Kind]) -> str:
    """The allowed endings, for a file input's ``accept`` attribute: ``.pdf,.odt,...``."""
    return ",".join(by_extension(kinds))


def allowed_label(kinds: Sequence[Kind]) -> str:
    """The allowed kinds, for the uploader: ``PDF, ODT, DOCX``."""
    return ", ".join(kind.key.upper() for kind in kinds)


def label_for(content_type: str, kinds: Sequence[Kind] = KINDS) -> str:
    """The name of a stored content type among ``kinds``; the content type itself otherwise."""
    kind = BY_CONTENT_TYPE.get(content_type)
    return str(kind.label) if kind in kinds else content_type


def clean_name(name: str, fallback: str = "file") -> str:
    """The uploader's file name without folders or control characters, at most 255 long
    (``fallback`` when nothing is left)."""
    name = PurePosixPath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    path = PurePosixPath(name or fallback)
    suffix = path.suffix[:20]
    stem = path.stem[: MAX_NAME_LENGTH - len(suffix)] if suffix else path.name[:MAX_NAME_LENGTH]
    return f"{stem}{suffix}" if suffix else stem


def _is_program(head: bytes) -> bool:
    if head.startswith(EXECUTABLE_MAGIC):
        return True
    guess = filetype.guess(head)
    return bool(guess and guess.mime in EXECUTABLE_TYPES)


def _zip_kind(upload, kinds: Sequence[Kind]) -> Kind | None:
    """The office document among ``kinds`` from the zip's structure, or None when it is none
    of them."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if entries and entries[0].filename == "mimetype" and entries[0].file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                kind = BY_CONTENT_TYPE.get(declared)
                is_odf = kind in ODF_KINDS and kind in kinds
                return kind if is_odf and "content.xml" in names else None
            manifest = next((e for e in entries if e.filename == "[Content_Types].xml"), None)
            if manifest is None or manifest.file_size > MAX_MANIFEST_BYTES:
                return None
            content_types = archive.read(manifest).decode("utf-8", "replace")
            for folder, kind in OOXML_FOLDERS.items():
                if kind not in kinds:
                    continue
                in_folder = any(name.startswith(folder) for name in names)
                if in_folder and OOXML_MAIN_PARTS[kind] in content_types:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError):
        return None
    except NotImplementedError:  # a compression method zipfile does not know
        return None
    finally:
        upload.seek(0)
    return None


def detect(upload, head: bytes, kinds: Sequence[Kind] = KINDS) -> Kind | None:
    """What the content is, among ``kinds``; None when it is none of them."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload, kinds)
    guess = filetype.guess(head)
    if guess is None:
        return None
    kind = BY_CONTENT_TYPE.get(guess.mime)
    return kind if kind in FILETYPE_KINDS and kind in kinds else None


def check_upload(upload, *, kinds: Sequence[Kind], fallback_name: str = "file") -> CheckedFile:
    """Check an uploaded file, which must be one of ``kinds``; raise ``ValidationError`` with a
    message for the uploader. ``fallback_name`` stands for a name that cleans to nothing."""
    name = clean_name(upload.name or "", fallback_name)
    extension = PurePosixPath(name).suffix.lower()
    expected = by_extension(kinds).get(extension)
    if expected is None:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed types: %(allowed)s."),
            code="extension",
            params={"allowed": allowed_label(kinds)},
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
    actual = detect(upload, head, kinds)
    if actual is None:
        raise ValidationError(
            _(
                "The file's name ends in %(extension)s but its content is not a valid "
                "%(expected)s. Allowed types: %(allowed)s."
            ),
            code="content",
            params={
                "extension": extension,
                "expected": expected.label,
                "allowed": allowed_label(kinds),
            },
        )
    if actual != expected:
        raise ValidationError(
            _(
                "The file's name ends in %(extension)s but its content is of another type "
                "(%(actual)s): check that you chose the right file, or correct its extension."
            ),
            code="mismatch",
            params={"extension": extension, "actual": actual.label},
        )
    return CheckedFile(original_name=name, kind=actual, size=size)
