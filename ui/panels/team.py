"""Team: every caseworker's load against capacity (a bar, the band in words, overdue and late advice),
their cases underneath, and the team lead's moves: reassign (or drag cases onto a colleague), cover an
absence, propose a balance. Loads and proposals run on the task runner; moves go through the dialogs."""

from __future__ import annotations

import html
from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.caseload import Proposal, percent, utilisation
from caseworker.services.caseload import pin_case, unpin_case
from caseworker.views.caseload import CaseLoad, TeamCaseload, load_team_caseload, propose
from ui.context import DesktopContext
from ui.dialogs.absence import AbsenceDialog
from ui.dialogs.balance import BalanceDialog
from ui.dialogs.reallocate import ReallocateDialog
from ui.dialogs.record_absence import RecordAbsenceDialog
from ui.panels._reload import ReloadingPanel
from ui.panels.team_parts import LOAD_COLUMN, CasesModel, LoadBarDelegate, PeopleModel

PEOPLE_WIDTHS = (190, 70, 300, 70, 110, 70, 90)
CASE_WIDTHS = (110, 190, 230, 60, 260)


def _table(parent: QWidget, name: str) -> QTableView:
    t = QTableView(parent)
    t.setAccessibleName(name)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 12)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    t.setSortingEnabled(True)
    return t


class TeamPanel(ReloadingPanel):
    open_case = Signal(int)
    loaded = Signal()
    dialog_opened = Signal(object)  # the dialog, as soon as it is shown (tests and screenshots)

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.team: TeamCaseload | None = None
        self.dialog: QWidget | None = None
        self.setAccessibleName("Team")
        self.heading = QLabel("Team", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Team summary")
        self.busy = QLabel("Loading…", self)
        self.busy.setStyleSheet("color: palette(mid); font-style: italic;")
        self.busy.hide()
        self.reload = QPushButton("&Refresh", self)
        self.reload.clicked.connect(self.refresh)
        self.reassign = QPushButton("Re&assign selected…", self)
        self.reassign.clicked.connect(lambda: self.reassign_cases(self.selected_cases()))
        self.absence = QPushButton("Record a&n absence…", self)
        self.absence.clicked.connect(lambda: self.record_absence(self.current_person()))
        self.pin = QPushButton("P&in (keep with them)", self)
        self.pin.setToolTip("A balancing proposal never moves a pinned case")
        self.pin.clicked.connect(lambda: self.set_pinned(self.selected_cases(), True))
        self.unpin = QPushButton("&Unpin", self)
        self.unpin.clicked.connect(lambda: self.set_pinned(self.selected_cases(), False))
        self.cover = QPushButton("C&over an absence…", self)
        self.cover.clicked.connect(lambda: self.cover_absence())
        self.balance = QPushButton("&Propose balance…", self)
        self.balance.clicked.connect(lambda: self.propose_balance())
        self.across = QCheckBox("Allow moves between teams", self)
        self.across.setToolTip("Each person's own team is offered their cases first; other teams take only what "
                               "it has no room for, the most overloaded people relieved first")
        self.read_only = QLabel("Only a team lead or admin can move cases.", self)
        self.unallocated_button = QPushButton("Cases not allocated", self)
        self.unallocated_button.setToolTip("Requests and plans nobody holds yet: select them and Reassign (or drag "
                                           "them onto a colleague) to allocate them")
        self.unallocated_button.clicked.connect(self.show_unallocated)
        self.unallocated_button.hide()
        self._unallocated_shown = False

        self.people = PeopleModel(self)
        self.people.cases_dropped.connect(self.reassign_cases)
        self.people_table = _table(self, "Caseworkers")
        self.people_table.setModel(self.people)
        self.people_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people_table.setItemDelegateForColumn(LOAD_COLUMN, LoadBarDelegate(self.people_table))
        self.people_table.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.people_table.setDropIndicatorShown(True)
        self.people_table.selectionModel().currentRowChanged.connect(self._show_cases)
        self.cases = CasesModel(self)
        self.cases_title = QLabel(self)
        self.cases_title.setAccessibleName("Whose cases")
        self.cases_table = _table(self, "Their cases")
        self.cases_table.setModel(self.cases)
        self.cases_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.cases_table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.cases_table.doubleClicked.connect(lambda i: self.open_case.emit(self.cases.row(i.row()).case_id))
        self.cases_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.people_table.sortByColumn(LOAD_COLUMN, Qt.SortOrder.DescendingOrder)  # the most loaded first
        self.cases_table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # the nearest deadline first
        for table, widths in ((self.people_table, PEOPLE_WIDTHS), (self.cases_table, CASE_WIDTHS)):
            for col, w in enumerate(widths):
                table.setColumnWidth(col, w)

        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.summary)
        top.addLayout(titles, 1)
        top.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignTop)
        for b in (self.reload, self.reassign, self.absence, self.cover, self.balance):
            top.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        options = QHBoxLayout()
        options.addWidget(self.read_only)
        options.addWidget(self.unallocated_button)
        options.addStretch(1)
        options.addWidget(self.across)
        lower = QWidget(self)
        lower_box = QVBoxLayout(lower)
        lower_box.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.cases_title, 1)
        title_row.addWidget(self.pin)
        title_row.addWidget(self.unpin)
        lower_box.addLayout(title_row)
        lower_box.addWidget(self.cases_table)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.people_table)
        split.addWidget(lower)
        split.setSizes([330, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(split, 1)

        desktop.data_changed.connect(self._changed)
        desktop.actor_changed.connect(self._update_buttons)
        self._update_buttons()

    def _changed(self, _case_id: int = 0) -> None:
        if self.desktop.can_view_team:
            super()._changed(_case_id)
        else:
            self._stale = True  # the tab is hidden from this user; load when a lead needs it

    # --- loading -----------------------------------------------------------------------------------
    def _start_load(self) -> None:
        ctx, today = self.desktop.ctx, self.desktop.today()
        self.desktop.runner.run(lambda: load_team_caseload(ctx, today), self._loaded, self._failed, owner=self)

    def _loaded(self, team: TeamCaseload) -> None:
        if not self._finished():
            return
        current = self.current_person()
        self.team = team
        self._has_loaded = True
        self.people.set_rows(team.people)
        self.heading.setText(f"Team \u2014 caseloads on {team.today:%A} {team.today.day} {team.today:%B %Y}")
        bands = Counter(p.band for p in team.people)
        load = sum(p.points for p in team.people)
        cap = sum(p.capacity for p in team.people)
        self.summary.setText(
            f"{len(team.people)} people: {bands['critical']} critical, {bands['over']} over, {bands['ok']} ok, "
            f"{bands['under']} under \u00b7 the team holds {percent(utilisation(load, cap))} of its capacity"
            + (f" \u00b7 {len(team.unallocated)} cases not allocated" if team.unallocated else ""))
        self.unallocated_button.setText(f"Cases not allocated ({len(team.unallocated)})")
        self.unallocated_button.setVisible(bool(team.unallocated))
        if self._unallocated_shown and team.unallocated:
            self.show_unallocated()
        else:
            self.select_person(current or (team.people[0].username if team.people else None))
        self._update_buttons()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        self.summary.setText(f"Could not load the team: {html.escape(str(exc))}")

    # --- selection ---------------------------------------------------------------------------------
    def current_person(self) -> str | None:
        index = self.people_table.currentIndex()
        return self.people.row(index.row()).username if index.isValid() else None

    def select_person(self, username: str | None) -> None:
        for i, p in enumerate(self.people.rows()):
            if p.username == username:
                self.people_table.selectRow(i)
                self._show_cases()
                return

    def show_unallocated(self) -> None:
        """The cases nobody holds, in the cases list, ready to be allocated like any move."""
        if self.team is None:
            return
        self._unallocated_shown = True
        self.people_table.clearSelection()
        self.people_table.setCurrentIndex(self.people.index(-1, 0))
        rows = self.team.unallocated
        self.cases.set_rows(rows)
        how = " Select them and use Reassign selected, or drag them onto a colleague above, to allocate them." \
            if self.desktop.actor.can_reallocate else ""
        self.cases_title.setText(f"<b>Not allocated</b>: {len(rows):,} case{'s' if len(rows) != 1 else ''}.{how}")
        self._update_buttons()

    def _show_cases(self, *_: object) -> None:
        username = self.current_person()
        if username is None and self._unallocated_shown:
            return
        self._unallocated_shown = False
        if self.team is None or username is None:
            self.cases.set_rows([])
            return
        p = self.team.person(username)
        rows = self.team.cases_of(username)
        self.cases.set_rows(rows)
        how = " Select cases and drag them onto a colleague above, or use Reassign selected." \
            if self.desktop.actor.can_reallocate else ""
        self.cases_title.setText(f"<b>{html.escape(p.display_name)}</b>: {len(rows):,} cases, "
                                 f"{p.points:,.0f} points.{how}")
        self._update_buttons()

    def selected_cases(self) -> list[int]:
        return [c.case_id for c in self.chosen_cases()]

    def chosen_cases(self) -> list[CaseLoad]:
        rows = {i.row() for i in self.cases_table.selectionModel().selectedRows()}
        return [self.cases.row(r) for r in sorted(rows)]

    def _update_buttons(self, *_: object) -> None:
        lead = self.desktop.actor.can_reallocate
        ready = self.team is not None
        self.people.accept_drops = self.cases.allow_drag = lead
        self.read_only.setVisible(not lead)
        chosen = self.chosen_cases()
        self.reassign.setEnabled(lead and ready and bool(chosen))
        self.absence.setEnabled(lead and ready)
        self.pin.setEnabled(lead and any(not c.pinned for c in chosen))
        self.unpin.setEnabled(lead and any(c.pinned for c in chosen))
        self.cover.setEnabled(lead and ready and any(p.absence or p.next_absence for p in self.team.people)
                              if self.team is not None else False)
        self.balance.setEnabled(lead and ready)
        self.across.setEnabled(lead)

    # --- the lead's moves ----------------------------------------------------------------------------
    def _show(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.dialog_opened.emit(dialog)

    def reassign_cases(self, case_ids: list[int], to_username: str | None = None) -> ReallocateDialog | None:
        if self.team is None or not case_ids or not self.desktop.actor.can_reallocate:
            return None
        dialog = ReallocateDialog(self.desktop, self.team, case_ids, to_username, self)
        self._show(dialog)
        return dialog

    def cover_absence(self, username: str | None = None) -> AbsenceDialog | None:
        if self.team is None or not self.desktop.actor.can_reallocate:
            return None
        dialog = AbsenceDialog(self.desktop, self.team, username, self)
        self._show(dialog)
        return dialog

    def record_absence(self, username: str | None = None) -> RecordAbsenceDialog | None:
        if self.team is None or not self.desktop.actor.can_reallocate:
            return None
        dialog = RecordAbsenceDialog(self.desktop, self.team, username, self)
        self._show(dialog)
        return dialog

    def set_pinned(self, case_ids: list[int], pinned: bool) -> None:
        """Pin (or unpin) the chosen cases: a balancing proposal leaves pinned cases where they are."""
        if not case_ids or not self.desktop.actor.can_reallocate:
            return
        desktop, actor = self.desktop, self.desktop.actor
        change = pin_case if pinned else unpin_case

        def run() -> None:
            for cid in case_ids:
                change(desktop.ctx, actor, cid)

        self.pin.setEnabled(False)
        self.unpin.setEnabled(False)
        desktop.runner.run(run, None, self._pin_failed, owner=self, write=True,
                           announce=lambda _r: desktop.data_changed.emit(0))

    def _pin_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        self.summary.setText(f"Could not change the pin: {html.escape(str(exc))}")

    def propose_balance(self) -> None:
        """Work the proposal out off the UI thread, then show it for the lead to accept all, some or none."""
        if self.team is None or not self.desktop.actor.can_reallocate:
            return
        team, across = self.team, self.across.isChecked()
        self.balance.setEnabled(False)
        self.desktop.runner.run(lambda: propose(team, across_teams=across),
                                lambda p: self._proposed(team, p), self._proposal_failed, owner=self)

    def _proposed(self, team: TeamCaseload, proposal: Proposal) -> None:
        self._update_buttons()
        self._show(BalanceDialog(self.desktop, team, proposal, self))

    def _proposal_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        self.summary.setText(f"Could not work out a proposal: {html.escape(str(exc))}")
