"""Propose balance: the proposal's moves, each naming the child, from whom to whom, the points and the
rule that moves it, with a tick each (accept all, some or none). A move the lead does not want can be
kept where it is ("Keep with NAME": the case is pinned, so no later proposal offers it); one merely
unticked may be offered again next time. Above the list: whether moves stay within teams, the busiest
person's utilisation before and after, and the bound in one sentence."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QWidget

from caseworker.caseload import Move, Proposal, percent
from caseworker.services.caseload import PlannedMove, settle_proposal
from caseworker.views.caseload import TeamCaseload
from ui.context import DesktopContext
from ui.dialogs.reallocate import MovesDialog
from ui.dialogs.saving import case_changed

HEADERS = ("Move", "Child", "Points", "From", "To", "Rule", "If not moved")
MOVE, CHILD, POINTS, FROM, TO, RULE, KEEP = range(len(HEADERS))
AGAIN_WORDS = ("An unticked move may be proposed again next time. Tick \u201cKeep with\u201d instead to pin "
               "the case to its caseworker, so no later proposal offers it (unpin it on the Team page).")


def heading(proposal: Proposal) -> str:
    return "Moves between teams" if proposal.across_teams else "Moves within teams"


def bound_sentence(p: Proposal, after: float) -> str:
    """What "within 2 points of its bound" means to a lead, in one sentence."""
    gap = max(0.0, after - p.bound_with_constraints) * 100
    return (f"Even if cases could be split between people, no set of moves under these rules could bring the "
            f"busiest person at work below {p.bound_with_constraints * 100:.1f}%; these moves reach "
            f"{after * 100:.1f}%, {gap:.1f} points above that best possible figure.")


class BalanceDialog(MovesDialog):
    ok_text = "Make the moves:"

    def __init__(self, desktop: DesktopContext, team: TeamCaseload, proposal: Proposal,
                 parent: QWidget | None = None) -> None:
        super().__init__(desktop, team, f"Propose balance: {heading(proposal).lower()}", parent)
        self.proposal = proposal
        self.pinned = 0
        self.setMinimumSize(900, 560)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:  # wide enough for every column's words where the screen allows
            self.resize(min(1180, screen.width() - 40), min(700, screen.height() - 40))
        self.names = {p.username: p.display_name for p in team.people}
        self.heading = QLabel(heading(proposal), self)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.heading.setAccessibleName("Where moves may go")
        self.layout_.insertWidget(0, self.heading)
        self.intro.setText(self._intro_text())
        self.figures = QLabel(self)
        self.figures.setWordWrap(True)
        self.figures.setAccessibleName("Busiest person before and after")
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.figures)
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        for m in proposal.moves:
            self.model.appendRow(self._row(m))
        self.table = self._table()
        self.body.addWidget(self.table, 1)
        self.again = QLabel(AGAIN_WORDS, self)
        self.again.setWordWrap(True)
        self.body.addWidget(self.again)
        self.body.addLayout(self._buttons())
        self.model.itemChanged.connect(self._changed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_keep_button())
        self._update_keep_button()
        self.revalidate()

    def _intro_text(self) -> str:
        n, s = len(self.proposal.moves), self.team.settings
        if not n:
            wider = "" if self.proposal.across_teams else (
                " Tick \u201cAllow moves between teams\u201d on the Team page to look for room in the other teams.")
            return ("No move would lower the busiest person's utilisation without taking someone above 100% or "
                    f"moving a protected case.{wider}")
        return (f"{n:,} move{'s' if n != 1 else ''} proposed, the most overloaded people relieved first. Protected "
                f"cases (work due within {s.protect_due_within_days} days or overdue, moved in the last "
                f"{s.protect_moved_within_days} days, or pinned) stay where they are; nobody taking work goes "
                f"above 100%. Someone with under {s.short_absence_working_days} working days of absence left "
                "hands on only the cases due before they are back.")

    def _row(self, m: Move) -> list[QStandardItem]:
        giver = self.names.get(m.from_user, m.from_user)
        tick = QStandardItem(m.reference)
        tick.setCheckable(True)
        tick.setCheckState(Qt.CheckState.Checked)
        keep = QStandardItem(f"Keep with {giver}")
        keep.setCheckable(True)
        keep.setCheckState(Qt.CheckState.Unchecked)
        keep.setToolTip(f"Pin {m.reference} to {giver}: no later proposal will offer to move it")
        cells = [tick, QStandardItem(m.child), QStandardItem(f"{m.points:g}"), QStandardItem(giver),
                 QStandardItem(self.names.get(m.to_user, m.to_user)), QStandardItem(m.rule), keep]
        for c in cells:
            c.setEditable(False)
            if c is not keep:
                c.setToolTip(m.reason)
        return cells

    def _table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setAccessibleName("Proposed moves")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(RULE, QHeaderView.ResizeMode.Stretch)  # the rule's words get the spare room
        for col, width in zip((MOVE, CHILD, POINTS, FROM, TO, KEEP), (105, 160, 50, 140, 140, 200), strict=True):
            table.setColumnWidth(col, width)
        return table

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.tick_all = QPushButton("Tick &all", self)
        self.tick_none = QPushButton("Tick &none", self)
        self.keep_selected = QPushButton("&Keep with its caseworker", self)
        self.keep_selected.setToolTip("Untick the selected move and pin the case where it is")
        self.tick_all.clicked.connect(lambda: self.set_all(True))
        self.tick_none.clicked.connect(lambda: self.set_all(False))
        self.keep_selected.clicked.connect(self.keep_current)
        for b in (self.tick_all, self.tick_none, self.keep_selected):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        return row

    def _checked(self, col: int) -> list[int]:
        return [r for r in range(self.model.rowCount())
                if self.model.item(r, col).checkState() == Qt.CheckState.Checked]

    def ticked(self) -> list[int]:
        return self._checked(MOVE)

    def kept(self) -> list[int]:
        """Rows whose case the lead keeps where it is (pinned when OK is pressed)."""
        return self._checked(KEEP)

    def _changed(self, item: QStandardItem) -> None:
        """A move ticked is not kept, and a case kept does not move."""
        other = {MOVE: KEEP, KEEP: MOVE}.get(item.column())
        if other is not None and item.checkState() == Qt.CheckState.Checked:
            partner = self.model.item(item.row(), other)
            if partner.checkState() == Qt.CheckState.Checked:
                partner.setCheckState(Qt.CheckState.Unchecked)  # re-enters once, for the partner
        self._update_keep_button()
        self.revalidate()

    def _set_column(self, col: int, rows: range | list[int], on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.model.blockSignals(True)
        for r in rows:
            self.model.item(r, col).setCheckState(state)
        self.model.blockSignals(False)

    def set_all(self, on: bool) -> None:
        rows = range(self.model.rowCount())
        self._set_column(MOVE, rows, on)
        if on:
            self._set_column(KEEP, rows, False)
        self.table.viewport().update()
        self.revalidate()

    def keep_current(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.model.item(row, KEEP).setCheckState(Qt.CheckState.Checked)

    def _update_keep_button(self) -> None:
        row = self.table.currentIndex().row() if hasattr(self, "table") else -1
        if row < 0:
            self.keep_selected.setText("&Keep with its caseworker")
            self.keep_selected.setEnabled(False)
            return
        m = self.proposal.moves[row]
        self.keep_selected.setText(f"&Keep {m.reference} with {self.names.get(m.from_user, m.from_user)}")
        self.keep_selected.setEnabled(self.model.item(row, KEEP).checkState() != Qt.CheckState.Checked)

    def moves(self) -> list[PlannedMove]:
        chosen = [self.proposal.moves[r] for r in self.ticked()] if hasattr(self, "model") else []
        return [PlannedMove(m.case_id, m.to_user, f"{m.rule}: {m.reason}", m.from_user) for m in chosen]

    def keep_ids(self) -> list[int]:
        return [self.proposal.moves[r].case_id for r in self.kept()] if hasattr(self, "model") else []

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
        lines = []
        if math.isinf(p.largest_before) or math.isinf(p.bound):
            lines.append("Someone away keeps work that cannot move (due soon or overdue, pinned, or not due before "
                         "they are back), so these figures are for the people at work.")
        if not p.moves:  # nothing to weigh: only where the team stands
            lines.append(f"Busiest person at work: {percent(p.largest_available_before)}.")
            return "\n".join(lines)
        lines.append(f"Busiest person at work: {percent(p.largest_available_before)} now, "
                     f"{percent(p.largest_available_after)} with every move, "
                     f"{percent(self.largest_with_ticked(at_work=True))} with the moves ticked.")
        lines.append(bound_sentence(p, p.largest_available_after))
        return "\n".join(lines)

    def revalidate(self, *_: object) -> None:
        if not hasattr(self, "again"):
            return
        self.figures.setText(self.figures_text())
        moves, keep = self.moves(), self.keep_ids()
        self.problem.set_reasons([])
        if not self.saving:
            n = len(moves)
            words = [f"{self.ok_text} {n:,} case{'s' if n != 1 else ''}"] if n else []
            if keep:
                where = "it is" if len(keep) == 1 else "they are"
                words.append(f"{'keep' if n else 'Keep'} {len(keep):,} where {where}")
            self.ok.setText(" and ".join(words) or f"{self.ok_text} 0 cases")
        self.ok.setEnabled(bool(moves or keep) and not self.saving)

    def accept(self) -> None:
        self.revalidate()
        if self.saving or not self.ok.isEnabled():
            return
        ctx, actor, moves, keep = self.desktop.ctx, self.desktop.actor, self.moves(), self.keep_ids()
        letter = self.letter.isChecked()
        self.start_save(lambda: settle_proposal(ctx, actor, moves, keep, family_letter=letter,
                                                note="kept where it is from a balancing proposal"),
                        announce=case_changed(self.desktop, 0))

    def on_saved(self, result: tuple[int, int]) -> None:  # type: ignore[override]
        super().on_saved(result[0])
        self.pinned = result[1]
