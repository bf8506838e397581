"""Documents kept by their content: a file is built once for what it is made of and served from
disk afterwards. The public page offers a municipality's published report to anyone, and
printing it anew for every visitor cost seconds of CPU each."""

import dataclasses
import fcntl
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def code_version(*paths: Path) -> str:
    """A digest of the code and templates that draw a document: part of its key, so that after
    an upgrade that draws it differently the old file is not served."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def content_digest(content: object) -> str:
    """A digest of what a document or a chart is made of: equal content, equal digest."""
    return hashlib.sha256(
        json.dumps(content, default=_plain, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def cached_document(
    *, name: str, file_format: str, content: object, build: Callable[[], bytes]
) -> bytes:
    """`build()`, kept as a file under a digest of `content` (everything the file shows, with
    the code version): the same content gives the same file without building it, changed
    content a new one, and the superseded file of `name` is deleted.

    Concurrent first requests, in threads or in worker processes, wait for one build instead of
    each building (a lock file per document)."""
    digest = content_digest(content)[:32]
    folder = Path(settings.MEDIA_ROOT) / "documents"
    path = folder / f"{name}-{digest}.{file_format}"
    try:
        return path.read_bytes()
    except FileNotFoundError:  # not built yet, or just superseded by changed content
        pass
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if path.exists():  # built by whoever held the lock before
            return path.read_bytes()
        file = build()
        partial = path.with_suffix(".part")
        partial.write_bytes(file)
        partial.replace(path)  # whole or absent: a reader never gets half a file
        for old in folder.glob(f"{name}-*.{file_format}"):
            if old != path:
                old.unlink(missing_ok=True)
    return file


def _plain(value):
    """JSON for what documents are built from: blocks (dataclasses), the chart functions they
    name, dates and decimals."""
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if callable(value):
        return f"{value.__module__}.{value.__qualname__}"
    return str(value)
