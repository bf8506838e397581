"""Table exports: an export yields rows; this module writes them as CSV or XLSX.

Every cell that a spreadsheet would take for a formula (starting with = + - @, or a tab or
carriage return) is prefixed with an apostrophe, so an exported school name cannot run code. A text
that itself starts with an apostrophe gets one more, so that `opora.tabular`, reading the file back,
removes exactly the added one (`unguard`).
"""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
GUARDED_STARTS = (*FORMULA_STARTS, GUARD)


def safe_cell(value):
    if isinstance(value, str) and value.startswith(GUARDED_STARTS):
        return GUARD + value
    return value


def write_csv(rows: Iterable[Iterable], stream, *, delimiter: str = ";") -> None:
    """Semicolons by default: Russian Excel opens such a file in columns."""
    writer = csv.writer(stream, delimiter=delimiter)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def csv_bytes(rows: Iterable[Iterable], *, delimiter: str = ";") -> bytes:
    stream = io.StringIO()
    write_csv(rows, stream, delimiter=delimiter)
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
