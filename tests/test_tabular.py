"""The one reader behind every import: encodings, separators, XLSX, and where errors are."""

import io
import re
import zipfile

import openpyxl
import pytest

from opora.exports import csv_bytes, xlsx_workbook_bytes
from opora.tabular import ImportRefused, Problem, header_key, named_columns, read_table


def problems(content: bytes, filename="f.csv") -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        read_table(content, filename=filename)
    return [str(p) for p in caught.value.problems]


def test_row_numbers_count_the_header_and_blank_lines():
    table = read_table(b"A;b\n1;2\n\n 3 ;4\n", filename="f.csv")
    assert table.header == ["a", "b"]
    assert list(table.rows) == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": "4"})]


def test_short_rows_are_padded_and_long_rows_refused_with_their_number():
    table = read_table(b"a,b,c\n1,2\n", filename="f.csv")
    assert list(table.rows) == [(2, {"a": "1", "b": "2", "c": ""})]
    assert problems(b"a,b\n1,2\n3,4,5\n") == [
        "строка 3: ячеек больше, чем столбцов в заголовке (2)"
    ]


def test_repeated_column_is_refused():
    assert problems(b"a,b,a\n1,2,3\n") == ["строка 1, столбец «a»: столбец повторяется"]


def test_windows_1251_is_read_and_bytes_it_lacks_are_refused():
    table = read_table("имя\nШкола\n".encode("cp1251"), filename="f.csv")
    assert list(table.rows) == [(2, {"имя": "Школа"})]
    assert problems(b"name\n\x98\x98\n") == [
        "кодировка не распознана: сохраните файл как CSV UTF-8 или Windows-1251"
    ]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_numbers_read_as_written():
    table = read_table(xlsx([["code", "share"], ["a1", 30.0], ["a2", 29.5]]), filename="f.xlsx")
    assert [cells["share"] for _, cells in table.rows] == ["30", "29.5"]


def test_xlsx_with_external_links_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    assert problems(buffer.getvalue(), "f.xlsx") == [
        "файл XLSX содержит ссылки на другие файлы; удалите их"
    ]


def test_xlsx_that_unpacks_to_a_huge_size_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (201 * 1024 * 1024))
    assert problems(buffer.getvalue(), "f.xlsx") == ["файл XLSX слишком велик после распаковки"]


def test_csv_with_old_mac_line_ends_is_read_row_by_row():
    table = read_table(b"a;b\r1;2\r\r3;4\r", filename="f.csv")
    assert list(table.rows) == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": "4"})]


def with_sheet_dimension(content: bytes, ref: str) -> bytes:
    """The same workbook whose first sheet claims the range `ref`, as some generators write it."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
            archive.writestr(item, data)
    return buffer.getvalue()


def test_xlsx_rows_and_columns_beyond_a_understated_dimension_are_read():
    content = with_sheet_dimension(xlsx([["a", "b"], [1, 2], [3, 4], [5, 6]]), "A1:A2")
    assert b'<dimension ref="A1:A2"/>' in zipfile.ZipFile(io.BytesIO(content)).read(
        "xl/worksheets/sheet1.xml"
    )
    table = read_table(content, filename="f.xlsx")
    assert list(table.rows) == [
        (2, {"a": "1", "b": "2"}),
        (3, {"a": "3", "b": "4"}),
        (4, {"a": "5", "b": "6"}),
    ]


@pytest.mark.parametrize("text", ["=СУММ(A1:A2)", "'цитата", "'=1", "-5 баллов", "+7 900", "@home"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exported_text_comes_back_without_the_formula_guard(text, file_format):
    rows = [["code", "name"], ["a1", text]]
    content = csv_bytes(rows) if file_format == "csv" else xlsx_workbook_bytes({"s": rows})
    table = read_table(content, filename=f"f.{file_format}")
    assert [cells["name"] for _, cells in table.rows] == [text]


def test_an_apostrophe_typed_before_plain_text_is_kept():
    table = read_table("name\n'цитата\n".encode(), filename="f.csv")
    assert [cells["name"] for _, cells in table.rows] == ["'цитата"]


def test_column_names_compare_without_case_spaces_underscores_yo_and_quotes():
    assert header_key(" Отметка  «2» ") == header_key('отметка "2"') == header_key("ОТМЕТКА 2")
    assert header_key("Населённый пункт") == header_key("населенный пункт")
    assert header_key("School_Code") == header_key("school code")


def test_named_columns_renames_russian_names_and_keeps_what_the_file_wrote():
    table = read_table("Код ОО;участников;extra\nx;1;2\n".encode(), filename="f.csv")
    named = named_columns(table, {"school_code": ["Код ОО"], "participants": ["Участников"]})
    assert named.header == ["school_code", "participants", "extra"]
    refused = named.refused([Problem(2, "participants", "плохо"), Problem(2, "extra", "тоже")])
    assert [str(p) for p in refused.problems] == [
        "строка 2, столбец «Участников»: плохо",
        "строка 2, столбец «extra»: тоже",
    ]
