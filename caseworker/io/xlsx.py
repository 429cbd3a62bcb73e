"""The first sheet of an .xlsx workbook, row by row, trusting nothing the file says about itself.

openpyxl reads the workbook's parts (shared strings, date styles); its cell parser reads each cell.
The rows themselves are read here from the sheet's XML as a stream, because openpyxl's read-only
sheet trusts the sheet's declared ``<dimension>``: a workbook whose dimension says A1:M10 loses every
row below 10, and one that declares none is padded out to its widest row, every row of it, which
turned a 433 KB file into gigabytes. Here every ``<row>`` is read whatever the dimension says, rows
are kept sparse, and the limits (caseworker/io/limits.py) are checked as the XML arrives.

A formula cell is imported by the value Excel saved with it. A formula with no saved value (a
workbook written by a program that does not calculate) is refused by row and column: importing it
as blank would silently drop what the cell shows in Excel.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError, iterparse

from caseworker.io.limits import LAST_ROW, MAX_COLUMNS, MAX_PART_BYTES, MAX_SHEET_BYTES, MAX_XLSX_CELLS

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, FORMULA = f"{MAIN}row", f"{MAIN}c", f"{MAIN}v", f"{MAIN}f"
TEXT_RESULTS = frozenset({"str", "inlineStr"})


class XlsxError(ValueError):
    """The workbook cannot be read; the message says why (the caller adds the file's name)."""


class SheetError(ValueError):
    """A row of the sheet cannot be imported: ``row`` as Excel shows it, ``column`` a letter or ""."""

    def __init__(self, row: int, column: str, reason: str) -> None:
        self.row = row
        self.column = column
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A cell whose value the workbook does not hold: a formula saved without its value, or an error
    Excel shows in the cell (``#REF!``). ``shown`` is what the cell holds; ``reason`` says why not."""

    shown: str
    reason: str

    def __str__(self) -> str:
        return self.shown


def column_letter(index: int) -> str:
    """Spreadsheet letters for a 1-based column number: 1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _check_sizes(archive: zipfile.ZipFile) -> None:
    """What each part unpacks to, as the archive declares it (zipfile never reads past that)."""
    for info in archive.infolist():
        limit = MAX_SHEET_BYTES if info.filename.startswith("xl/worksheets/") else MAX_PART_BYTES
        if info.file_size > limit:
            raise XlsxError(f"its part {info.filename} unpacks to {info.file_size:,} bytes, more than the "
                            f"{limit:,} a tracker can need")


@contextmanager
def open_sheet(fh: BinaryIO) -> Iterator[Iterator[tuple[int, list[Any]]]]:
    """The first sheet's rows as (row number, cells), cells dense up to the last filled one.

    ``XlsxError`` when the workbook cannot be opened; ``SheetError`` from the rows when one cannot be
    imported or the sheet breaks a limit.
    """
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(fh) as archive:
            _check_sizes(archive)
        fh.seek(0)
        wb = load_workbook(fh, read_only=True, data_only=True)
    except OSError:
        raise
    except XlsxError:
        raise
    except Exception as exc:  # zipfile, KeyError and XML errors for a damaged or foreign file
        raise XlsxError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        if not wb.worksheets:
            raise XlsxError("it has no sheets")
        ws = wb.worksheets[0]
        with wb._archive.open(ws._worksheet_path) as source:
            yield _rows(source, _cell_reader(wb, ws))  # openpyxl's own way into the sheet
    finally:
        wb.close()


def _cell_reader(wb: Any, ws: Any) -> Any:
    from openpyxl.worksheet._reader import WorkSheetParser

    return WorkSheetParser(None, ws._shared_strings, data_only=True, epoch=wb.epoch,
                           date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)


def _unreadable(cell: Element) -> Unreadable | None:
    if cell.get("t") == "e":
        shown = cell.findtext(VALUE) or "#VALUE!"
        return Unreadable(shown, f"the cell shows the error {shown}: correct it in Excel, or clear the cell")
    formula = cell.find(FORMULA)
    if formula is None:
        return None
    value = cell.find(VALUE)
    if value is not None and (value.text or cell.get("t") in TEXT_RESULTS):
        return None
    shown = "=" + (formula.text or "")
    return Unreadable(shown, f"the formula {shown} was saved without its value (the program that wrote the "
                             "workbook did not calculate it): open it in Excel and save it, or type the value")


class _Sheet:
    """The state of one pass over the sheet's XML."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.row = 0  # the row being read (Excel's number)
        self.cells: dict[int, Any] = {}
        self.written = 0  # <c> elements in this row
        self.total = 0  # <c> elements in the sheet

    def start_row(self, element: Element) -> None:
        given = element.get("r")
        try:
            number = int(given) if given is not None else self.row + 1
        except ValueError:
            raise SheetError(self.row + 1, "", f"the sheet's XML gives a row the number {given!r}") from None
        if number <= self.row or number > LAST_ROW:
            raise SheetError(number, "", f"the sheet's XML puts row {number:,} after row {self.row:,}"
                             if number <= self.row else f"row {number:,} is beyond Excel's last row ({LAST_ROW:,})")
        self.row, self.cells, self.written = number, {}, 0
        self.parser.row_counter, self.parser.col_counter = number, 0

    def cell(self, element: Element) -> None:
        self.written += 1
        self.total += 1
        if self.written > MAX_COLUMNS or self.total > MAX_XLSX_CELLS:
            raise SheetError(self.row, "", f"the sheet has more than {MAX_COLUMNS:,} cells in this row"
                             if self.written > MAX_COLUMNS else
                             f"the sheet has more than {MAX_XLSX_CELLS:,} cells by this row")
        unreadable = _unreadable(element)
        parsed = self.parser.parse_cell(element)
        column = parsed["column"]
        if column > MAX_COLUMNS:
            raise SheetError(self.row, column_letter(column),
                             f"a cell in column {column_letter(column)} is beyond the {MAX_COLUMNS:,} columns a "
                             "tracker may have; delete what is there")
        value = unreadable or parsed["value"]
        if value is not None:
            self.cells[column] = value

    def dense(self) -> list[Any]:
        if not self.cells:
            return []
        out: list[Any] = [None] * max(self.cells)
        for column, value in self.cells.items():
            out[column - 1] = value
        return out


def _rows(source: Any, parser: Any) -> Iterator[tuple[int, list[Any]]]:
    sheet = _Sheet(parser)
    path: list[Element] = []  # the open elements, root first
    try:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                path.append(element)
                if element.tag == ROW:
                    sheet.start_row(element)
                continue
            path.pop()
            if element.tag == CELL and path and path[-1].tag == ROW:
                sheet.cell(element)
                path[-1].remove(element)  # a row of a million empty cells must not pile up
            elif element.tag == ROW:
                yield sheet.row, sheet.dense()
                if path:
                    path[-1].remove(element)
            elif len(path) == 1:
                path[0].remove(element)  # columns, merged cells, views: nothing the import needs
    except ParseError as exc:
        raise SheetError(sheet.row or 1, "", f"the first sheet's XML is damaged ({exc}); open the workbook "
                                             "in Excel and save it again") from None
