"""Table exports: an export yields rows; this module writes them as CSV or XLSX.

Every cell that a spreadsheet would take for a formula (starting with = + - @, or a tab or
carriage return) is prefixed with an apostrophe, so an exported school name cannot run code. A text
that itself starts with an apostrophe gets one more, so that `opora.tabular`, reading the file back,
removes exactly the added one (`unguard`).
"""

import csv
import io
import re
from collections.abc import Iterable

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
GUARDED_STARTS = (*FORMULA_STARTS, GUARD)


def safe_cell(value):
    if isinstance(value, str) and value.startswith(GUARDED_STARTS):
        return GUARD + value
    return value


def write_csv(table: Iterable[Iterable] | pl.DataFrame, stream, *, delimiter: str = ";") -> None:
    """Rows (the first is the header) or a frame (its columns are the header). Semicolons by
    default: Russian Excel opens such a file in columns."""
    if isinstance(table, pl.DataFrame):
        stream.write(_guarded(table).write_csv(separator=delimiter, line_terminator="\r\n"))
        return
    writer = csv.writer(stream, delimiter=delimiter)
    for row in table:
        writer.writerow([safe_cell(v) for v in row])


def _guarded(frame: pl.DataFrame) -> pl.DataFrame:
    """safe_cell over a frame's text columns at once: a country's list is 40,000 rows. Empty
    texts become nulls, which polars writes as the module csv writes an empty text."""
    guarded = f"^[{re.escape(''.join(GUARDED_STARTS))}]"
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name) == "")
        .then(None)
        .when(pl.col(name).str.contains(guarded))
        .then(GUARD + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in texts
    )


def csv_bytes(table: Iterable[Iterable] | pl.DataFrame, *, delimiter: str = ";") -> bytes:
    stream = io.StringIO()
    write_csv(table, stream, delimiter=delimiter)
    return ("\ufeff" + stream.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8


def xlsx_workbook_bytes(sheets: dict[str, Iterable[Iterable]]) -> bytes:
    """Several sheets in one workbook: sheet title -> rows (the first row is the header)."""
    import openpyxl  # on the first workbook: a command that writes none need not load it

    book = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
