"""The case record's tables: deadlines, advice, contacts, exceptions and history, as declared columns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from caseworker.statutory.engine import Milestone
from caseworker.statutory.rules import Rules
from caseworker.views.case_detail import AdviceView, AllocationView, ContactView, ExceptionView, HistoryEntry
from ui.status import status_icon
from ui.table_model import Column, RowTableModel
from ui.widgets.wording import (
    ADVICE_LONG,
    MILESTONE_SHORT,
    advice_status_words,
    advice_tooltip,
    exception_tooltip,
    local_time,
    milestone_status_words,
    milestone_tooltip,
    short_date,
)


def _law(rules: Rules, name: str) -> str:
    try:
        return rules.milestone(name).law
    except KeyError:
        return ""


def deadline_columns(rules: Rules) -> list[Column[Milestone]]:
    def tip(m: Milestone) -> str:
        return milestone_tooltip(m, rules)

    return [
        Column("Step", lambda m: MILESTONE_SHORT.get(m.name, m.name), tooltip=tip),
        Column("Statutory due", lambda m: short_date(m.due), sort_key=lambda m: m.due, tooltip=tip),
        Column("Work by", lambda m: short_date(m.work_by), sort_key=lambda m: m.work_by, tooltip=tip),
        Column("Done", lambda m: short_date(m.done) or "Not yet", sort_key=lambda m: m.done or m.due, tooltip=tip),
        Column("Status", lambda m: milestone_status_words(m.status), tooltip=tip,
               icon=lambda m: status_icon(m.status)),
        Column("Law", lambda m: _law(rules, m.name), tooltip=tip),
    ]


def advice_columns() -> list[Column[AdviceView]]:
    return [
        Column("Adviser", lambda a: ADVICE_LONG.get(a.kind, a.kind), tooltip=advice_tooltip),
        Column("Service", lambda a: a.service or "Not recorded", tooltip=advice_tooltip),
        Column("Requested", lambda a: short_date(a.requested), sort_key=lambda a: a.requested),
        Column("Due (6 weeks)", lambda a: short_date(a.due), sort_key=lambda a: a.due),
        Column("Received", lambda a: short_date(a.received) or "Not yet", sort_key=lambda a: a.received or a.due),
        Column("Status", lambda a: advice_status_words(a.status, 0), icon=lambda a: status_icon(a.status),
               tooltip=advice_tooltip),
        Column("Days late", lambda a: f"{a.days_late} day{'s' if a.days_late != 1 else ''}" if a.days_late else "",
               sort_key=lambda a: a.days_late),
    ]


def _address(c: ContactView) -> str:
    return ", ".join(part.strip() for part in c.address.splitlines() if part.strip())


def contact_columns() -> list[Column[ContactView]]:
    return [
        Column("Letters go to", lambda c: "Main correspondent" if c.main_correspondent else "",
               icon=lambda c: status_icon("met") if c.main_correspondent else None,
               tooltip=lambda c: "Every letter about the case goes to this contact" if c.main_correspondent else ""),
        Column("Role", lambda c: c.role.replace("_", " ").capitalize()),
        Column("Name", lambda c: c.name),
        Column("Address", _address),
        Column("Postcode", lambda c: c.postcode),
        Column("Email", lambda c: c.email),
        Column("Phone", lambda c: c.phone),
    ]


def exception_columns(rules: Rules) -> list[Column[ExceptionView]]:
    def tip(e: ExceptionView) -> str:
        return exception_tooltip(e, rules)

    return [
        Column("Ground", lambda e: f"({e.ground}) {e.title}", tooltip=tip, icon=lambda e: status_icon("exempt")),
        Column("Recorded", lambda e: short_date(e.recorded), sort_key=lambda e: e.recorded, tooltip=tip),
        Column("Law", lambda e: rules.exception_grounds.get(e.ground, {}).get("law", ""), tooltip=tip),
        Column("Note", lambda e: e.note, tooltip=tip),
    ]


def allocation_columns() -> list[Column[AllocationView]]:
    return [
        Column("Caseworker", lambda a: a.caseworker or "(not allocated)",
               icon=lambda a: status_icon("met") if a.to_on is None else None),
        Column("From", lambda a: short_date(a.from_on), sort_key=lambda a: a.from_on),
        Column("To", lambda a: short_date(a.to_on) if a.to_on else "now",
               sort_key=lambda a: a.to_on or date.max),
        Column("Why", lambda a: a.reason, tooltip=lambda a: a.reason),
        Column("Moved by", lambda a: a.by),
    ]


def history_columns() -> list[Column[HistoryEntry]]:
    return [
        Column("When", lambda h: local_time(h.at), sort_key=lambda h: h.at),
        Column("Who", lambda h: h.who),
        Column("What", lambda h: h.action.capitalize()),
        Column("Details", lambda h: h.summary, tooltip=lambda h: h.summary),
    ]


class RecordTable(QTableView):
    """A small read-only table of one kind of row; columns fit their contents on every reload."""

    def __init__(self, columns: Sequence[Column[Any]], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows_model: RowTableModel[Any] = RowTableModel(columns, self)
        self.setModel(self.rows_model)
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.rows_model.set_rows(rows)
        self._fit()

    def _fit(self) -> None:
        """Size columns to their text (small tables: a few dozen rows at most), leaving the last to stretch."""
        fm = self.fontMetrics()
        model = self.rows_model
        last = model.columnCount() - 1
        for col, column in enumerate(model.columns[:last]):
            texts = [column.title] + [column.text(r) for r in model.rows()[:200]]
            icon = 24 if column.icon is not None else 0
            width = max(fm.horizontalAdvance(t) for t in texts) + 24 + icon
            self.setColumnWidth(col, min(width, 360))
