"""The document of a consultation (the draft revision of the plan), checked from its content.

The same checks and messages as every upload (``zones.uploads``), for the three kinds a plan's
draft comes in: PDF, OpenDocument text (ODT) and Word (DOCX). The stored content type is the
one of the detected kind, never what the browser sent.

``PDF``, ``ODT`` and ``DOCX`` here are the content types (what a consultation stores).
"""

from __future__ import annotations

from dataclasses import dataclass

from zones import uploads

KINDS = (uploads.PDF, uploads.ODT, uploads.DOCX)
PDF = uploads.PDF.content_type
ODT = uploads.ODT.content_type
DOCX = uploads.DOCX.content_type
ACCEPT = uploads.accept(KINDS)  # for the file input's accept attribute
ALLOWED_LABEL = uploads.allowed_label(KINDS)
FALLBACK_NAME = "document"


@dataclass(frozen=True)
class CheckedDocument:
    """An upload that passed the checks, with what to store about it."""

    original_name: str
    content_type: str
    size: int


def label_for(content_type: str) -> str:
    return uploads.label_for(content_type, KINDS)


def check_document(upload) -> CheckedDocument:
    """Check an uploaded document; raise ``ValidationError`` with a message for the uploader."""
    checked = uploads.check_upload(upload, kinds=KINDS, fallback_name=FALLBACK_NAME)
    return CheckedDocument(checked.original_name, checked.content_type, checked.size)
