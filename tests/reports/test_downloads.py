"""Every file Opora sends goes through one helper, which names it so that browsers keep a
Russian file name intact."""

import re
from pathlib import Path

import opora
from opora.downloads import file_response


def test_a_russian_name_is_sent_percent_encoded():
    response = file_response(b"PK", filename="протокол 1.docx", content_type="application/zip")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%BF%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB%201.docx"
    )
    assert response.content == b"PK"


def test_an_ascii_name_and_an_inline_file():
    response = file_response(b"%PDF", filename="report-1.pdf", content_type="application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="report-1.pdf"'
    response = file_response(
        b"%PDF", filename="report-1.pdf", content_type="application/pdf", inline=True
    )
    assert response["Content-Disposition"] == 'inline; filename="report-1.pdf"'


def test_no_view_writes_the_header_by_hand():
    root = Path(opora.__file__).parent
    hand_built = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "downloads.py"
        and re.search(r"\[[\"']Content-Disposition[\"']\]\s*=", path.read_text())
    ]
    assert hand_built == []
