"""A table model over plain rows that sorts and filters its own list.

A QSortFilterProxyModel calling back into Python for every cell takes seconds at 20,000 rows; sorting
a list of dataclasses by a key function takes milliseconds. Columns are declared once: a title, how
to show a row's value, and how to sort by it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    tooltip: Callable[[R], str] | None = None
    icon: Callable[[R], Any] | None = None
    align_right: bool = False
    # What an exported spreadsheet holds in this column (a date cell rather than its words), and its
    # heading there; by default the text shown, under the title shown.
    export: Callable[[R], Any] | None = None
    export_title: str = ""

    def exported(self, row: R) -> Any:
        return self.text(row) if self.export is None else self.export(row)


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows are whatever dataclass the panel loads; the model never touches the database."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._all: list[R] = []
        self._shown: list[R] = []
        self._filter: Callable[[R], bool] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- data in -----------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._sort_all()
        self._apply()
        self.endResetModel()

    def set_filter(self, predicate: Callable[[R], bool] | None) -> None:
        self.beginResetModel()
        self._filter = predicate
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        """Filter the rows kept in display order; a filtered sorted list is still sorted."""
        self._shown = self._all if self._filter is None else [r for r in self._all if self._filter(r)]

    def _sort_all(self) -> None:
        if self._sort is not None:
            col, order = self._sort
            column = self.columns[col]
            key = column.sort_key or column.text
            self._all = sorted(self._all, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    # --- rows out ----------------------------------------------------------------------------------
    def row(self, index: int) -> R:
        return self._shown[index]

    def rows(self) -> list[R]:
        return list(self._shown)

    @property
    def total(self) -> int:
        return len(self._all)

    # --- Qt ----------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._shown[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.DecorationRole and column.icon is not None:
            return column.icon(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sort_all()
        self._apply()
        self.layoutChanged.emit()
