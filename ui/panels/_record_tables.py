"""The case record's tables: deadlines, advice, exceptions, consultations and history, as declared columns
(the contacts' are on their own tab, ui.panels._record_contacts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from caseworker.statutory.engine import Milestone, RequestDeadlines
from caseworker.statutory.rules import Rules
from caseworker.views.case_detail import (
    AdviceView,
    AllocationView,
    ConsultationView,
    ExceptionView,
    HistoryEntry,
)
from ui.status import status_icon
from ui.table_model import Column, RowTableModel
from ui.widgets.wording import (
    ADVICE_LONG,
    MILESTONE_SHORT,
    REPLY_WORDS,
    advice_look,
    advice_status_words,
    advice_tooltip,
    exception_reach_words,
    exception_tooltip,
    local_time,
    milestone_look,
    milestone_tooltip,
    milestone_words,
    sent_by_words,
    short_date,
)


@dataclass(frozen=True)
class DeadlineRow:
    """One milestone with the request it belongs to (its words can depend on the whole request)."""

    m: Milestone
    d: RequestDeadlines


@dataclass(frozen=True)
class ExceptionRow:
    e: ExceptionView
    d: RequestDeadlines | None


def _law(rules: Rules, name: str) -> str:
    try:
        return rules.milestone(name).law
    except KeyError:
        return ""


def deadline_rows(d: RequestDeadlines | None) -> list[DeadlineRow]:
    return [DeadlineRow(m, d) for m in d.milestones] if d is not None else []


def deadline_columns(rules: Rules) -> list[Column[DeadlineRow]]:
    def tip(r: DeadlineRow) -> str:
        return milestone_tooltip(r.m, rules, r.d)

    return [
        Column("Step", lambda r: MILESTONE_SHORT.get(r.m.name, r.m.name), tooltip=tip),
        Column("Statutory due", lambda r: short_date(r.m.due), sort_key=lambda r: r.m.due, tooltip=tip),
        Column("Work by", lambda r: short_date(r.m.work_by), sort_key=lambda r: r.m.work_by, tooltip=tip),
        Column("Done", lambda r: short_date(r.m.done) or "Not yet", sort_key=lambda r: r.m.done or r.m.due,
               tooltip=tip),
        Column("Status", lambda r: milestone_words(r.m, r.d), tooltip=tip,
               icon=lambda r: status_icon(milestone_look(r.m, r.d))),
        Column("Law", lambda r: _law(rules, r.m.name), tooltip=tip),
    ]


def advice_columns(rules: Rules) -> list[Column[AdviceView]]:
    def tip(a: AdviceView) -> str:
        return advice_tooltip(a, rules)

    return [
        Column("Adviser", lambda a: ADVICE_LONG.get(a.kind, a.kind), tooltip=tip),
        Column("Service", lambda a: a.service or "Not recorded", tooltip=tip),
        Column("Requested", lambda a: short_date(a.requested), sort_key=lambda a: a.requested, tooltip=tip),
        Column("Sent by", lambda a: sent_by_words(a.sent_by), tooltip=tip),
        Column("Due (6 weeks)", lambda a: short_date(a.due), sort_key=lambda a: a.due, tooltip=tip),
        Column("Received", lambda a: short_date(a.received) or "Not yet", sort_key=lambda a: a.received or a.due),
        Column("Status", lambda a: advice_status_words(a.status, 0), icon=lambda a: status_icon(advice_look(a.status)),
               tooltip=tip),
        Column("Days late", lambda a: f"{a.days_late} day{'s' if a.days_late != 1 else ''}" if a.days_late else "",
               sort_key=lambda a: a.days_late),
    ]


def exception_columns(rules: Rules) -> list[Column[ExceptionRow]]:
    def tip(r: ExceptionRow) -> str:
        return exception_tooltip(r.e, rules, r.d)

    return [
        Column("Ground", lambda r: f"({r.e.ground}) {r.e.title}", tooltip=tip, icon=lambda r: status_icon("exempt")),
        Column("From", lambda r: short_date(r.e.began or r.e.recorded), sort_key=lambda r: r.e.began or r.e.recorded,
               tooltip=tip),
        Column("To", lambda r: short_date(r.e.ended) if r.e.ended else "Still going on",
               sort_key=lambda r: r.e.ended or date.max, tooltip=tip),
        Column("Recorded", lambda r: short_date(r.e.recorded), sort_key=lambda r: r.e.recorded, tooltip=tip),
        Column("What it excuses", lambda r: exception_reach_words(r.e, r.d), tooltip=tip),
        Column("Note", lambda r: r.e.note, tooltip=tip),
    ]


def consultation_columns() -> list[Column[ConsultationView]]:
    def reply(c: ConsultationView) -> str:
        if c.replied_on is None:
            return "Waiting"
        return f"{REPLY_WORDS.get(c.reply, c.reply)}, {short_date(c.replied_on)}"

    def look(c: ConsultationView) -> str:
        return {"agrees": "met", "declines": "closed", "": "pending"}.get(c.reply, "pending")

    return [
        Column("Setting consulted", lambda c: c.school, sort_key=lambda c: c.school.casefold()),
        Column("Sent", lambda c: short_date(c.sent_on), sort_key=lambda c: c.sent_on),
        Column("Reply due (15 days)", lambda c: short_date(c.reply_due), sort_key=lambda c: c.reply_due),
        Column("Reply", reply, icon=lambda c: status_icon(look(c)), sort_key=lambda c: c.replied_on or date.max),
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


LEAST_COLUMN = 80  # narrower than this a column says nothing: the table scrolls sideways instead


def widest_that_fits(widths: Sequence[int], room: int) -> int:
    """The width to cut the widest columns down to so that all of them fit in ``room`` (no cut when
    they already fit; never below LEAST_COLUMN)."""
    if sum(widths) <= room:
        return max(widths, default=0)
    left, count = room, len(widths)
    for width in sorted(widths):
        share = left // count
        if width > share:
            return max(share, LEAST_COLUMN)
        left, count = left - width, count - 1
    return LEAST_COLUMN


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
        self._wanted: list[int] = []  # each column's width for its text

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.rows_model.set_rows(rows)
        self._fit()

    def _fit(self) -> None:
        """Size columns to their text (small tables: a few dozen rows at most), leaving the last to stretch."""
        fm = self.fontMetrics()
        self._wanted = []
        for column in self.rows_model.columns:
            texts = [column.title] + [column.text(r) for r in self.rows_model.rows()[:200]]
            icon = 24 if column.icon is not None else 0
            self._wanted.append(min(max(fm.horizontalAdvance(t) for t in texts) + 24 + icon, 360))
        self._share_width()

    def _share_width(self) -> None:
        """Every column in view where the table is narrower than its text (a 1280 px screen): the widest
        give way first, down to the same width, so the last (often what to do) is never pushed out of sight."""
        wanted = [w for i, w in enumerate(self._wanted) if not self.isColumnHidden(i)]
        cap = widest_that_fits(wanted, self.viewport().width())
        for col, width in enumerate(self._wanted[:-1]):
            self.setColumnWidth(col, min(width, cap))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._wanted:
            self._share_width()
