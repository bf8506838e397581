"""What an upload may be: a table (CSV, XLSX) to import or a document (a scan of an order,
evidence) to keep; never larger than OPORA_UPLOAD_MAX_BYTES."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

TABLE_SUFFIXES = {".csv", ".xlsx"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".odt", ".jpg", ".jpeg", ".png"}


def upload_validator(upload) -> None:
    """A table to import."""
    _check_suffix(upload, TABLE_SUFFIXES, "файл CSV или XLSX")
    _check_size(upload, "Большие файлы загружайте командой manage.py import_results.")


def document_validator(upload) -> None:
    """A document to keep: PDF, Word, OpenDocument or a photo of the paper."""
    _check_suffix(upload, DOCUMENT_SUFFIXES, "документ PDF, DOC, DOCX, ODT или снимок JPG, PNG")
    _check_size(upload, "Уменьшите скан (например, сохраните в PDF с меньшим разрешением).")


def _check_suffix(upload, suffixes: set[str], wanted: str) -> None:
    if Path(upload.name).suffix.lower() not in suffixes:
        raise ValidationError(
            "Загрузите %(wanted)s (файл «%(name)s» другого вида).",
            params={"wanted": wanted, "name": upload.name},
        )


def _check_size(upload, hint: str) -> None:
    if upload.size > settings.OPORA_UPLOAD_MAX_BYTES:
        raise ValidationError(
            "Файл больше %(limit)s. %(hint)s",
            params={"limit": filesizeformat(settings.OPORA_UPLOAD_MAX_BYTES), "hint": hint},
        )
