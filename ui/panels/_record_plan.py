"""The case record's Plan tab: a plan in place (or a request whose final plan is issued) on its own clocks.

At the top, the plan's facts (issued, the setting named, the year group) and one line for each part of its
life: the next annual review, amendments, the phase transfer, ceasing and, for a child under 5, the
suggested review (guidance). Beside each line the steps that make sense now; below, the plan's timeline
as a table, in date order, with the law behind each row as its tooltip. The words are ui.panels._plan_rows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from caseworker.statutory.rules import Rules
from caseworker.views.plan_detail import (
    AMENDED_PLAN,
    AMENDMENT_NOTICE,
    CEASE_APPEAL,
    CEASE_PLAN,
    DECIDE_CEASE,
    PROPOSE_CEASE,
    RECORD_TRANSFER,
    REVIEW_DECISION,
    REVIEW_MEETING,
    TRANSFER_CONSULTATION,
    TRANSFER_DONE,
    TRANSFER_REPLY,
    WITHDRAW_CEASE,
    YEAR_GROUP,
    PlanDetail,
)
from ui.panels._plan_rows import (
    PartLine,
    PlanRow,
    amendment_line,
    cease_line,
    plan_words,
    review_line,
    timeline_rows,
    transfer_line,
    under_fives_line,
)
from ui.panels._record_tables import RecordTable
from ui.status import status_icon
from ui.table_model import Column
from ui.widgets.wording import short_date

# Each part of the plan, its title, and the steps offered beside it (shown only when they make sense).
PARTS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("review", "Next annual review", ((REVIEW_MEETING, "Record review meeting…"),
                                      (REVIEW_DECISION, "Record review decision…"))),
    ("amendment", "Amendments", ((AMENDMENT_NOTICE, "Send proposed amendments…"),
                                 (AMENDED_PLAN, "Final amended plan…"))),
    ("transfer", "Phase transfer", ((RECORD_TRANSFER, "Record phase transfer…"),
                                    (TRANSFER_CONSULTATION, "Consult next setting…"),
                                    (TRANSFER_REPLY, "Record its reply…"), (TRANSFER_DONE, "Transfer done…"))),
    ("cease", "Ceasing", ((PROPOSE_CEASE, "Propose to cease…"), (DECIDE_CEASE, "Decide to cease…"),
                          (CEASE_APPEAL, "Record an appeal…"), (WITHDRAW_CEASE, "Drop the proposal…"),
                          (CEASE_PLAN, "Cease the plan…"))),
    ("under_fives", "Under 5", ()),
)


WORK_BY = 2  # the timeline's work-by column


def plan_columns() -> list[Column[PlanRow]]:
    def tip(r: PlanRow) -> str:
        return "\n".join(t for t in (r.step, r.details, r.law) if t)

    return [
        Column("Step", lambda r: r.step, tooltip=tip),
        Column("Due", lambda r: short_date(r.due), sort_key=lambda r: r.due or r.when, tooltip=tip),
        Column("Work by", lambda r: short_date(r.work_by) if r.work_by != r.due else "",
               sort_key=lambda r: r.work_by or r.when, tooltip=tip),
        Column("Done", lambda r: short_date(r.done) or ("" if r.due is None else "Not yet"),
               sort_key=lambda r: r.done or r.when, tooltip=tip),
        Column("Status", lambda r: r.status, icon=lambda r: status_icon(r.look), tooltip=tip),
        Column("Details", lambda r: r.details, tooltip=tip),
    ]


def wrapping(parent: QWidget) -> QLabel:
    """Words that wrap within the tab's width (the layouts ask them their height for that width)."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class PartRow:
    """One part's line in the summary grid: title, status icon, words and its step buttons."""

    def __init__(self, owner: PlanTab, grid: QGridLayout, row: int, title: str,
                 steps: tuple[tuple[str, str], ...]) -> None:
        self.title = QLabel(f"{title}:", owner)
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.icon = QLabel(owner)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.words = wrapping(owner)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setAccessibleName(title)
        self.buttons = QWidget(owner)
        box = QHBoxLayout(self.buttons)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.steps: dict[str, QPushButton] = {}
        for name, text in steps:
            button = QPushButton(text, self.buttons)
            button.setAccessibleName(text.rstrip("…"))
            button.clicked.connect(lambda _=False, n=name: owner.step.emit(n))
            box.addWidget(button)
            self.steps[name] = button
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.title, row, 0, top)
        grid.addWidget(self.icon, row, 1, top)
        grid.addWidget(self.words, row, 2)
        grid.addWidget(self.buttons, row, 3, top | Qt.AlignmentFlag.AlignRight)
        self.parts = (self.title, self.icon, self.words, self.buttons)

    def show_line(self, line: PartLine | None) -> None:
        for part in self.parts:
            part.setVisible(line is not None)
        if line is None:
            return
        self.icon.setPixmap(status_icon(line.look, 16).pixmap(16, 16))
        self.words.setText(line.words)
        self.words.setAccessibleDescription(line.words)


class PlanTab(QWidget):
    """Shows one case's plan; its buttons ask the case record to open a step's form (``step``)."""

    step = Signal(str)

    def __init__(self, rules: Rules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules = rules
        self.plan: PlanDetail | None = None
        self.setAccessibleName("Plan")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.facts = wrapping(self)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setAccessibleName("The plan")
        top.addWidget(self.facts, 1)
        self.year_group_button = QPushButton("Child's year group…", self)
        self.year_group_button.setAccessibleName("Child's year group")
        self.year_group_button.clicked.connect(lambda: self.step.emit(YEAR_GROUP))
        top.addWidget(self.year_group_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(2, 1)
        self.parts = {key: PartRow(self, grid, i, title, steps) for i, (key, title, steps) in enumerate(PARTS)}
        layout.addLayout(grid)
        heading = QLabel("The plan's timeline", self)
        bold = QFont(heading.font())
        bold.setBold(True)
        heading.setFont(bold)
        layout.addWidget(heading)
        self.table = RecordTable(plan_columns(), "The plan's timeline", self)
        layout.addWidget(self.table, 1)
        # What is still to come is at the end, in date order: the table keeps its end in view as it is loaded
        # and laid out, until the user scrolls it.
        self._keep_end = True
        bar = self.table.verticalScrollBar()
        bar.rangeChanged.connect(lambda _least, most: bar.setValue(most) if self._keep_end else None)
        bar.actionTriggered.connect(self._scrolled)

    @property
    def buttons(self) -> dict[str, QPushButton]:
        """Every step button by step name (the year group's too)."""
        found = {YEAR_GROUP: self.year_group_button}
        for part in self.parts.values():
            found.update(part.steps)
        return found

    def set_plan(self, plan: PlanDetail | None) -> None:
        self.plan = plan
        if plan is None:
            self.table.set_rows([])
            return
        self.facts.setText(plan_words(plan))
        ceased = plan.ceased
        self.parts["review"].show_line(None if ceased else review_line(plan))
        self.parts["amendment"].show_line(None if ceased else amendment_line(plan))
        self.parts["transfer"].show_line(None if ceased else transfer_line(plan))
        self.parts["cease"].show_line(cease_line(plan) if plan.cease is not None or not ceased else None)
        young = plan.under_fives
        self.parts["under_fives"].show_line(under_fives_line(young, plan.today) if young and not ceased else None)
        rows = timeline_rows(plan, self.rules)
        self.table.set_rows(rows)
        # A work-by day differs from its due day only at a weekend or holiday: no column of blanks otherwise.
        self.table.setColumnHidden(WORK_BY, all(r.work_by in (None, r.due) for r in rows))
        self._keep_end = True
        self.table.scrollToBottom()

    def _scrolled(self, _action: int) -> None:
        self._keep_end = False

    def allow(self, writer: bool, role: str) -> None:
        """Show the steps the plan can take now; only a role that writes may open them."""
        steps = self.plan.steps if self.plan is not None else frozenset()
        tip = "" if writer else f"Your role ({role.replace('_', ' ')}) cannot change cases"
        for name, button in self.buttons.items():
            button.setVisible(name in steps)
            button.setEnabled(writer)
            button.setToolTip(tip)


__all__ = ["PlanTab", "plan_columns"]
