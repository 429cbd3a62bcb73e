"""One sheet of rows written as an .xlsx workbook, straight from the standard library.

openpyxl writes a cell at a time through its XML element layer: the large demo's case list (28,500
rows, 12 columns) took about 5 s that way, against a promise of 3 s. A workbook of one plain sheet
is a handful of small XML parts in a zip, so the sheet's rows are written here as text, a row at a
time, into the zip's compressed stream. What is written: a bold header row frozen at the top (and
repeated on every printed page) with a filter button on each column, each column's width, text as
inline strings, whole numbers, and dates as real date cells shown dd/mm/yyyy. A text a spreadsheet
would run as a formula gets an apostrophe before it (``escape_cell``), as in every file the product
writes. openpyxl and the import's own reader read it back in the tests.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO

from caseworker.io.table import FORMULA_START, escape_cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
EXCEL_DAY_ZERO = date(1899, 12, 30)  # serial day 0 of Excel's 1900 date system (after its 1900 leap-year bug)
HEADER_STYLE, DATE_STYLE = 1, 2  # indexes into cellXfs in STYLES
ROWS_PER_WRITE = 2000

# Characters XML 1.0 cannot hold at all; a carriage return is written as a reference so it survives.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPING = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Value = str | int | date | None

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="{SHEET_TYPE}.styles+xml"/>\
</Types>"""

PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS}">\
<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""

WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS}">\
<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/>\
</Relationships>"""

# cellXfs: 0 plain, 1 the bold header, 2 a date shown dd/mm/yyyy (number format 164, the first a file may define).
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def column_letters(index: int) -> str:
    """A 0-based column's letters: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_text(text: str) -> str:
    """``text`` safe inside an element: markup escaped, characters XML cannot hold dropped."""
    if _NEEDS_ESCAPING.search(text) is None:  # nearly every name, reference and date word
        return text
    text = _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _quoted_sheet_name(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _workbook(sheet: str, columns: int, rows: int) -> str:
    everything = f"{_quoted_sheet_name(sheet)}!$A$1:${column_letters(columns - 1)}${rows + 1}"
    names = (f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{xml_text(everything)}'
             f'</definedName>' if columns else "")
    names += f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{xml_text(_quoted_sheet_name(sheet))}!$1:$1' \
             f'</definedName>'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{DOC_RELS}"><bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name="{xml_text(sheet)}" sheetId="1" r:id="rId1"/></sheets>'
            f'<definedNames>{names}</definedNames></workbook>')


def _sheet_start(widths: Sequence[float]) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")


def _sheet_end(columns: int, rows: int) -> str:
    where = f'<autoFilter ref="A1:{column_letters(columns - 1)}{rows + 1}"/>' if columns else ""
    return f'</sheetData>{where}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" ' \
           'footer="0.3"/></worksheet>'


def _text_cell(ref: str, text: str, style: str = "") -> str:
    if text.startswith(FORMULA_START):
        text = escape_cell(text)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'


def _row(number: int, letters: Sequence[str], values: Sequence[Value]) -> str:
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if value is None or value == "":
            continue
        ref = f"{letter}{number}"
        if isinstance(value, str):
            cells.append(_text_cell(ref, value))
        elif isinstance(value, date):
            cells.append(f'<c r="{ref}" s="{DATE_STYLE}"><v>{(value - EXCEL_DAY_ZERO).days}</v></c>')
        else:
            cells.append(f'<c r="{ref}"><v>{int(value)}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_workbook(fh: IO[bytes], sheet: str, header: Sequence[str], rows: Iterable[Sequence[Value]],
                   widths: Sequence[float], row_count: int) -> None:
    """The workbook into ``fh``: ``header`` in bold, frozen, then ``rows`` (``row_count`` of them)."""
    letters = [column_letters(i) for i in range(len(header))]
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", PACKAGE_RELS)
        book.writestr("xl/workbook.xml", _workbook(sheet, len(header), row_count))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            style = f' s="{HEADER_STYLE}"'
            head = "".join(_text_cell(f"{letter}1", title, style) for letter, title in zip(letters, header,
                                                                                            strict=True))
            part.write((_sheet_start(widths) + f'<row r="1">{head}</row>').encode())
            batch: list[str] = []
            for number, values in enumerate(rows, start=2):
                batch.append(_row(number, letters, values))
                if len(batch) == ROWS_PER_WRITE:
                    part.write("".join(batch).encode())
                    batch.clear()
            part.write(("".join(batch) + _sheet_end(len(header), row_count)).encode())
