"""Propose balance: the proposal's moves with a tick each (accept all, some or none), the largest
utilisation before and after, and the bound, so the lead can see how good it is."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QWidget

from caseworker.caseload import Proposal, band, percent
from caseworker.services.caseload import PlannedMove
from caseworker.views.caseload import TeamCaseload
from ui.context import DesktopContext
from ui.dialogs.reallocate import MovesDialog

HEADERS = ("Move", "Points", "From", "To", "Why")


def figure(u: float) -> str:
    return "unbounded (someone away holds work)" if math.isinf(u) else f"{percent(u)} ({band(u)})"


class BalanceDialog(MovesDialog):
    ok_text = "Make the moves:"

    def __init__(self, desktop: DesktopContext, team: TeamCaseload, proposal: Proposal,
                 parent: QWidget | None = None) -> None:
        super().__init__(desktop, team, "Propose balance", parent)
        self.proposal = proposal
        self.setMinimumSize(900, 560)
        self.names = {p.username: p.display_name for p in team.people}
        n = len(proposal.moves)
        self.intro.setText(
            f"{n} move{'s' if n != 1 else ''} proposed. Protected cases (work due within "
            f"{team.settings.protect_due_within_days} days or overdue, moved in the last "
            f"{team.settings.protect_moved_within_days} days, or pinned) stay where they are; nobody taking "
            "work goes above 100%. Untick any move you do not want." if n else
            "No move would lower the largest utilisation without taking someone above 100% or moving a "
            "protected case.")
        self.figures = QLabel(self)
        self.figures.setWordWrap(True)
        self.figures.setAccessibleName("Largest utilisation before and after")
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.figures)
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        for m in proposal.moves:
            tick = QStandardItem(m.reference)
            tick.setCheckable(True)
            tick.setCheckState(Qt.CheckState.Checked)
            tick.setEditable(False)
            cells = [tick] + [QStandardItem(t) for t in (f"{m.points:g}", self.names.get(m.from_user, m.from_user),
                                                         self.names.get(m.to_user, m.to_user), m.reason)]
            for c in cells[1:]:
                c.setEditable(False)
            self.model.appendRow(cells)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Proposed moves")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((120, 60, 170, 170)):
            self.table.setColumnWidth(col, width)
        self.body.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.tick_all = QPushButton("Tick &all", self)
        self.tick_none = QPushButton("Tick &none", self)
        self.tick_all.clicked.connect(lambda: self.set_all(True))
        self.tick_none.clicked.connect(lambda: self.set_all(False))
        for b in (self.tick_all, self.tick_none):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        self.body.addLayout(row)
        self.model.itemChanged.connect(self.revalidate)
        self.revalidate()

    def ticked(self) -> list[int]:
        return [r for r in range(self.model.rowCount())
                if self.model.item(r, 0).checkState() == Qt.CheckState.Checked]

    def set_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.model.blockSignals(True)
        for r in range(self.model.rowCount()):
            self.model.item(r, 0).setCheckState(state)
        self.model.blockSignals(False)
        self.table.viewport().update()
        self.revalidate()

    def moves(self) -> list[PlannedMove]:
        chosen = [self.proposal.moves[r] for r in self.ticked()] if hasattr(self, "model") else []
        return [PlannedMove(m.case_id, m.to_user, m.reason, m.from_user) for m in chosen]

    def largest_with_ticked(self, *, at_work: bool = False) -> float:
        """The largest utilisation if only the ticked moves are made (``at_work``: people with capacity only)."""
        load = dict(self.proposal.load_before)
        for r in self.ticked():
            m = self.proposal.moves[r]
            load[m.from_user] -= m.points
            load[m.to_user] += m.points
        cap = self.proposal.capacity
        return max((load[u] / cap[u] if cap[u] > 0 else (math.inf if load[u] > 0 and not at_work else 0.0))
                   for u in load) if load else 0.0

    def figures_text(self) -> str:
        p = self.proposal
        rules = (f"Under the rules here (moves within teams, nobody taking work past 100%) the best possible is "
                 f"{percent(p.bound_with_constraints)}.")
        bound_words = "the larger of the team's load over its capacity and what anyone must keep in protected cases"
        if math.isinf(p.largest_before) or math.isinf(p.bound):
            lines = ["Someone away holds work that cannot move (due soon or overdue), so the team's largest "
                     "utilisation has no finite value either way; these figures are for the people at work.",
                     f"Largest utilisation at work: {percent(p.largest_available_before)} now, "
                     f"{percent(p.largest_available_after)} with every move, "
                     f"{percent(self.largest_with_ticked(at_work=True))} with the moves ticked.",
                     f"Bound: {percent(p.bound_available)}, {bound_words}."]
        else:
            lines = [f"Largest utilisation: {figure(p.largest_before)} now, {figure(p.largest_after)} with every "
                     f"move, {figure(self.largest_with_ticked())} with the moves ticked.",
                     f"Bound: {figure(p.bound)}, {bound_words}."]
        if p.bound_with_constraints > p.bound_available + 0.005:
            lines[-1] += " " + rules
        return "\n".join(lines)

    def revalidate(self, *_: object) -> None:
        if hasattr(self, "figures"):
            self.figures.setText(self.figures_text())
        super().revalidate()
