"""What an upload may be: a table (CSV, XLSX) to import or a document (a scan of an order,
evidence) to keep; never larger than OPORA_UPLOAD_MAX_BYTES, and its first bytes must be those of
the kind its name says (a page saved as «scan.pdf» is not a PDF). Django refuses a request body
over DATA_UPLOAD_MAX_MEMORY_SIZE apart from files; the web server caps the whole request
(`client_max_body_size` in docs/operations.md)."""

import datetime
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

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


# --- A previewed upload, kept until its uploader confirms it ---

PREVIEW_KEEP = datetime.timedelta(hours=24)
PREVIEW_FOLDER = "previews"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


def preview_keep(*, upload, user, purpose: str) -> str:
    """Keep an uploaded file in the uploads' storage between its preview and the confirmation;
    the token names it for its uploader only. Previews nobody confirmed in time are deleted."""
    _forget_expired()
    token = secrets.token_urlsafe(16)
    upload.seek(0)
    name = Path(upload.name).name or "file"
    default_storage.save(f"{_folder(user, purpose, token)}/{name}", upload)
    return token


def preview_take(*, token: str, user, purpose: str) -> tuple[bytes, str]:
    """The kept file's content and name, removed from the storage: a second confirmation, another
    user's or an expired token find nothing (404)."""
    if not _TOKEN.match(token or ""):
        raise Http404
    folder = _folder(user, purpose, token)
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        raise Http404 from None
    if not files:
        raise Http404
    path = f"{folder}/{files[0]}"
    expired = default_storage.get_modified_time(path) < timezone.now() - PREVIEW_KEEP
    with default_storage.open(path, "rb") as stream:
        content = stream.read()
    default_storage.delete(path)
    if expired:
        raise Http404
    return content, files[0]


def _folder(user, purpose: str, token: str) -> str:
    return f"{PREVIEW_FOLDER}/{user.pk}/{purpose}/{token}"


def _forget_expired() -> None:
    """Delete kept files older than PREVIEW_KEEP: they may hold personal data."""
    limit = timezone.now() - PREVIEW_KEEP
    try:
        users, _ = default_storage.listdir(PREVIEW_FOLDER)
    except FileNotFoundError:
        return
    for user in users:
        for purpose in default_storage.listdir(f"{PREVIEW_FOLDER}/{user}")[0]:
            for token in default_storage.listdir(f"{PREVIEW_FOLDER}/{user}/{purpose}")[0]:
                folder = f"{PREVIEW_FOLDER}/{user}/{purpose}/{token}"
                for name in default_storage.listdir(folder)[1]:
                    if default_storage.get_modified_time(f"{folder}/{name}") < limit:
                        default_storage.delete(f"{folder}/{name}")
