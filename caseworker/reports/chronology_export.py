"""Exporting a case's chronology: the PDF evidence index, or a CSV of the same events.

The CSV opens correctly in Excel (UTF-8 with a byte-order mark) and a value a spreadsheet would run as a
formula is written as text, as every CSV the product writes is (caseworker.io.table). A file is written
whole (a temporary file flushed and renamed into place), never over the database, and never over an
existing file unless the caller says the user agreed (``replace``): otherwise ExportExists, and nothing
is written.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from caseworker.commands.letters import database_file
from caseworker.context import AppContext
from caseworker.errors import CaseworkerError
from caseworker.io.table import write_rows
from caseworker.output_paths import database_clash, write_whole
from caseworker.views.chronology import KINDS, Chronology, chronology
from caseworker.views.chronology_events import LONDON

CSV_HEADER = ("Case reference", "No.", "Date", "Time (UK)", "Kind", "What", "By", "Details", "Where recorded")
FORMATS = (".pdf", ".csv")


class ExportRefused(CaseworkerError):
    """The file cannot be written there (a database, a folder, or the disk refused)."""


class ExportExists(ExportRefused):
    """The file is already there; ask before replacing it."""


def chronology_csv(c: Chronology, kinds: Iterable[str] | None = None) -> bytes:
    """The events (of ``kinds`` when given) as CSV bytes: UTF-8 with a BOM, formulas escaped."""
    events = c.events if kinds is None else c.of_kinds(kinds)
    rows = [(c.header.reference, str(n), e.on.isoformat(), f"{e.at.astimezone(LONDON):%H:%M}" if e.at else "",
             KINDS.get(e.kind, e.kind), e.what, e.who, e.details, e.source) for n, e in enumerate(events, 1)]
    text = io.StringIO(newline="")
    write_rows(text, CSV_HEADER, rows)
    return text.getvalue().encode("utf-8-sig")


def write_export(path: Path, data: bytes, *, replace: bool = False, database: Path | None = None) -> None:
    """Write ``data`` to ``path`` whole; ExportExists if a file is there and ``replace`` is not given."""
    clash = database_clash(path, database)
    if clash is not None:
        raise ExportRefused(f"{path} is {clash}; an export is never written over it")
    if path.is_dir():
        raise ExportRefused(f"{path} is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise ExportRefused(f"{path} is not an ordinary file; nothing was written")
    if path.exists() and not replace:
        raise ExportExists(f"{path} already exists; nothing was written")
    try:
        write_whole(path, data)
    except OSError as exc:
        raise ExportRefused(f"cannot write {path}: {exc.strerror or exc}") from None


def export_chronology(ctx: AppContext, case_id: int, path: Path, *, printed_by: str,
                      kinds: Iterable[str] | None = None, replace: bool = False) -> Path:
    """The case's chronology written to ``path``: a PDF for .pdf, a CSV for .csv. Returns the path written."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportRefused(f"{path.name}: an export is a .pdf or a .csv file")
    database = database_file(ctx)
    if path.exists() and not replace:  # before the work of making it
        write_export(path, b"", replace=False, database=database)
    c = chronology(ctx, case_id)
    if suffix == ".csv":
        data = chronology_csv(c, kinds)
    else:
        from caseworker.reports.chronology_pdf import render_chronology_pdf  # reportlab loads when first needed

        data = render_chronology_pdf(c, printed_by=printed_by, printed_at=datetime.now(LONDON), kinds=kinds)
    write_export(path, data, replace=replace, database=database)
    return path
