"""What the import will read, documented in docs/tracker-import.md ("Limits").

A tracker far beyond these is not a tracker (a whole database export, a file made to exhaust the
machine, or a sheet with something typed a million rows down): it is refused at once, by row, before
it can take minutes or gigabytes.
"""

from __future__ import annotations

MAX_ROWS = 250_000  # rows of data, blank rows not counted
MAX_COLUMNS = 1_000  # cells a row may have (the tracker has about 60 columns)
LAST_ROW = 1_048_576  # Excel's last row: nothing beyond it is a spreadsheet's
MAX_CELL_CHARS = 32_767  # the most a spreadsheet cell holds
MAX_PROBLEMS = 100  # problems listed one by one; the rest are counted
# An .xlsx workbook is compressed XML: these bound what it may unpack to.
MAX_SHEET_BYTES = 1 << 30  # the first sheet's XML (a full 250,000-row tracker is a few hundred MB)
MAX_PART_BYTES = 256 << 20  # any other part: shared strings, styles, the workbook itself
MAX_XLSX_CELLS = 25_000_000  # cells written in the sheet, blank ones included (100 a row at the cap)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")
