"""What an upload may be: a table (CSV, XLSX) to import or a document (a scan of an order,
evidence) to keep; never larger than OPORA_UPLOAD_MAX_BYTES, and its first bytes must be those of
the kind its name says (a page saved as «scan.pdf» is not a PDF). Django refuses a request body
over DATA_UPLOAD_MAX_MEMORY_SIZE apart from files; the web server caps the whole request
(`client_max_body_size` in docs/operations.md)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

TABLE_SUFFIXES = {".csv", ".xlsx"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".odt", ".jpg", ".jpeg", ".png"}
_ZIP = b"PK\x03\x04"  # XLSX, DOCX and ODT are zip archives
SIGNATURES = {
    ".xlsx": _ZIP,
    ".docx": _ZIP,
    ".odt": _ZIP,
    ".pdf": b"%PDF",
    ".doc": b"\xd0\xcf\x11\xe0",  # the OLE container of old Word files
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
}


def upload_validator(upload) -> None:
    """A table to import."""
    _check_suffix(upload, TABLE_SUFFIXES, "файл CSV или XLSX")
    _check_size(upload, "Большие файлы загружайте командой manage.py import_results.")


def document_validator(upload) -> None:
    """A document to keep: PDF, Word, OpenDocument or a photo of the paper."""
    _check_suffix(upload, DOCUMENT_SUFFIXES, "документ PDF, DOC, DOCX, ODT или снимок JPG, PNG")
    _check_size(upload, "Уменьшите скан (например, сохраните в PDF с меньшим разрешением).")


def _check_suffix(upload, suffixes: set[str], wanted: str) -> None:
    suffix = Path(upload.name).suffix.lower()
    if suffix not in suffixes:
        raise ValidationError(
            "Загрузите %(wanted)s (файл «%(name)s» другого вида).",
            params={"wanted": wanted, "name": upload.name},
        )
    signature = SIGNATURES.get(suffix)
    if signature is None:
        return
    upload.seek(0)
    head = upload.read(len(signature))
    upload.seek(0)
    if head != signature:
        raise ValidationError(
            "Файл «%(name)s» не является файлом %(kind)s, хотя назван так. Сохраните его "
            "заново в этом формате.",
            params={"name": upload.name, "kind": suffix[1:].upper()},
        )


def _check_size(upload, hint: str) -> None:
    if upload.size > settings.OPORA_UPLOAD_MAX_BYTES:
        raise ValidationError(
            "Файл больше %(limit)s. %(hint)s",
            params={"limit": filesizeformat(settings.OPORA_UPLOAD_MAX_BYTES), "hint": hint},
        )
