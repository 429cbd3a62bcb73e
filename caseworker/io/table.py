"""Reading a spreadsheet into a header and numbered rows, and writing rows back out as CSV.

CSV: the encoding is decided from the whole file first (caseworker/io/encoding.py): UTF-8, a file
with a byte-order mark in what the mark says, or Excel's ordinary "CSV" (Windows-1252); the delimiter
(comma, semicolon or tab) is taken from the header line. .xlsx: the first sheet, every row of it
(caseworker/io/xlsx.py); date cells arrive as datetimes. Rows are numbered as a spreadsheet shows
them, counting blank rows. Either way the file is read as a stream, a row at a time, and refused at
the first row that breaks a limit (caseworker/io/limits.py).

Only a regular file is read: a FIFO, a device or a folder is refused before anything waits on it.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from caseworker.io.cells import cell_text
from caseworker.io.encoding import Encoding, EncodingError, detect, detect_bytes
from caseworker.io.limits import LAST_ROW, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from caseworker.io.xlsx import SheetError, XlsxError, column_letter, open_sheet

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = (",", ";", "\t")
SNIFF_CHARS = 1 << 16
# A cell beginning with one of these is a formula to a spreadsheet program (CSV injection): the files
# Caseworker writes put an apostrophe before it, and reading a CSV back takes that apostrophe away.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


@dataclass(slots=True)
class TableStream:
    """A table being read: its header, and its non-blank rows as they come."""

    name: str
    header: list[str]
    header_row: int
    rows: Iterator[RawRow]


def is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (type(c) is str and not c.strip()) for c in cells)


def escape_cell(value: str) -> str:
    """A value a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unescape_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def sniff_delimiter(text: str) -> str:
    """The delimiter used most on the first non-blank line (comma when there is none)."""
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in DELIMITERS}
            best = max(DELIMITERS, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _where(name: str, row: int, column: str = "") -> str:
    return f"{name}, row {row:,}" + (f", column {column}" if column else "")


def _stream(numbered: Iterable[tuple[int, Sequence[Any]]], name: str) -> TableStream:
    """The header (the first non-blank row) and the non-blank rows after it, within the limits."""
    rows = iter(numbered)
    for number, cells in rows:
        _check_row(name, number, cells, cells)
        if not is_blank(cells):
            header = [cell_text(c) or "" for c in cells]
            return TableStream(name, header, number, _data(rows, name, header))
    raise TableError(f"{name} is empty: it has no header row")


def _data(rows: Iterator[tuple[int, Sequence[Any]]], name: str, header: list[str]) -> Iterator[RawRow]:
    count = 0
    for number, cells in rows:
        _check_row(name, number, cells, header)
        if is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise TableError(f"{_where(name, number)}: the file has more than {MAX_ROWS:,} rows of data, more "
                             "than the import takes in one go; split it into smaller files")
        yield RawRow(number, cells)


def _check_row(name: str, number: int, cells: Sequence[Any], header: Sequence[Any]) -> None:
    if number > LAST_ROW:
        raise TableError(f"{_where(name, number)}: the file goes on beyond row {LAST_ROW:,}, Excel's last; "
                         "it is not a tracker")
    if len(cells) > MAX_COLUMNS:
        raise TableError(f"{_where(name, number)}: {len(cells):,} cells, more than the {MAX_COLUMNS:,} columns "
                         "a tracker may have (is the delimiter right?)")
    try:
        if max(map(len, cells), default=0) <= MAX_CELL_CHARS:  # a CSV row: text only, measured in C
            return
    except TypeError:  # a sheet's row holds numbers and dates too
        pass
    for i, c in enumerate(cells):
        if type(c) is str and len(c) > MAX_CELL_CHARS:
            column = (cell_text(header[i]) if i < len(header) else None) or column_letter(i + 1)
            raise TableError(f"{_where(name, number, column)}: {len(c):,} characters, more than a spreadsheet "
                             f"cell holds ({MAX_CELL_CHARS:,})")


def _csv_records(text: Iterable[str], delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if any(c.startswith("'") for c in cells):
                cells = [unescape_cell(c) for c in cells]
            yield number, cells
    except csv.Error as exc:
        raise TableError(f"{_where(name, number + 1)}: not readable as CSV ({exc})") from None
    except UnicodeDecodeError as exc:  # the file changed under us since its encoding was decided
        raise TableError(f"{_where(name, number + 1)}: {name} changed while it was read ({exc.reason}); import "
                         "it again") from None
    except OSError as exc:
        raise TableError(f"cannot read {name}: {exc.strerror or exc}") from None


def read_csv_text(text: str, name: str = "the file") -> Table:
    stream = _stream(_csv_records(io.StringIO(text, newline=""), sniff_delimiter(text[:SNIFF_CHARS]), name), name)
    return Table(stream.header, stream.header_row, list(stream.rows))


def decode(data: bytes) -> str:
    """Bytes of a whole CSV file as text, decided as ``detect`` decides (``EncodingError`` if neither)."""
    found = detect_bytes(data)
    return data[found.skip:].decode(found.codec)


def _text(fh: BinaryIO, encoding: Encoding) -> io.TextIOWrapper:
    fh.seek(encoding.skip)
    return io.TextIOWrapper(fh, encoding=encoding.codec, newline="")


class _Prefix(io.RawIOBase):
    """The first ``size`` bytes of a file, from where it stands."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.fh.read(min(len(buffer), self.left)) if self.left > 0 else b""
        buffer[:len(data)] = data
        self.left -= len(data)
        return len(data)


def _locate(fh: BinaryIO, name: str, error: EncodingError, delimiter: str) -> str:
    """``row N, column C`` of the byte ``error`` points at: the CSV records that began before it."""
    fh.seek(error.skip)
    # Up to and including the byte at fault (replaced with U+FFFD): the last record read is the one it is in.
    prefix = io.TextIOWrapper(io.BufferedReader(_Prefix(fh, error.offset + 1 - error.skip)), encoding=error.codec,
                              errors="replace", newline="")
    header: list[str] = []
    number, last = 0, list[str]()
    try:
        for number, last in enumerate(csv.reader(prefix, delimiter=delimiter), start=1):  # noqa: B007
            if not header and not is_blank(last) and len(last) <= MAX_COLUMNS:
                header = last
    except csv.Error:
        number, last = number + 1, []
    prefix.detach()
    column = max(len(last) - 1, 0)
    named = header[column].strip() if column < len(header) and header is not last else ""
    return _where(name, number, named or column_letter(column + 1))


@contextmanager
def _open_csv(fh: BinaryIO, name: str) -> Iterator[TableStream]:
    if fh.read(4) == b"PK\x03\x04":
        raise TableError(f"{name} is an Excel workbook, not CSV: name it .xlsx or save it as CSV")
    fh.seek(0)
    try:
        encoding = detect(fh)
    except EncodingError as exc:
        fh.seek(0)
        sample = fh.read(SNIFF_CHARS).decode(exc.codec, errors="replace")
        raise TableError(f"{_locate(fh, name, exc, sniff_delimiter(sample))}: {exc.reason}") from None
    wrapper = _text(fh, encoding)
    delimiter = sniff_delimiter(wrapper.read(SNIFF_CHARS))
    wrapper.detach()
    text = _text(fh, encoding)
    try:
        yield _stream(_csv_records(text, delimiter, name), name)
    finally:
        text.detach()


@contextmanager
def _open_xlsx(fh: BinaryIO, name: str) -> Iterator[TableStream]:
    try:
        with open_sheet(fh) as rows:
            yield _stream(_sheet_rows(rows, name), f"the first sheet of {name}")
    except XlsxError as exc:
        raise TableError(f"{name}: {exc}") from None


def _sheet_rows(rows: Iterator[tuple[int, list[Any]]], name: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        yield from rows
    except SheetError as exc:
        raise TableError(f"{_where(name, exc.row, exc.column)}: {exc.reason}") from None
    except OSError as exc:
        raise TableError(f"cannot read {name}: {exc.strerror or exc}") from None


@contextmanager
def regular_file(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened for reading, refused unless it is a regular file (a FIFO would block the import)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise TableError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "not a regular file"
            raise TableError(f"{path} is {what}: give a .csv or .xlsx file saved on disk")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        yield fh


@contextmanager
def open_table(path: Path) -> Iterator[TableStream]:
    """The file's first table, as a stream: CSV by default, .xlsx/.xlsm by suffix; .xls is refused.

    ``TableError`` when opening it, or from its rows as they are read, says why it cannot be imported.
    """
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise TableError(f"{path.name} is an old-style .xls workbook: save it as .xlsx or CSV")
    with regular_file(path) as fh, ExitStack() as stack:
        try:
            table = stack.enter_context(_open_xlsx(fh, path.name) if suffix in XLSX_SUFFIXES
                                        else _open_csv(fh, path.name))
        except OSError as exc:
            raise TableError(f"cannot read {path}: {exc.strerror or exc}") from None
        yield table


def read_table(path: Path) -> Table:
    """The whole of the file's first table (``open_table`` read to the end)."""
    with open_table(path) as stream:
        return Table(stream.header, stream.header_row, list(stream.rows))


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A CSV that Excel opens correctly (UTF-8 with a byte-order mark) and this importer reads back;
    a value that a spreadsheet would run as a formula is written as text (``escape_cell``)."""
    with path.open("x", encoding="utf-8-sig", newline="") as fh:
        write_rows(fh, header, rows)


def write_rows(fh: Any, header: Sequence[str] | None, rows: Iterable[Sequence[str]]) -> None:
    writer = csv.writer(fh)
    if header is not None:
        writer.writerow([escape_cell(c) for c in header])
    writer.writerows([escape_cell(c) for c in row] for row in rows)
