"""What an upload may be: CSV or XLSX, not larger than OPORA_UPLOAD_MAX_BYTES."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ALLOWED_SUFFIXES = {".csv", ".xlsx"}


def upload_validator(upload) -> None:
    if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ValidationError(
            "Загрузите файл CSV или XLSX (файл «%(name)s» другого вида).",
            params={"name": upload.name},
        )
    if upload.size > settings.OPORA_UPLOAD_MAX_BYTES:
        raise ValidationError(
            "Файл больше %(limit)s. Большие файлы загружайте командой manage.py import_results.",
            params={"limit": filesizeformat(settings.OPORA_UPLOAD_MAX_BYTES)},
        )
