"""Cases: every request and plan in one list, with instant search, filters and sorting.

The rows load on the task runner; searching and filtering never touch the database: each keystroke
filters the model's own list (about 28,000 rows at the large demo scale) and resets the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
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
from caseworker.views.case_list import CaseRow, load_case_rows
from ui.context import DesktopContext
from ui.panels._cases_columns import (
    COLUMN_SAMPLES,
    CaseFilter,
    FilterChoices,
    case_columns,
    filter_choices,
)
from ui.panels._cases_table import CaseTable
from ui.panels._reload import ReloadingPanel
from ui.status import status_icon
from ui.table_model import RowTableModel


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
    return CasesLoad(today, rows, filter_choices(rows, needs))


class CasesPanel(ReloadingPanel):
    open_case = Signal(int)
    loaded = Signal()  # rows are in the table (tests and the status bar listen)

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        # The columns read today through this box, not through self: no reference cycle, so the panel is
        # freed on the UI thread when it goes, never by the cycle collector on a worker thread.
        today_box = self._today_box = [desktop.today()]
        self.setAccessibleName("Cases")

        needs = dict(desktop.ctx.engine.rules.primary_needs)
        self._needs = needs
        self.model: RowTableModel[CaseRow] = RowTableModel(case_columns(lambda: today_box[0], needs), self)
        self.table = CaseTable(self.model, lambda r: r.case_id, self)
        self.table.setAccessibleName("Cases list")
        self.table.setAccessibleDescription("Every request and plan. Press Enter or double-click to open a case.")
        self.table.setSortingEnabled(True)
        # Most urgent first until the user picks another column.
        self.table.sortByColumn(self.column_of("Status"), Qt.SortOrder.AscendingOrder)
        self.table.fit_columns(COLUMN_SAMPLES, icon_columns=(8,))
        self.table.open_case.connect(self.open_case)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search by name, reference, UPN or school")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search cases")
        self.search.setAccessibleDescription("Filters the list as you type. Press Down to move into the list.")
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("Search by name, reference, UPN or sch"))
        self.search.textChanged.connect(self._apply_filter)
        self.search.installEventFilter(self)

        self.stage = self._combo("Stage", "All stages")
        self.caseworker = self._combo("Caseworker", "All caseworkers")
        self.status = self._combo("Status", "All statuses")
        self.need = self._combo("Primary need", "All needs")
        self.late_only = QCheckBox("&Late advice only", self)
        self.late_only.setAccessibleName("Late advice only")
        self.late_only.toggled.connect(self._apply_filter)
        self.clear = QPushButton("C&lear filters", self)
        self.clear.setAccessibleName("Clear search and filters")
        self.clear.clicked.connect(self.clear_filters)
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
        filters = QHBoxLayout()
        for label, combo in (("S&tage", self.stage), ("Case&worker", self.caseworker), ("Stat&us", self.status),
                             ("&Need", self.need)):
            buddy = QLabel(label, self)
            buddy.setBuddy(combo)
            filters.addWidget(buddy)
            filters.addWidget(combo)
            filters.addSpacing(8)
        filters.addWidget(self.late_only)
        filters.addStretch(1)
        filters.addWidget(self.clear)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        for first, second in ((self.search, self.stage), (self.stage, self.caseworker),
                              (self.caseworker, self.status), (self.status, self.need),
                              (self.need, self.late_only), (self.late_only, self.clear), (self.clear, self.table)):
            self.setTabOrder(first, second)
        self.setFocusProxy(self.search)

        desktop.data_changed.connect(self._changed)
        self.refresh()

    # --- loading -----------------------------------------------------------------------------------
    def _start_load(self) -> None:
        """Reload every row in the background; the table keeps its rows until the new ones arrive."""
        ctx, today, needs = self.desktop.ctx, self.desktop.today(), self._needs
        header = self.table.horizontalHeader()
        column = self.model.columns[header.sortIndicatorSection()]
        order = (column.sort_key or column.text,
                 header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
        self.desktop.runner.run(lambda: load(ctx, today, needs, order), self._loaded, self._failed)

    def _loaded(self, result: CasesLoad) -> None:
        if not self._finished():
            return  # newer data is on its way
        self._today_box[0] = result.today
        current = self.table.current_case()
        self._fill_choices(result.choices)
        self.model.set_rows(result.rows)
        self._has_loaded = True
        self.table.select_case(current)
        self._show_count()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        self.count.setText(f"Could not load the cases: {exc}")

    # --- filters -----------------------------------------------------------------------------------
    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(f"Filter by {name.lower()}")
        combo.addItem(everything, "")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(min(len(everything), 16) + 2)
        combo.currentIndexChanged.connect(self._apply_filter)
        return combo

    def _fill_choices(self, options: FilterChoices) -> None:
        self._refill(self.stage, options.stages)
        self._refill(self.caseworker, options.caseworkers)
        self._refill(self.status, options.statuses, icons=True)
        self._refill(self.need, options.needs)

    def _refill(self, combo: QComboBox, items: list[tuple[str, str]], icons: bool = False) -> None:
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
                          need=self.need.currentData() or "", late_advice_only=self.late_only.isChecked())

    def _apply_filter(self, *_args: Any) -> None:
        current = self.table.current_case()
        self.model.set_filter(self.current_filter().predicate())
        if current is not None:
            self.table.select_case(current)
        self._show_count()

    def clear_filters(self) -> None:
        widgets: list[QWidget] = [self.search, self.stage, self.caseworker, self.status, self.need, self.late_only]
        for w in widgets:
            w.blockSignals(True)
        try:
            self.search.clear()
            for combo in (self.stage, self.caseworker, self.status, self.need):
                combo.setCurrentIndex(0)
            self.late_only.setChecked(False)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._apply_filter()

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count.setText(f"Showing {shown:,} of {total:,} case{'s' if total != 1 else ''}")
        self.clear.setEnabled(not self.current_filter().is_empty)

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

