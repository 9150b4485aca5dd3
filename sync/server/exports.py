"""Whole reports as files for Excel, streamed: CSV (UTF-8 with a BOM) and .xlsx.

An export is always the whole report (never a page of it), with the same figures as the
JSON: the rows are the report function's own. CSV goes out in chunks as it is written;
.xlsx is written row by row with openpyxl's write-only mode into a temporary file, which is
then streamed and deleted. Each ``*_fen`` column is followed by its ``*_yuan`` twin, worked
out from integers; in .xlsx fen are numbers and yuan text, so no float ever holds money.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator

#: Rows per CSV chunk handed to the server.
CSV_CHUNK_ROWS = 500
#: Bytes per chunk of the .xlsx file.
FILE_CHUNK = 64 * 1024
#: The largest integer Excel holds exactly (a double): bigger fen are written as text.
EXCEL_EXACT = 2**53
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header(columns: list[str]) -> list[str]:
    """The columns with each *_fen followed by its *_yuan twin."""
    out: list[str] = []
    for column in columns:
        out.append(column)
        if column.endswith("_fen"):
            out.append(column[: -len("_fen")] + "_yuan")
    return out


def yuan(fen: int) -> str:
    """Fen as a yuan figure for spreadsheets, from integers only: 1280 -> '12.80'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def safe_text(value: str) -> str:
    # Names and ids come from terminals: a leading = would run as a formula in Excel.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def cells(columns: list[str], row: dict, cell) -> list:
    """A row's values in ``header(columns)`` order: each value through ``cell``, then for
    a *_fen column its yuan text (never escaped: it is a number as text)."""
    out = []
    for column in columns:
        value = row.get(column)
        out.append(cell(value))
        if column.endswith("_fen"):
            out.append("" if value is None else yuan(value))
    return out


def csv_chunks(columns: list[str], rows: Iterable[dict]) -> Iterator[bytes]:
    """The CSV as UTF-8 byte chunks, the first starting with the BOM: Excel on Chinese
    Windows reads BOM-less CSV as GBK and garbles every name; with it, as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(columns))
    pending = 0
    first = True
    for row in rows:
        writer.writerow(cells(columns, row, _csv_cell))
        pending += 1
        if pending >= CSV_CHUNK_ROWS:
            yield (("\ufeff" if first else "") + out.getvalue()).encode("utf-8")
            first, pending = False, 0
            out.seek(0)
            out.truncate()
    yield (("\ufeff" if first else "") + out.getvalue()).encode("utf-8")


def _xlsx_cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= EXCEL_EXACT:
        return str(value)  # a double would round it
    if isinstance(value, str):
        return safe_text(value)
    return value


def xlsx_file(columns: list[str], rows: Iterable[dict], sheet: str) -> str:
    """Write the report to a temporary .xlsx file (write-only: a row at a time, whatever
    the size) and return its path; the caller streams it with ``file_chunks``."""
    from openpyxl import Workbook  # the server extra only

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append(header(columns))
    for row in rows:
        worksheet.append(cells(columns, row, _xlsx_cell))
    handle, path = tempfile.mkstemp(prefix="booth-report-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return path


def file_chunks(path: str) -> Iterator[bytes]:
    """The file's bytes in chunks; the file is deleted once read (or abandoned)."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(FILE_CHUNK):
                yield chunk
    finally:
        os.unlink(path)
