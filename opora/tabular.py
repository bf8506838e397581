"""Reading uploaded tables for every import: CSV (UTF-8 or Windows-1251, comma or semicolon), XLSX.

Imports never read files themselves: they get a `Table` of text cells from here and report problems
as `Problem(row, column, message)`, so every import names the place of an error the same way.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from opora.exports import GUARD, GUARDED_STARTS

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
_TOO_MANY_CELLS = "ячеек больше, чем столбцов в заголовке ({})"
REPEATED = "столбец повторяется"


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


ROW = "__row__"  # column of a Table's frame: the row number in the file, the header being row 1


@dataclass
class Table:
    """A file's cells as text: one column per header name, in a polars frame for speed at scale."""

    filename: str
    frame: pl.DataFrame
    # Column -> its name as the file writes it, when `named_columns` renamed it (a Russian name).
    written: dict[str, str] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        header = self.header
        for row in self.frame.iter_rows(named=True):
            yield row[ROW], {h: row[h] for h in header}

    @classmethod
    def from_rows(
        cls,
        *,
        filename: str,
        header: list[str],
        rows: list[list[str]],
        numbers: Sequence[int] | None = None,
    ) -> "Table":
        """`numbers`: the rows' numbers in the file, when the header is not its first row."""
        data = {h: [r[i] for r in rows] for i, h in enumerate(header)}
        data[ROW] = list(numbers) if numbers is not None else list(range(2, len(rows) + 2))
        return cls(filename=filename, frame=pl.DataFrame(data, schema=_text_schema(header)))

    def refused(self, problems: list[Problem]) -> ImportRefused:
        """The file refused for `problems`, each column named as the file names it."""
        return ImportRefused(
            self.filename,
            [Problem(p.row, self.written.get(p.column, p.column), p.message) for p in problems],
        )


def header_key(text: str) -> str:
    """A column's name as compared: case, spaces, underscores, ё/е and quotes do not matter, so
    «Отметка «2»», «отметка "2"» and «ОТМЕТКА 2» are one column, «school_code» and «School code»
    another."""
    return "".join(text.translate(_IGNORED_IN_NAMES).casefold().replace("ё", "е").split())


_IGNORED_IN_NAMES = str.maketrans("", "", "«»\"'“”„_")


def named_columns(table: Table, names: Mapping[str, Sequence[str]]) -> Table:
    """The table with its columns called by their names in `names` (column -> the other names
    it may be written with, Russian ones). Every importer reads its header through here, so that
    every format takes the same spellings; a column `names` does not know keeps its name, for
    `check_columns` to refuse. Problems name a renamed column as `names` spells it."""
    spelled = {}
    for column, others in names.items():
        for name in (column, *others):
            spelled.setdefault(header_key(name), (column, name))
    found = {h: spelled.get(header_key(h), (h, h)) for h in table.header}
    columns = [column for column, _ in found.values()]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ImportRefused(
            table.filename,
            [
                Problem(1, " / ".join(n for c, n in found.values() if c == column), REPEATED)
                for column in repeated
            ],
        )
    return Table(
        filename=table.filename,
        frame=table.frame.rename({h: column for h, (column, _) in found.items()}),
        written={column: name for column, name in found.values() if column != name},
    )


def read_table(content: bytes, *, filename: str, sheet: str | None = None) -> Table:
    """The first sheet of an XLSX, or the one named `sheet`; a CSV file as it is."""
    if Path(filename).suffix.lower() == ".xlsx":
        lines = xlsx_lines(content, filename=filename, sheet=sheet)
        return sheet_table(lines, filename=filename, sheet=sheet)
    return _cleaned(_read_csv(content, filename=filename))


def sheet_table(lines: list[list[str]], *, filename: str, sheet: str | None = None) -> Table:
    """A table of a sheet's `lines` (from `xlsx_lines`), the first line its header."""
    if not lines or not any(lines[0]):
        empty = f"лист «{sheet}» пуст" if sheet else "первый лист пуст"
        raise ImportRefused(filename, [Problem(None, None, empty)])
    return _cleaned(lines_table(lines, filename=filename))


def _cleaned(table: Table) -> Table:
    """Cells trimmed and unguarded, empty rows left out."""
    filename = table.filename
    header = table.header
    if not any(header):
        raise ImportRefused(filename, [Problem(1, None, "нет строки заголовка")])
    cells = [_unguarded(pl.col(h).fill_null("").str.strip_chars()).alias(h) for h in header]
    frame = table.frame.select(*cells, ROW).filter(
        pl.any_horizontal(pl.col(h) != "" for h in header)
    )
    return Table(filename=filename, frame=frame)


def _unguarded(cell: pl.Expr) -> pl.Expr:
    """The text without the apostrophe `opora.exports.safe_cell` put before it, so that a file
    exported and loaded back keeps its texts; an apostrophe typed before plain text stays."""
    guarded = cell.str.starts_with(GUARD) & cell.str.slice(1, 1).is_in(list(GUARDED_STARTS))
    return pl.when(guarded).then(cell.str.slice(1).str.strip_chars()).otherwise(cell)


def _text_schema(header: list[str]) -> dict:
    return {**{h: pl.String for h in header}, ROW: pl.Int64}


def check_columns(
    table: Table,
    *,
    required: list[str],
    optional: list[str] = (),
    names: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Refuse a file missing a required column or having an unknown one. A missing column is
    called by its Russian name from `names` (as for `named_columns`) when the file writes its
    header in Russian."""
    russian = {c: others[0] for c, others in (names or {}).items() if others and table.written}
    problems = [
        Problem(1, russian.get(column, column), "обязательный столбец отсутствует")
        for column in required
        if column not in table.header
    ]
    known = set(required) | set(optional)
    problems += [
        Problem(1, table.written.get(column, column) or "(пусто)", "неизвестный столбец")
        for column in table.header
        if column not in known
    ]
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


def _read_csv(content: bytes, *, filename: str) -> Table:
    # Old Mac files end lines with a carriage return alone, which polars does not split on.
    text = _decode(content, filename=filename).replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise ImportRefused(filename, [Problem(None, None, "файл пуст")])
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([first_line], delimiter=separator))]
    _refuse_repeated(header, filename=filename)
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            separator=separator,
            has_header=True,
            new_columns=header,
            infer_schema=False,
            row_index_name=ROW,
            row_index_offset=2,
        )
    except pl.exceptions.PolarsError:
        raise ImportRefused(filename, [_locate_csv_damage(text, separator, len(header))]) from None
    return Table(filename=filename, frame=frame)


def _refuse_repeated(header: list[str], *, filename: str) -> None:
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise ImportRefused(filename, [Problem(1, h or "(пусто)", REPEATED) for h in repeated])


def _locate_csv_damage(text: str, separator: str, width: int) -> Problem:
    """Polars says only that the file is damaged; the csv module finds the row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        for cells in reader:
            if len(cells) > width:
                return Problem(reader.line_num, None, _TOO_MANY_CELLS.format(width))
    except csv.Error as error:
        return Problem(reader.line_num, None, f"файл CSV повреждён: {error}")
    return Problem(None, None, "файл CSV повреждён")


def xlsx_lines(content: bytes, *, filename: str, sheet: str | None = None) -> list[list[str]]:
    """Every row of the first sheet (or the one named `sheet`) as text cells, for the reports
    whose header is not the first row (opora.assessments.reports)."""
    _check_xlsx_archive(content, filename=filename)
    import openpyxl  # on the first workbook: a command that reads none need not load it

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(
            filename, [Problem(None, None, "файл XLSX повреждён или не является XLSX")]
        ) from None
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise ImportRefused(filename, [Problem(None, None, f"нет листа «{sheet}»")])
    worksheet = book[sheet] if sheet else book.worksheets[0]
    # The read-only reader stops at the range the file's <dimension> claims, which some
    # generators understate: forget it, so that every row and column written is read.
    worksheet.reset_dimensions()
    lines = [[_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    book.close()
    return lines


def lines_table(lines: list[list[str]], *, filename: str) -> Table:
    """The rows of a sheet's `lines` below the first, which is the header."""
    # Excel often carries empty formatted cells to the right of the data.
    width = max(i + 1 for i, h in enumerate(lines[0]) if h)
    header = [h.strip().lower() for h in lines[0][:width]]
    _refuse_repeated(header, filename=filename)
    for number, cells in enumerate(lines[1:], start=2):
        if any(cells[width:]):
            raise ImportRefused(filename, [Problem(number, None, _TOO_MANY_CELLS.format(width))])
    rows = [(cells + [""] * width)[:width] for cells in lines[1:]]
    return Table.from_rows(filename=filename, header=header, rows=rows)


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
