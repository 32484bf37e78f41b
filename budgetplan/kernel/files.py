"""Uploaded attachments: which files are taken (by their content, not only their name), and how
they are served back (always as a download, with a fixed content type, never rendered inline).
"""
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError

from .formatting import format_decimal

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("PDF", (".pdf",), "application/pdf")
DOCX = FileKind(
    "DOCX", (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
ODT = FileKind("ODT", (".odt",), "application/vnd.oasis.opendocument.text")
PNG = FileKind("PNG", (".png",), "image/png")
JPEG = FileKind("JPEG", (".jpg", ".jpeg"), "image/jpeg")
KINDS = (PDF, DOCX, XLSX, ODT, PNG, JPEG)
KIND_BY_EXTENSION = {extension: kind for kind in KINDS for extension in kind.extensions}

ALLOWED_TEXT = "PDF, DOCX, XLSX, ODT, PNG och JPEG"


def _zip_kind(handle) -> FileKind | None:
    """An Office Open XML or OpenDocument file is a zip archive; its parts say which it is."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise ValidationError(
                    "Filen innehåller makron och tas inte emot.", code="attachment_macros",
                )
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                if archive.read("mimetype").strip() == ODT.content_type.encode():
                    return ODT
    except zipfile.BadZipFile:
        return None
    return None


def detect_kind(handle) -> FileKind | None:
    """The kind of file the content is, read from its first bytes (and a zip's table of parts)."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(handle)
        return None
    finally:
        handle.seek(0)


def _megabytes(size: int) -> str:
    return format_decimal(Decimal(size) / Decimal(1024 * 1024), 1)


def validate_attachment_file(value) -> None:
    """Refuse an upload that is too large, of a kind not taken, or whose content is not what its
    name says. A file already stored was checked when it came in and is not read again."""
    if not value or getattr(value, "_committed", True):
        return
    if value.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"Filen är för stor ({_megabytes(value.size)} MB); den största tillåtna storleken "
            f"är {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.",
            code="attachment_too_large",
        )
    extension = PurePath(value.name).suffix.lower()
    expected = KIND_BY_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(
            f"Filtypen tas inte emot. Tillåtna filtyper är {ALLOWED_TEXT}.",
            code="attachment_type",
        )
    found = detect_kind(value.file)
    if found is not expected:
        raise ValidationError(
            f"Filens innehåll är inte {expected.label} som filnamnet ({extension}) säger. "
            f"Tillåtna filtyper är {ALLOWED_TEXT}.",
            code="attachment_content",
        )


def content_type_for(name: str) -> str:
    """The content type an attachment is served with: fixed by its (checked) kind."""
    kind = KIND_BY_EXTENSION.get(PurePath(name).suffix.lower())
    return kind.content_type if kind else OCTET_STREAM
