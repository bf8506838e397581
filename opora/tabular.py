"""Reading uploaded tables for every import: CSV (UTF-8 or Windows-1251, comma or semicolon), XLSX.

Imports never read files themselves: they get a `Table` of text cells from here and report problems
as `Problem(row, column, message)`, so every import names the place of an error the same way.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    row: int | None  # 1-based row of the file, the header being row 1; None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        place = []
        if self.row is not None:
            place.append(f"строка {self.row}")
        if self.column:
            place.append(f"столбец «{self.column}»")
        return f"{', '.join(place)}: {self.message}" if place else self.message


class ImportRefused(Exception):
    """The file is refused whole; nothing was changed."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        super().__init__(self.describe())

    def describe(self, limit: int = 20) -> str:
        lines = [f"Файл {self.filename} не загружен, данные не изменены."]
        lines += [f"  {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … и ещё ошибок: {len(self.problems) - limit}")
        return "\n".join(lines)


@dataclass
class Table:
    filename: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, cells by column)


def read_table(content: bytes, *, filename: str) -> Table:
    if Path(filename).suffix.lower() == ".xlsx":
        header, raw_rows = _read_xlsx(content, filename=filename)
    else:
        header, raw_rows = _read_csv(content, filename=filename)
    header = [h.strip().lower() for h in header]
    if not any(header):
        raise ImportRefused(filename, [Problem(1, None, "нет строки заголовка")])
    rows = []
    for number, cells in raw_rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise ImportRefused(
                filename,
                [Problem(number, None, f"ячеек больше, чем столбцов в заголовке ({len(header)})")],
            )
        cells = cells + [""] * (len(header) - len(cells))
        rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    return Table(filename=filename, header=header, rows=rows)


def check_columns(table: Table, *, required: list[str], optional: list[str] = ()) -> None:
    problems = [
        Problem(1, column, "обязательный столбец отсутствует")
        for column in required
        if column not in table.header
    ]
    known = set(required) | set(optional)
    problems += [
        Problem(1, column or "(пусто)", "неизвестный столбец")
        for column in table.header
        if column not in known
    ]
    seen = set()
    for column in table.header:
        if column in seen:
            problems.append(Problem(1, column, "столбец повторяется"))
        seen.add(column)
    if problems:
        raise ImportRefused(table.filename, problems)


def _decode(content: bytes, *, filename: str) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        # Russian Excel saves CSV in Windows-1251. Any byte string decodes as cp1251, so accept
        # it only when its letters are Cyrillic or Latin.
        text = content.decode("cp1251", errors="replace")
        letters = [c for c in text if c.isalpha()]
        if any(not (c.isascii() or "а" <= c.lower() <= "я" or c in "ёЁ") for c in letters):
            text = "\ufffd"
    if "\ufffd" in text or "\x00" in text:
        raise ImportRefused(
            filename,
            [
                Problem(
                    None,
                    None,
                    "кодировка не распознана: сохраните файл как CSV UTF-8 или Windows-1251",
                )
            ],
        )
    return text


def _read_csv(content: bytes, *, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode(content, filename=filename)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        raise ImportRefused(
            filename, [Problem(reader.line_num, None, f"файл CSV повреждён: {error}")]
        ) from None
    if not lines:
        raise ImportRefused(filename, [Problem(None, None, "файл пуст")])
    return lines[0], [(number, cells) for number, cells in enumerate(lines[1:], start=2)]


def _read_xlsx(content: bytes, *, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    _check_xlsx_archive(content, filename=filename)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(
            filename, [Problem(None, None, "файл XLSX повреждён или не является XLSX")]
        ) from None
    sheet = book.worksheets[0]
    lines = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    while lines and not any(lines[-1]):
        lines.pop()
    if not lines:
        raise ImportRefused(filename, [Problem(None, None, "первый лист пуст")])
    width = max((i + 1 for i, h in enumerate(lines[0]) if h), default=0)
    return lines[0][:width], [
        (number, _trim(cells, width)) for number, cells in enumerate(lines[1:], start=2)
    ]


def _trim(cells: list[str], width: int) -> list[str]:
    # Excel often carries empty formatted cells to the right of the data.
    extra = cells[width:]
    return cells if any(extra) else cells[:width]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_xlsx_archive(content: bytes, *, filename: str) -> None:
    """Refuse zip bombs and workbooks linking to other files before openpyxl parses them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ImportRefused(
            filename, [Problem(None, None, "файл XLSX повреждён или не является XLSX")]
        ) from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
            raise ImportRefused(
                filename, [Problem(None, None, "файл XLSX слишком велик после распаковки")]
            )
        if any(name.startswith("xl/externalLinks/") for name in archive.namelist()):
            raise ImportRefused(
                filename,
                [Problem(None, None, "файл XLSX содержит ссылки на другие файлы; удалите их")],
            )
