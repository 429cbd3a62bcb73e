"""Saving the case list as shown: the rows the filters and search leave, in the table's order, and the
columns the table shows, in their order (caseworker/io/export.py writes the file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget

from caseworker.context import AppContext
from caseworker.io.export import EXPORT_KINDS, Cell, export_table
from caseworker.views.case_list import CaseRow
from ui.table_model import Column, RowTableModel

FOLDER_SETTING = "cases/export_folder"


@dataclass(frozen=True)
class ShownList:
    """What the table shows, taken on the UI thread (a copy of the list, no cell read yet)."""

    columns: list[Column[CaseRow]]
    rows: list[CaseRow]


def shown_list(table: QTableView, model: RowTableModel[CaseRow]) -> ShownList:
    header = table.horizontalHeader()
    in_view_order = [header.logicalIndex(position) for position in range(header.count())]
    return ShownList([model.columns[i] for i in in_view_order if not header.isSectionHidden(i)], model.rows())


def list_cells(shown: ShownList) -> tuple[list[str], list[list[Cell]]]:
    """The header and each row's cells (a date column as dates, the rest as shown)."""
    header = [c.export_title or c.title for c in shown.columns]
    readers = [c.exported for c in shown.columns]
    return header, [[read(row) for read in readers] for row in shown.rows]


def export_shown(ctx: AppContext, shown: ShownList, path: Path, *, replace: bool) -> int:
    """Runs on the task runner: the file written whole; the number of cases in it."""
    from caseworker.services.importing import sqlite_file

    header, rows = list_cells(shown)
    return export_table(path, header, rows, sheet="Cases", database=sqlite_file(ctx), replace=replace)


def ask_where(parent: QWidget, today: date) -> Path | None:
    """The save dialog (it asks before replacing a file); None if the person cancels."""
    settings = QSettings()
    folder = settings.value(FOLDER_SETTING) or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    dialog = QFileDialog(parent, "Export the list as shown", str(Path(str(folder)) / f"cases-{today.isoformat()}"))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    filters = [f"{words} (*{suffix})" for suffix, words in EXPORT_KINDS.items()]
    dialog.setNameFilters(filters)
    dialog.setDefaultSuffix("xlsx")
    dialog.filterSelected.connect(lambda chosen: dialog.setDefaultSuffix(chosen.rsplit("*.", 1)[-1].rstrip(")")))
    try:
        if not dialog.exec() or not dialog.selectedFiles():
            return None
        path = Path(dialog.selectedFiles()[0])
    finally:
        dialog.deleteLater()
    settings.setValue(FOLDER_SETTING, str(path.parent))
    return path
