""""Correct this step…" and "Undo this step…" on the case record's Deadlines, Advice and Exceptions rows
(right-click, or the context-menu key), opening the correction form on that row's step.

The Case menu offers the same two forms for any step (ui.step_menu); both save through
caseworker.services.corrections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from caseworker.statutory.corrections import RecordedStep, recorded_steps
from caseworker.views.case_detail import AdviceView, CaseDetail
from ui.dialogs.correct_step import CorrectStepDialog, UndoStepDialog
from ui.panels._record_tables import DeadlineRow, ExceptionRow, RecordTable

if TYPE_CHECKING:
    from ui.panels.case_record import CaseRecordPanel

# A deadline row, and the step that meets it.
MILESTONE_STEP = {"decision_to_assess": "decision_to_assess", "issue_decision": "decision_to_issue",
                  "draft_latest_safe": "draft_sent", "final_plan": "final_plan"}
# (text, undo, key prefix, column) offered on an advice row; the key is completed with the request's id.
ADVICE_CHOICES = (("Correct the date it was requested…", False, "advice_request", "requested_on"),
                  ("Correct the date it was received…", False, "advice_received", "received_on"),
                  ("Undo the request (asked in error)…", True, "advice_request", None),
                  ("Undo the receipt (recorded in error)…", True, "advice_received", None),
                  ("Undo the reg 8(2) excuse…", True, "advice_excuse", None))


def _steps(detail: CaseDetail | None) -> dict[str, RecordedStep]:
    if detail is None or detail.deadlines is None:
        return {}
    return {s.key: s for s in recorded_steps(detail.deadlines.facts, [e.id for e in detail.exceptions])}


Choice = tuple[str, bool, str, str | None]  # menu text, undo, step key, column


def choices_for(table: str, row: object, detail: CaseDetail | None) -> list[Choice]:
    """(menu text, undo, step key, column) for one row of the Deadlines, Advice or Exceptions table; only
    steps recorded on the case (a step not yet recorded has nothing to correct)."""
    steps = _steps(detail)
    if table == "deadlines" and isinstance(row, DeadlineRow):
        key = MILESTONE_STEP.get(row.m.name, "")
        step = steps.get(key)
        if step is None:
            return []
        out: list[Choice] = [(f"Correct this step's date ({step.what})…", False, key, None)]
        return out + ([(f"Undo this step ({step.what})…", True, key, None)] if step.undo else [])
    if table == "advice" and isinstance(row, AdviceView):
        return [(text, undo, f"{prefix}:{row.id}", column) for text, undo, prefix, column in ADVICE_CHOICES
                if f"{prefix}:{row.id}" in steps]
    if table == "exceptions" and isinstance(row, ExceptionRow):
        key = f"exception:{row.e.id}"
        if key not in steps:
            return []
        choices: list[Choice] = [("Correct this exception's dates…", False, key, None),
                                 ("Undo this exception…", True, key, None)]
        return choices
    return []


def open_correction(panel: CaseRecordPanel, *, undo: bool, key: str | None = None,
                    column: str | None = None) -> CorrectStepDialog | None:
    """The correction (or undo) form on ``key``, window-modal; None if the case or the user cannot."""
    if panel.detail is None or panel.detail.deadlines is None or not panel.desktop.actor.can_write:
        return None
    if panel.dialog is not None and panel.dialog.isVisible():
        panel.dialog.raise_()
        panel.dialog.activateWindow()
        return panel.dialog if isinstance(panel.dialog, CorrectStepDialog) else None
    if panel.dialog is not None:
        panel.dialog.deleteLater()
    cls = UndoStepDialog if undo else CorrectStepDialog
    dialog = cls(panel.desktop, panel.detail, panel, key=key, column=column)
    panel.dialog = dialog
    dialog.open()
    return dialog


def correction_menu(panel: CaseRecordPanel, table: RecordTable, name: str, at: QPoint) -> QMenu | None:
    """The menu for the row at ``at`` (or, from the keyboard, the current row); None when it has no step."""
    index = table.indexAt(at)
    if not index.isValid():
        index = table.currentIndex()
    if not index.isValid():
        return None
    choices = choices_for(name, table.rows_model.row(index.row()), panel.detail)
    if not choices:
        return None
    menu = QMenu(table)
    writer = panel.desktop.actor.can_write
    for text, undo, key, column in choices:
        action = QAction(text, menu)
        action.setEnabled(writer)
        if not writer:
            action.setToolTip("Your role cannot change cases")
        action.triggered.connect(lambda _=False, u=undo, k=key, c=column: open_correction(panel, undo=u, key=k,
                                                                                          column=c))
        menu.addAction(action)
    return menu


def install_correction_menus(panel: CaseRecordPanel) -> None:
    """Give the record's step tables their "Correct this step…" / "Undo this step…" menus."""
    tables = (("deadlines", panel.deadlines_table), ("advice", panel.advice_table),
              ("exceptions", panel.exceptions_table))
    for name, table in tables:
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(lambda at, n=name, t=table: _popup(panel, t, n, at))


def _popup(panel: CaseRecordPanel, table: RecordTable, name: str, at: QPoint) -> None:
    menu = correction_menu(panel, table, name, at)
    if menu is not None:
        menu.popup(table.viewport().mapToGlobal(at))


__all__ = ["choices_for", "correction_menu", "install_correction_menus", "open_correction"]
