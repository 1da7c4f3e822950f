"""What may be attached to a practice: PDF, ODT, DOCX, ODS, XLSX, PNG and JPEG.

Each upload is checked from its content, never from its name alone, by ``zones.uploads`` (the
rules and messages every app shares); this module says which kinds a practice allows.
"""

from __future__ import annotations

from zones import uploads
from zones.uploads import DOCX, JPEG, ODS, ODT, PDF, PNG, XLSX, CheckedFile, Kind

__all__ = [
    "ACCEPT",
    "ALLOWED_LABEL",
    "BY_CONTENT_TYPE",
    "BY_EXTENSION",
    "DOCX",
    "JPEG",
    "KINDS",
    "ODS",
    "ODT",
    "PDF",
    "PNG",
    "XLSX",
    "CheckedFile",
    "Kind",
    "check_upload",
    "clean_name",
    "label_for",
]

KINDS = [PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG]
BY_EXTENSION = uploads.by_extension(KINDS)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}
ACCEPT = uploads.accept(KINDS)  # for the file input's accept attribute
ALLOWED_LABEL = uploads.allowed_label(KINDS)
FALLBACK_NAME = "attachment"


def label_for(content_type: str) -> str:
    return uploads.label_for(content_type, KINDS)


def clean_name(name: str) -> str:
    """The uploader's file name without folders or control characters, at most 255 long."""
    return uploads.clean_name(name, FALLBACK_NAME)


def check_upload(upload) -> CheckedFile:
    """Check an uploaded file; raise ``ValidationError`` with a message for the uploader."""
    return uploads.check_upload(upload, kinds=KINDS, fallback_name=FALLBACK_NAME)
