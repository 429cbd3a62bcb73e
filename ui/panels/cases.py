"""Cases: every request and plan in one list, with instant search, filters and sorting.

The rows load on the task runner; searching and filtering never touch the database: each keystroke
filters the model's own list (about 28,000 rows at the large demo scale) and resets the model. Each
row's search text is folded (no case, accents or apostrophes) once as it loads; a keystroke folds only
what was typed. A caseworker's list opens on their own cases, a team lead's on everyone's. Export list…
saves the list as shown (filters, search, order, columns) as .xlsx or .csv, written on the task runner.
A plan shows its next annual review and transfer (worked out for every plan as the rows load), and the
Plan review and Transfer cohort filters narrow the list to them.
A team lead (or admin) selects cases nobody holds (the Unallocated caseworker filter finds them) and
allocates them with Allocate… (the button, a right-click, or the menu key): the case record's dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as with_changes
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.context import AppContext
from caseworker.views.case_list import CaseRow, load_case_rows, load_case_rows_for
from caseworker.views.case_list_plans import review_soon_days
from ui.banner import plain_reason
from ui.context import DesktopContext
from ui.panels._allocating import ALLOCATE_TEXT, allocate_cases
from ui.panels._cases_columns import (
    COLUMN_SAMPLES,
    REVIEW_COLUMN,
    CaseFilter,
    FilterChoices,
    case_columns,
    filter_choices,
)
from ui.panels._cases_export import ask_where, export_shown, shown_list
from ui.panels._cases_table import CaseTable
from ui.panels._reload import ReloadingPanel
from ui.status import status_icon
from ui.table_model import RowTableModel
from ui.tasks import alive

if TYPE_CHECKING:
    from ui.dialogs.reallocate import ReallocateDialog  # imported when a lead first allocates

SEARCH_HINT = "Search names, parents, reference, UPN, NHS no., postcode or school"


@dataclass(frozen=True)
class CasesLoad:
    today: date
    rows: list[CaseRow]
    choices: FilterChoices


def load(ctx: AppContext, today: date, needs: dict[str, str],
         order: tuple[Callable[[CaseRow], Any], bool] | None = None) -> CasesLoad:
    """Runs on the task runner: the rows (already in the table's order, so the model's own sort is a
    single pass) and what each filter offers, so the UI thread has only the model reset to do."""
    rows = load_case_rows(ctx, today)
    if order is not None:
        rows.sort(key=order[0], reverse=order[1])
    return CasesLoad(today, rows, filter_choices(rows, needs, today, review_soon_days(ctx.engine.rules)))


class CasesPanel(ReloadingPanel):
    says_loading_itself = True  # "Loading cases…" in the count
    open_case = Signal(int)
    loaded = Signal()  # rows are in the table (tests and the status bar listen)
    exported = Signal()  # an export finished, saved or not (the note beside the button says which)

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None, *, load_now: bool = True) -> None:
        super().__init__(parent)
        self.desktop = desktop
        # The columns read today through this box, not through self: no reference cycle, so the panel is
        # freed on the UI thread when it goes, never by the cycle collector on a worker thread.
        today_box = self._today_box = [desktop.today()]
        self.setAccessibleName("Cases")

        needs = dict(desktop.ctx.engine.rules.primary_needs)
        self._needs = needs
        soon = review_soon_days(desktop.ctx.engine.rules)
        self.model: RowTableModel[CaseRow] = RowTableModel(case_columns(lambda: today_box[0], needs, soon), self)
        self.table = CaseTable(self.model, lambda r: r.case_id, self)
        self.table.setAccessibleName("Cases list")
        self.table.setAccessibleDescription("Every request and plan. Press Enter or double-click to open a case.")
        self.table.setSortingEnabled(True)
        # Most urgent first until the user picks another column.
        self.table.sortByColumn(self.column_of("Status"), Qt.SortOrder.AscendingOrder)
        self.table.fit_columns(COLUMN_SAMPLES, icon_columns=(8, REVIEW_COLUMN))
        self.table.open_case.connect(self.open_case)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # several to allocate

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search cases")
        self.search.setAccessibleDescription("Filters the list as you type. Press Down to move into the list.")
        self.search.setToolTip("Accents and capitals do not matter: zoe finds Zoë. Identifiers and postcodes "
                               "with or without their spaces.")
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance(SEARCH_HINT[:36]))
        self.search.textChanged.connect(self._apply_filter)
        self.search.installEventFilter(self)

        self.stage = self._combo("Stage", "All stages")
        self.caseworker = self._combo("Caseworker", "All caseworkers")
        self.status = self._combo("Status", "All statuses")
        self.need = self._combo("Primary need", "All needs")
        self.review = self._combo("Review", "Any review")
        self.review.setToolTip("A plan's next annual review: overdue, due within its due-soon window, or not due")
        self.transfer = self._combo("Transfer cohort", "Any transfer")
        self.transfer.setToolTip("Plans whose child changes phase that September (from the transfer recorded, "
                                 "else from the date of birth and any year-group offset)")
        self.late_only = QCheckBox("&Late advice only", self)
        self.late_only.setAccessibleName("Late advice only")
        self.late_only.toggled.connect(self._apply_filter)
        self.clear = QPushButton("C&lear filters", self)
        self.clear.setAccessibleName("Clear search and filters")
        self.clear.clicked.connect(self.clear_filters)
        self.export = QPushButton("E&xport list…", self)
        self.export.setAccessibleName("Export the list as shown")
        self.export.setToolTip("Save the cases shown, in this order and with these columns, as an Excel workbook "
                               "(.xlsx) or a CSV file")
        self.export.clicked.connect(self.choose_export)
        self.allocate = QPushButton(ALLOCATE_TEXT, self)
        self.allocate.setAccessibleName("Allocate the selected cases")
        self.allocate.setToolTip("Give the selected cases nobody holds a caseworker (choose Unallocated under "
                                 "Caseworker to list them)")
        self.allocate.clicked.connect(self.allocate_selected)
        self.allocate_action = QAction(ALLOCATE_TEXT, self.table)
        self.allocate_action.triggered.connect(self.allocate_selected)
        self.table.addAction(self.allocate_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().selectionChanged.connect(self._allow_allocating)
        self.allocation_dialog: ReallocateDialog | None = None
        self.export_note = QLabel(self)
        self.export_note.setAccessibleName("Export")
        self.export_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_note.hide()
        self.count = QLabel("Loading cases…", self)
        self.count.setAccessibleName("Number of cases shown")
        self.busy = QLabel("Loading…", self)
        self.busy.setAccessibleName("Loading")
        self.busy.setStyleSheet("color: palette(mid); font-style: italic;")
        self.busy.hide()

        top = QHBoxLayout()
        title = QLabel("Cases", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        top.addWidget(self.busy)
        top.addWidget(self.count)
        top.addSpacing(8)
        top.addWidget(self.export_note)
        top.addWidget(self.export)
        filters = QHBoxLayout()
        for label, combo in (("S&tage", self.stage), ("Case&worker", self.caseworker), ("Stat&us", self.status),
                             ("&Need", self.need)):
            self._add_filter(filters, label, combo)
        filters.addWidget(self.late_only)
        filters.addStretch(1)
        filters.addWidget(self.allocate)
        filters.addWidget(self.clear)
        # A plan's review and transfer on their own row: a laptop's width is taken by the row above.
        plan_filters = QHBoxLayout()
        for label, combo in (("Plan r&eview", self.review), ("T&ransfer cohort", self.transfer)):
            self._add_filter(plan_filters, label, combo)
        plan_filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(plan_filters)
        layout.addWidget(self.table, 1)
        for first, second in ((self.search, self.stage), (self.stage, self.caseworker),
                              (self.caseworker, self.status), (self.status, self.need),
                              (self.need, self.late_only), (self.late_only, self.allocate),
                              (self.allocate, self.clear), (self.clear, self.review), (self.review, self.transfer),
                              (self.transfer, self.export),
                              (self.export, self.table)):
            self.setTabOrder(first, second)
        self.setFocusProxy(self.search)

        self._exporting = False
        self._choices: FilterChoices | None = None
        self._everything: list[CaseRow] = []
        self._changed_rows: set[int] = set()  # cases changed since their rows were read
        self._rows_loading = False
        self._opening_caseworker: str | None = self.own_cases_first()
        desktop.data_changed.connect(self._changed)
        desktop.actor_changed.connect(self._actor_changed)
        self._allow_allocating()
        if load_now:  # the main window starts the load itself, after My day's
            self.refresh()

    # --- loading -----------------------------------------------------------------------------------
    def _start_load(self) -> None:
        """Reload every row in the background; the table keeps its rows until the new ones arrive."""
        ctx, today, needs = self.desktop.ctx, self.desktop.today(), self._needs
        header = self.table.horizontalHeader()
        column = self.model.columns[header.sortIndicatorSection()]
        order = (column.sort_key or column.text,
                 header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
        self.desktop.runner.run(lambda: load(ctx, today, needs, order), self._loaded, self._failed,
                                owner=self, latest="cases")

    def _loaded(self, result: CasesLoad) -> None:
        if not self._finished():
            return  # newer data is on its way
        self._today_box[0] = result.today
        current = self.table.current_case()
        self._choices = result.choices
        self._everything = result.rows
        self._fill_choices(result.choices)
        self.model.set_filter(self.current_filter().predicate())  # before the rows: one pass, not two
        self.model.set_rows(result.rows)
        self._has_loaded = True
        self.table.select_case(current)
        self._show_count()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        self.count.setText(f"Could not load the cases: {plain_reason(exc)}")

    # --- a few cases changed -----------------------------------------------------------------------
    def _changed(self, case_id: int = 0) -> None:
        """A change to one case reloads that case's row only (the whole list is some 28,000 rows);
        changes arriving together are gathered into one load."""
        if case_id == 0 or not self._has_loaded or self._loading:
            super()._changed(case_id)
            return
        self._changed_rows.add(case_id)
        if self.isVisible():
            self._start_rows()

    def _start_rows(self) -> None:
        if not self._rows_loading and self._changed_rows:
            self._rows_loading = True
            QTimer.singleShot(0, self._load_rows)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # a whole reload if one is owed, else the rows changed while hidden
        if not self._loading:
            self._start_rows()

    def _load_rows(self) -> None:
        ids, self._changed_rows = set(self._changed_rows), set()
        ctx, today = self.desktop.ctx, self._today_box[0]
        self.desktop.runner.run(lambda: load_case_rows_for(ctx, today, ids),
                                lambda rows: self._rows_loaded(ids, rows), self._rows_failed, owner=self)

    def _rows_loaded(self, ids: set[int], rows: list[CaseRow]) -> None:
        self._rows_loading = False
        if self._loading:
            return  # a whole load is under way: it brings these rows too
        fresh = {r.case_id: r for r in rows}
        kept = [fresh.pop(r.case_id, r) for r in self._everything if r.case_id not in ids or r.case_id in fresh]
        self._everything = kept + list(fresh.values())  # a new case goes in; one no longer on record goes
        current, scrolled = self.table.current_case(), self.table.verticalScrollBar().value()
        self.model.set_rows(self._everything)
        self.table.select_case(current)
        self.table.verticalScrollBar().setValue(scrolled)  # the reader's place stays where it was
        self._show_count()
        self.loaded.emit()
        if self._changed_rows:
            self._rows_loading = True
            self._load_rows()

    def _rows_failed(self, exc: BaseException) -> None:
        self._rows_loading = False
        self._changed_rows.clear()
        self.count.setText(f"Could not load the cases: {plain_reason(exc)}")

    # --- filters -----------------------------------------------------------------------------------
    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(f"Filter by {name.lower()}")
        combo.addItem(everything, "")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(min(len(everything), 16) + 2)
        combo.currentIndexChanged.connect(self._apply_filter)
        return combo

    def _add_filter(self, row: QHBoxLayout, label: str, combo: QComboBox) -> None:
        buddy = QLabel(label, self)
        buddy.setBuddy(combo)
        row.addWidget(buddy)
        row.addWidget(combo)
        row.addSpacing(8)

    def _fill_choices(self, options: FilterChoices) -> None:
        self._refill(self.stage, options.stages)
        self._refill(self.caseworker, self._caseworker_choices(options.caseworkers))
        self._refill(self.status, options.statuses, icons=True)
        self._refill(self.need, options.needs)
        self._refill(self.review, options.reviews, icons=True)
        self._refill(self.transfer, options.transfer_years)
        if self._opening_caseworker is not None:  # the first load, or a new "You are"
            self.caseworker.blockSignals(True)
            self.caseworker.setCurrentIndex(max(0, self.caseworker.findData(self._opening_caseworker)))
            self.caseworker.blockSignals(False)
            self._opening_caseworker = None

    # --- whose cases -------------------------------------------------------------------------------
    def own_cases_first(self) -> str:
        """Whose cases the list opens on, as My day's "Show work for" does: a caseworker's own, anyone
        else's (team lead, admin, read only) everyone's. The Caseworker filter changes it."""
        actor = self.desktop.actor
        return actor.username if actor.role == "caseworker" else ""

    def _caseworker_choices(self, people: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """"Me" first for someone who holds cases (a caseworker with none yet too), then everyone else."""
        me = self.desktop.actor
        others = [(name, user) for name, user in people if user != me.username]
        if me.role == "caseworker" or len(others) < len(people):
            return [(f"Me ({me.display_name})", me.username), *others]
        return others

    def _actor_changed(self) -> None:
        self._allow_allocating()
        self._opening_caseworker = self.own_cases_first()
        if self._choices is not None:
            self._fill_choices(self._choices)
            self._apply_filter()

    def _refill(self, combo: QComboBox, items: list[tuple[str, Any]], icons: bool = False) -> None:
        """Replace a filter's choices, keeping what was chosen when it is still there."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in items:
                if icons:
                    combo.addItem(status_icon(value), text, value)
                else:
                    combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        finally:
            combo.blockSignals(False)

    def current_filter(self) -> CaseFilter:
        return CaseFilter(text=self.search.text(), stage=self.stage.currentData() or "",
                          caseworker=self.caseworker.currentData() or "", status=self.status.currentData() or "",
                          need=self.need.currentData() or "", late_advice_only=self.late_only.isChecked(),
                          review=self.review.currentData() or "", transfer_year=int(self.transfer.currentData() or 0))

    def _apply_filter(self, *_args: Any) -> None:
        current = self.table.current_case()
        self.model.set_filter(self.current_filter().predicate())
        if current is not None:
            self.table.select_case(current)
        self._show_count()

    def clear_filters(self) -> None:
        widgets: list[QWidget] = [self.search, self.stage, self.caseworker, self.status, self.need, self.review,
                                  self.transfer, self.late_only]
        for w in widgets:
            w.blockSignals(True)
        try:
            self.search.clear()
            for combo in (self.stage, self.caseworker, self.status, self.need, self.review, self.transfer):
                combo.setCurrentIndex(0)
            self.late_only.setChecked(False)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._apply_filter()

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        text = f"Showing {shown:,} of {total:,} case{'s' if total != 1 else ''}"
        chosen = self.current_filter()
        if chosen.caseworker and chosen.text.strip():
            # Searching within one person's cases: say when others' cases match too, or a caseworker
            # looking for a colleague's case is left wondering why it is not there.
            everyone = with_changes(chosen, caseworker="").predicate()
            more = sum(1 for r in self._everything if everyone is None or everyone(r)) - shown
            if more > 0:
                text += f" ({more:,} more with other caseworkers)"
        self.count.setText(text)
        self.clear.setEnabled(not chosen.is_empty)
        self.export.setEnabled(shown > 0 and not self._exporting)
        self._allow_allocating()

    # --- allocating --------------------------------------------------------------------------------
    def selected_rows(self) -> list[CaseRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row(i) for i in rows]

    def _allow_allocating(self, *_: object) -> None:
        """Allocate… is a team lead's (or admin's), for a selection of cases that are all nobody's."""
        lead = self.desktop.actor.can_reallocate
        chosen = self.selected_rows()
        allowed = lead and bool(chosen) and all(not r.caseworker for r in chosen)
        self.allocate.setVisible(lead)
        self.allocate.setEnabled(allowed)
        self.allocate_action.setVisible(lead)
        self.allocate_action.setEnabled(allowed)

    def allocate_selected(self) -> None:
        if not self.allocate.isEnabled():
            return
        ids = [r.case_id for r in self.selected_rows()]
        allocate_cases(self.desktop, self, ids, self._allocation_opened, self._allocation_refused)

    def _allocation_opened(self, dialog: ReallocateDialog) -> None:
        if self.allocation_dialog is not None and alive(self.allocation_dialog):
            self.allocation_dialog.deleteLater()  # the last one, long closed
        self.allocation_dialog = dialog

    def _allocation_refused(self, words: str) -> None:
        self._note(words, error=True)

    # --- export ------------------------------------------------------------------------------------
    def choose_export(self) -> None:
        """Export list…: ask where (the dialog asks before replacing a file), then save in the background."""
        path = ask_where(self, self.desktop.today())
        if path is not None:
            self.export_to(path, replace=path.exists())

    def export_to(self, path: Path, *, replace: bool = False) -> None:
        """Save the list as shown to ``path`` (.xlsx or .csv) on the task runner; the note beside the
        button says what was saved, or why not. ``replace``: the person agreed to replace the file."""
        shown = shown_list(self.table, self.model)
        ctx = self.desktop.ctx
        self._exporting = True
        self.export.setEnabled(False)
        self._note(f"Saving {len(shown.rows):,} cases…")
        self.desktop.runner.run(lambda: export_shown(ctx, shown, path, replace=replace),
                                lambda n: self._exported(path, n), self._export_failed, owner=self)

    def _exported(self, path: Path, count: int) -> None:
        # A long name is shortened (the whole path is in the tooltip), so the search box keeps its room.
        name = path.name if len(path.name) <= 40 else path.name[:28].rstrip() + "…" + path.name[-11:]
        self._export_done(f"Saved {count:,} case{'s' if count != 1 else ''} to {name}", str(path))

    def _export_failed(self, exc: BaseException) -> None:
        self._export_done(f"Not saved: {exc}", "", error=True)

    def _export_done(self, text: str, where: str, *, error: bool = False) -> None:
        self._exporting = False
        self._note(text, where, error=error)
        self._show_count()
        self.exported.emit()

    def _note(self, text: str, tooltip: str = "", *, error: bool = False) -> None:
        self.export_note.setText(text)
        self.export_note.setToolTip(tooltip or text)
        self.export_note.setStyleSheet("color: #b3261e;" if error else "")
        self.export_note.show()

    # --- keyboard ----------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self.table.enter_from_above()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.model.rowCount() == 1:  # one match: open it straight away
                    self.open_case.emit(self.model.row(0).case_id)
                else:
                    self.table.enter_from_above()
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def shown_rows(self) -> list[CaseRow]:
        return self.model.rows()

    def column_of(self, title: str) -> int:
        return next(i for i, c in enumerate(self.model.columns) if c.title == title)

    def sort_by(self, title: str, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.table.sortByColumn(self.column_of(title), order)

