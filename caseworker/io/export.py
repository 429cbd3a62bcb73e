"""A list on screen saved as a spreadsheet (.xlsx or .csv): the rows and columns as shown, in that order.

What the caller passes is what is written: a header and rows of text, whole numbers and dates. Dates
are real date cells in a workbook, shown day first (dd/mm/yyyy), and day-first text in a CSV. A CSV is
UTF-8 with a byte-order mark, so Excel shows Zoë and Ţurcanu as they are. A text that a spreadsheet
would run as a formula (it begins with =, +, -, @, a tab or a carriage return) is written as text with
an apostrophe before it, in both kinds of file (``escape_cell``, as the import's rejects file does).

The file goes where every file the product makes goes (caseworker/output_paths.py): never over the
database in use or any other database, written whole beside its target and renamed into place, and
never over an existing file unless the caller says the person has agreed to replace it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO

from caseworker.errors import CaseworkerError
from caseworker.io.table import escape_cell
from caseworker.io.workbook import write_workbook
from caseworker.output_paths import database_clash, link_new, sync_folder

Cell = str | int | date | None
EXPORT_KINDS = {".xlsx": "Excel workbook", ".csv": "CSV, UTF-8 (opens in Excel)"}
NARROWEST, WIDEST = 6, 60  # column widths in a workbook, in characters


class ExportRefused(CaseworkerError, ValueError):
    """The file cannot be written there (or the disk refused it); the message names it and says why."""


def check_export_path(path: Path, *, database: Path | None = None, replace: bool = False) -> None:
    """Refuse ``path`` (``ExportRefused``) before anything is written."""
    clash = database_clash(path, database)
    if clash is not None:
        raise ExportRefused(f"{path} is {clash}; choose another name")
    if path.suffix.lower() not in EXPORT_KINDS:
        raise ExportRefused(f"{path.name} is neither an .xlsx workbook nor a .csv file; end the name with .xlsx "
                            "or .csv")
    if path.is_dir():
        raise ExportRefused(f"{path} is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise ExportRefused(f"{path} is not an ordinary file; choose another name")
    if path.exists() and not replace:
        raise ExportRefused(f"{path} already exists; choose another name, or agree to replace it")
    if not path.parent.is_dir():
        raise ExportRefused(f"the folder for {path} does not exist")


def export_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]], *, sheet: str = "Cases",
                 database: Path | None = None, replace: bool = False) -> int:
    """Write ``header`` and ``rows`` to ``path`` (.xlsx or .csv, by its name); the number of rows written.

    The file appears whole or not at all. ``replace`` says the person agreed to replace an existing
    file (the save dialog asked); without it the name must be new, and a file that appears there while
    this writes is left alone (``ExportRefused``).
    """
    check_export_path(path, database=database, replace=replace)
    write: Callable[[IO[bytes], Sequence[str], Sequence[Sequence[Cell]], str], None] = (
        _write_xlsx if path.suffix.lower() == ".xlsx" else _write_csv)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise ExportRefused(f"cannot write in {path.parent}: {exc.strerror or exc}") from exc
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh, header, rows, sheet)
            fh.flush()
            os.fsync(fh.fileno())
        check_export_path(path, database=database, replace=replace)  # again: the path may have changed
        if replace:
            os.replace(temp, path)
        else:
            try:
                link_new(temp, path)
            except FileExistsError:
                raise ExportRefused(f"{path} appeared while the list was being written; choose another name, "
                                    "or agree to replace it") from None
            temp.unlink()
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):  # a full disk, a file system gone read-only: the person can act on it
            raise ExportRefused(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    sync_folder(path.parent)
    return len(rows)


def csv_cell(value: Cell) -> str:
    """A cell as CSV text: dates day first, as a UK spreadsheet reads them."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return escape_cell(value) if isinstance(value, str) else str(value)


def _write_csv(fh: IO[bytes], header: Sequence[str], rows: Sequence[Sequence[Cell]], _sheet: str) -> None:
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    text.flush()
    text.detach()  # the caller flushes and closes the file itself


def _write_xlsx(fh: IO[bytes], header: Sequence[str], rows: Sequence[Sequence[Cell]], sheet: str) -> None:
    write_workbook(fh, sheet[:31], header, rows, column_widths(header, rows), len(rows))  # escapes as it writes


def column_widths(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[int]:
    """Each column as wide as its longest value or its title (a date is 10 characters), within reason."""
    widths = [len(h) + 2 for h in header]  # room for the filter button
    for i, column in enumerate(zip(*rows, strict=False)):
        longest = max((len(v) if type(v) is str else 10 if isinstance(v, date) else len(str(v))
                       for v in column if v is not None), default=0)
        widths[i] = max(widths[i], longest)
    return [min(max(w + 1, NARROWEST), WIDEST) for w in widths]
