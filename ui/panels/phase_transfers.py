"""Phase transfers: the children whose plans move to a new phase in a year, most at risk first.

The year chooser offers last year's cohort, the one being worked now (the next September) and the two
after. Each row is a child moving: worked out from the date of birth (and year group) or recorded on the
plan, with the day the amended plan naming the next setting is due, how far the move has got and the days
left. Whose children follows the toolbar's "Show work for" (a caseworker's own, a team lead's whole team),
as My day does; the state, kind and overdue filters and every sort work on the rows in memory. The steps
of a move (and the year group of a child taught out of it) are the buttons under the list, for the row
chosen: each reads the child's case and opens the same form the case record's Plan tab uses
(``ui.dialogs.plan_steps``); recording a move worked out from the date of birth starts from that move. The
list reloads once a form is saved. The page loads when first shown.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker.context import AppContext
from caseworker.views import plan_detail as steps
from caseworker.views.case_detail import CaseDetail, load_case_detail
from caseworker.views.phase_transfers import (
    CONSULTED,
    DONE,
    NOT_STARTED,
    REPLIED,
    PhaseTransfers,
    TransferRow,
    load_phase_transfers,
    transfer_year,
    transfer_years,
)
from ui.context import DesktopContext
from ui.dialogs.plan_form import PlanStepDialog
from ui.dialogs.plan_steps import make_plan_dialog
from ui.dialogs.plan_transfer import RecordTransferDialog
from ui.panels._cases_table import CaseTable
from ui.panels._reload import ReloadingPanel
from ui.panels._transfer_columns import (
    CASEWORKER,
    COLUMN_SAMPLES,
    ICON_COLUMNS,
    KIND_CHOICES,
    MOVES_ON,
    STATE_CHOICES,
    TransferFilter,
    count_words,
    transfer_columns,
)
from ui.table_model import RowTableModel
from ui.widgets.frame_parts import place_page
from ui.widgets.wording import short_date

TITLE = "Phase transfers"


def load(ctx: AppContext, year: int, today: date) -> PhaseTransfers:
    """Runs on the task runner: the whole council's cohort (whose is chosen in memory)."""
    return load_phase_transfers(ctx, year, today=today)


class PhaseTransfersPanel(ReloadingPanel):
    says_loading_itself = True  # "Loading…" in the count
    open_case = Signal(int)
    loaded = Signal()  # the rows are in the table (tests listen)
    form_opened = Signal(object)  # a step's form, open over the page (tests listen)

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.setAccessibleName(TITLE)
        self.data: PhaseTransfers | None = None
        self.dialog: PlanStepDialog | None = None

        self.model: RowTableModel[TransferRow] = RowTableModel(transfer_columns(), self)
        self.caseworker_column = self.column_of(CASEWORKER)
        self.moves_on_column = self.column_of(MOVES_ON)
        self.table = CaseTable(self.model, lambda r: r.case_id, self)
        self.table.setAccessibleName("Children moving")
        self.table.setAccessibleDescription("Most at risk first. Press Enter or double-click to open a case.")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by risk until the user picks another column
        self.table.fit_columns(COLUMN_SAMPLES, icon_columns=ICON_COLUMNS)
        self.table.open_case.connect(self.open_case)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)

        self.year = QComboBox(self)
        self.year.setAccessibleName("Moving in")
        self.year.activated.connect(lambda _i: self.refresh())
        self.state = self._combo("Filter by state", "All states", STATE_CHOICES)
        self.kind = self._combo("Filter by kind of move", "All kinds", KIND_CHOICES)
        self.overdue_only = QCheckBox("&Overdue only", self)
        self.overdue_only.setAccessibleName("Overdue only")
        self.overdue_only.toggled.connect(self._apply_filter)
        self.count = QLabel("Loading…", self)
        self.count.setAccessibleName("Children moving")
        self.busy = QLabel("Loading…", self)
        self.busy.setAccessibleName("Loading")
        self.busy.setStyleSheet("color: palette(mid); font-style: italic;")
        self.busy.hide()
        self.chosen = QLabel(self)
        self.chosen.setAccessibleName("The child chosen")
        self.chosen.setTextFormat(Qt.TextFormat.PlainText)

        self.record = self._action("&Record transfer…", "Put the move worked out from the date of birth on the plan "
                                   "(or correct the one recorded): its kind and date", steps.RECORD_TRANSFER)
        self.consult = self._action("Co&nsult next setting…", "Record that the next school, college or setting was "
                                    "consulted on being named for the move", steps.TRANSFER_CONSULTATION)
        self.reply = self._action("Record re&ply…", "Record what the consulted setting said", steps.TRANSFER_REPLY)
        self.done = self._action("Transfer &done…", "Record the amended plan naming the next setting: the move is "
                                 "done", steps.TRANSFER_DONE)
        self.year_group = self._action("Year &group…", "A child taught out of their year group moves with it: "
                                       "record how far behind or ahead", steps.YEAR_GROUP)
        self.buttons = {steps.RECORD_TRANSFER: self.record, steps.TRANSFER_CONSULTATION: self.consult,
                        steps.TRANSFER_REPLY: self.reply, steps.TRANSFER_DONE: self.done,
                        steps.YEAR_GROUP: self.year_group}
        self._build_layout()
        self._years_for(desktop.today())
        self._opened = False
        desktop.data_changed.connect(self._changed)
        desktop.viewing_changed.connect(self._apply_filter)
        desktop.actor_changed.connect(self._apply_filter)
        self._update_actions()

    # --- building ----------------------------------------------------------------------------------
    def _combo(self, name: str, everything: str, choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.addItem(everything, "")
        for words, value in choices:
            combo.addItem(words, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self._apply_filter)
        return combo

    def _action(self, text: str, tip: str, step: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(lambda _=False: self.open_step(step))
        return button

    def _build_layout(self) -> None:
        title = QLabel(TITLE, self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        for text, combo in (("&Year:", self.year), ("&State:", self.state), ("&Kind:", self.kind)):
            buddy = QLabel(text, self)
            buddy.setBuddy(combo)
            top.addWidget(buddy)
            top.addWidget(combo)
            top.addSpacing(8)
        top.addWidget(self.overdue_only)
        top.addStretch(1)
        top.addWidget(self.busy)
        counts = QHBoxLayout()
        counts.addWidget(self.count, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.chosen, 1)
        for button in (self.record, self.consult, self.reply, self.done, self.year_group):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(counts)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        order: list[QWidget] = [self.year, self.state, self.kind, self.overdue_only, self.table, self.record,
                                self.consult, self.reply, self.done, self.year_group]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)
        self.setFocusProxy(self.table)

    def _years_for(self, today: date) -> None:
        """The years on offer around today's; the one chosen is kept when it is still offered."""
        chosen = self.year.currentData()
        self.year.clear()
        for y in transfer_years(today):
            self.year.addItem(f"September {y}", y)
        keep = chosen if chosen is not None else transfer_year(today)
        self.year.setCurrentIndex(max(0, self.year.findData(keep)))

    # --- loading -----------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._opened and not self.is_loading:
            self.refresh()  # the first time the page is shown: not while the window opens on My day

    def _changed(self, _case_id: int = 0) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # loaded when next shown

    def _start_load(self) -> None:
        self._opened = True
        ctx, today = self.desktop.ctx, self.desktop.today()
        if self.year.findData(transfer_year(today)) < 0:
            self._years_for(today)  # the app was left open into a new school year
        year = int(self.year.currentData() or transfer_year(today))
        self.desktop.runner.run(lambda: load(ctx, year, today), self._loaded, self._failed, owner=self,
                                latest="transfers")

    def _loaded(self, data: PhaseTransfers) -> None:
        if not self._finished():
            return
        current = self.table.current_case()
        self.data = data
        self.model.set_filter(self.current_filter().predicate())
        self.model.set_rows(data.rows)
        self._has_loaded = True
        self.table.select_case(current)
        self._show_count()
        self._update_actions()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        self.count.setText(f"Could not work out the phase transfers: {exc}")

    # --- filters -----------------------------------------------------------------------------------
    def current_filter(self) -> TransferFilter:
        return TransferFilter(self.desktop.viewing or "", self.state.currentData() or "",
                              self.kind.currentData() or "", self.overdue_only.isChecked())

    def _apply_filter(self, *_: object) -> None:
        current = self.table.current_case()
        self.model.set_filter(self.current_filter().predicate())
        self.table.select_case(current)
        self._show_count()
        self._update_actions()

    def _show_count(self) -> None:
        self.table.setColumnHidden(self.caseworker_column, self.desktop.viewing is not None)  # one person's
        if self.data is None:
            return
        whose = TransferFilter(self.desktop.viewing or "").predicate()
        mine = [r for r in self.data.rows if whose is None or whose(r)]
        counts = self.data.counts(mine)
        together = all(r.transfer_date == self.data.moves_on for r in mine)
        moves = f"in September {self.data.year}" if together else f"by September {self.data.year}"
        self.table.setColumnHidden(self.moves_on_column, together)  # the count line says the day
        text = count_words(counts["children"], counts["done"], counts["consulted"], counts["overdue"], moves)
        viewing = self.desktop.viewing
        if viewing is None:
            text = f"Whole team: {text}"
        elif viewing == self.desktop.actor.username:
            text = f"Your cases: {text}"
        else:
            name = next((r.caseworker_name for r in mine), viewing)
            text = f"{name}'s cases: {text}"
        shown = self.model.rowCount()
        if shown != len(mine):
            text += f" (showing {shown:,})"
        self.count.setText(text)

    # --- the steps of a move -----------------------------------------------------------------------
    def current_row(self) -> TransferRow | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _update_actions(self, *_: object) -> None:
        """Each step offered as the row's move stands (the form checks again against the plan itself)."""
        row = self.current_row()
        writer = self.desktop.actor.can_write
        open_move = row is not None and row.state != DONE
        recorded = open_move and row is not None and row.state != NOT_STARTED
        self.record.setEnabled(writer and open_move)
        self.consult.setEnabled(writer and recorded)
        self.reply.setEnabled(writer and recorded and row is not None and row.state in (CONSULTED, REPLIED))
        self.done.setEnabled(writer and recorded)
        self.year_group.setEnabled(writer and row is not None)
        if row is None:
            self.chosen.setText("Choose a child to record the next step of their move." if writer else "")
            return
        self.chosen.setText(f"{row.reference} {row.child}: {row.state_words.lower()}; plan due "
                            f"{short_date(row.due)}" + ("" if recorded or row.is_done or not writer
                                                        else ". Record the transfer first."))

    def open_step(self, step: str) -> None:
        """Read the chosen child's case, then open the step's form over the page (``form_opened``)."""
        row = self.current_row()
        if row is None or not self.buttons[step].isEnabled():
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        ctx, today = self.desktop.ctx, self.desktop.today()
        self.chosen.setText(f"{row.reference} {row.child}: opening…")
        self.desktop.runner.run(lambda: load_case_detail(ctx, row.case_id, today, with_history=False),
                                lambda detail: self._open_form(step, row, detail), self._not_opened, owner=self,
                                latest="form")

    def _open_form(self, step: str, row: TransferRow, detail: CaseDetail) -> None:
        self._update_actions()
        plan = detail.plan
        if plan is None or step not in plan.steps:
            self.chosen.setText(f"{row.reference} {row.child}: the plan has changed since the list was read; "
                                "it is read again now.")
            self.refresh()
            return
        dialog = make_plan_dialog(step, self.desktop, detail, self)
        if isinstance(dialog, RecordTransferDialog) and row.worked_out:
            # The move this page worked out (the form would start from the next move after today's).
            dialog.kind.setCurrentIndex(dialog.kind.findData(row.kind))
            dialog.moves.set_value(row.transfer_date)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._form_gone)
        self.dialog = dialog
        dialog.open()
        self.form_opened.emit(dialog)

    def _not_opened(self, exc: BaseException) -> None:
        self.chosen.setText(f"Could not open the case: {exc}")

    def _form_gone(self) -> None:
        self.dialog = None

    def column_of(self, title: str) -> int:
        return next(i for i, c in enumerate(self.model.columns) if c.title == title)

    def rows(self) -> list[TransferRow]:
        return self.model.rows()


class HasTabs(Protocol):
    desktop: DesktopContext
    tabs: QTabWidget

    def open_case(self, case_id: int) -> None: ...


def attach_phase_transfers_tab(window: HasTabs) -> PhaseTransfersPanel:
    """The page as a fixed tab after the others there now (for everyone), and View > Phase transfers
    (Ctrl+5)."""
    assert isinstance(window, QMainWindow)
    panel = PhaseTransfersPanel(window.desktop, window)
    panel.open_case.connect(window.open_case)
    if place_page(window.tabs, panel, TITLE) < 0:  # no stand-in for it in the window's frame
        index = window.tabs.addTab(panel, TITLE)
        window.tabs.tabBar().setTabButton(index, window.tabs.tabBar().ButtonPosition.RightSide, None)
    show = QAction("&Phase transfers", window, shortcut=QKeySequence("Ctrl+5"))
    show.setObjectName("show_phase_transfers")
    show.triggered.connect(lambda: window.tabs.setCurrentWidget(panel))
    for action in window.menuBar().actions():
        menu = action.menu()
        if action.text() == "&View" and isinstance(menu, QMenu):
            menu.addAction(show)
    panel.show_action = show  # type: ignore[attr-defined]
    return panel
