"""A read-only table of case rows that opens a case on double-click or Enter (shared by My day)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

from ui.table_model import RowTableModel


class CaseTable(QTableView):
    """Rows are whole cases: select by row, Tab leaves the table, Enter/double-click opens.

    ``case_of`` maps a row of the model to its case id (None when the row has no case to open).
    Row heights are fixed and columns never size to their contents on reset, so a reset of tens of
    thousands of rows costs only the model's own work.
    """

    open_case = Signal(int)

    def __init__(self, model: RowTableModel[Any], case_of: Callable[[Any], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case_of = case_of
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        columns = self.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        columns.setHighlightSections(False)
        columns.setStretchLastSection(True)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.doubleClicked.connect(self._open_index)

    def row_model(self) -> RowTableModel[Any]:
        model = self.model()
        assert isinstance(model, RowTableModel)
        return model

    def fit_columns(self, samples: Sequence[str], icon_columns: Sequence[int] = ()) -> None:
        """Size each column to its sample text or its title, whichever is wider (no row scan)."""
        cells, titles = self.fontMetrics(), self.horizontalHeader().fontMetrics()
        model = self.row_model()
        icon = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        for column, sample in enumerate(samples):
            title = model.headerData(column, Qt.Orientation.Horizontal) or ""
            width = max(cells.horizontalAdvance(sample), titles.horizontalAdvance(title) + 12) + 12
            self.setColumnWidth(column, width + (icon + 6 if column in icon_columns else 0))

    def current_case(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self._case_of(self.row_model().row(index.row()))

    def select_case(self, case_id: int | None) -> bool:
        """Make the row of ``case_id`` current (after a reload or a new filter); False if it is not shown."""
        if case_id is None:
            return False
        for i, row in enumerate(self.row_model().rows()):
            if self._case_of(row) == case_id:
                self.selectRow(i)
                self.scrollTo(self.row_model().index(i, 0))
                return True
        return False

    def enter_from_above(self) -> None:
        """Focus the table from a search box: keep the current row, else take the first."""
        self.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.currentIndex().isValid() and self.row_model().rowCount() > 0:
            self.selectRow(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            case_id = self._case_of(self.row_model().row(index.row()))
            if case_id is not None:
                self.open_case.emit(case_id)
