"""Reading a spreadsheet into a header and numbered rows, and writing rows back out as CSV.

CSV: UTF-8 (with or without a byte-order mark), falling back to Windows-1252, which is what Excel
writes when a tracker is saved as plain "CSV"; the delimiter (comma, semicolon or tab) is taken from
the header line. .xlsx: the first sheet, read with openpyxl in read-only mode; date cells arrive as
datetimes. Rows are numbered as a spreadsheet shows them, counting blank rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caseworker.io.cells import cell_text

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = (",", ";", "\t")


class TableError(Exception):
    """The file cannot be read as a table at all; the message says why."""


@dataclass(slots=True)
class RawRow:
    number: int  # as a spreadsheet shows it: the header is usually row 1
    cells: Sequence[Any]


@dataclass(slots=True)
class Table:
    header: list[str]  # as written in the file, one per column (blank names are "")
    header_row: int
    rows: list[RawRow] = field(default_factory=list)


def is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (type(c) is str and not c.strip()) for c in cells)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, else Latin-1 (which never fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """The delimiter used most on the first non-blank line (comma when there is none)."""
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in DELIMITERS}
            best = max(DELIMITERS, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _table(rows: Iterator[Sequence[Any]], name: str) -> Table:
    for number, cells in enumerate(rows, start=1):
        if not is_blank(cells):
            table = Table([cell_text(c) or "" for c in cells], number)
            break
    else:
        raise TableError(f"{name} is empty: it has no header row")
    for number, cells in enumerate(rows, start=table.header_row + 1):
        if not is_blank(cells):
            table.rows.append(RawRow(number, cells))
    return table


def read_csv_text(text: str, name: str = "the file") -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        return _table(iter(reader), name)
    except csv.Error as exc:
        raise TableError(f"{name} is not a readable CSV file: {exc}") from None


def read_csv(path: Path) -> Table:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise TableError(f"{path.name} is an Excel workbook, not CSV: name it .xlsx or save it as CSV")
    return read_csv_text(decode(data), path.name)


def read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except OSError:
        raise
    except Exception as exc:  # openpyxl raises zipfile, KeyError and XML errors for a bad file
        raise TableError(f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__}: {exc})") \
            from None
    try:
        if not wb.worksheets:
            raise TableError(f"{path.name} has no sheets")
        ws = wb.worksheets[0]
        return _table(iter(ws.iter_rows(values_only=True)), f"the first sheet of {path.name}")
    finally:
        wb.close()


def read_table(path: Path) -> Table:
    """The file's first table: CSV by default, .xlsx/.xlsm by suffix; .xls is refused with advice."""
    suffix = path.suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES:
            return read_xlsx(path)
        if suffix == ".xls":
            raise TableError(f"{path.name} is an old-style .xls workbook: save it as .xlsx or CSV")
        return read_csv(path)
    except OSError as exc:
        raise TableError(f"cannot read {path}: {exc.strerror or exc}") from None


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A CSV that Excel opens correctly (UTF-8 with a byte-order mark) and this importer reads back."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
