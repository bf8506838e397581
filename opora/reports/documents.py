"""Every official document Opora produces: builders register here by kind, and the pages and
`manage.py export_document` find them in one place."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Document:
    id: str  # «program-7»: kind and the primary key of what it describes
    kind: str
    title: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class DocumentKind:
    listing: Callable[[], Iterator[Document]]  # every document of this kind that can be produced
    build: Callable[[int, str], bytes]  # (primary key, format) -> file


KINDS: dict[str, DocumentKind] = {}


class DocumentError(Exception):
    """A document that does not exist or a format it does not come in; the message is Russian."""


def register(kind: str, *, listing, build) -> None:
    KINDS[kind] = DocumentKind(listing=listing, build=build)


def document_list() -> list[Document]:
    return [document for kind in KINDS.values() for document in kind.listing()]


def export_document(document_id: str, *, file_format: str) -> bytes:
    kind, _, key = document_id.rpartition("-")
    if kind not in KINDS or not key.isdigit():
        raise DocumentError(f"Документа «{document_id}» нет; список — export_document --list.")
    found = next((d for d in KINDS[kind].listing() if d.id == document_id), None)
    if found is None:
        raise DocumentError(f"Документа «{document_id}» нет; список — export_document --list.")
    if file_format not in found.formats:
        available = ", ".join(found.formats)
        raise DocumentError(f"Документ «{found.title}» выгружается в форматах: {available}.")
    return KINDS[kind].build(int(key), file_format)
