import pytest

from opora.reports import documents
from opora.reports.documents import Document, DocumentError, export_document


@pytest.fixture
def letter_kind():
    """A document kind that comes only as DOCX, registered for the length of one test."""
    documents.register(
        "letter",
        listing=lambda: iter([Document("letter-1", "letter", "Письмо", ("docx",))]),
        build=lambda pk, file_format: b"PK letter",
    )
    yield
    documents.KINDS.pop("letter")


def test_a_document_is_built_in_a_format_it_comes_in(letter_kind):
    assert export_document("letter-1", file_format="docx") == b"PK letter"


def test_a_format_the_document_does_not_come_in_is_refused_by_name(letter_kind):
    with pytest.raises(DocumentError, match="Документ «Письмо» выгружается в форматах: docx."):
        export_document("letter-1", file_format="pdf")


@pytest.mark.parametrize("document_id", ["letter-2", "memo-1", "letter-x", "letter"])
def test_an_unknown_document_is_refused(letter_kind, document_id):
    with pytest.raises(DocumentError, match=f"Документа «{document_id}» нет"):
        export_document(document_id, file_format="docx")
