"""The case record's Advice tab: every advice request with its own 6-week clock, and the two things to do
with one still outstanding: record it received, or excuse the adviser under reg 8(2)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from caseworker.statutory.rules import Rules
from caseworker.views.case_detail import AdviceView
from ui.panels._record_tables import RecordTable, advice_columns


class AdviceTab(QWidget):
    """The advice table; ``step`` asks the record to open a form (step name, advice id) for the chosen row."""

    step = Signal(str, int)

    def __init__(self, rules: Rules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Advice")
        layout = QVBoxLayout(self)
        self.table = RecordTable(advice_columns(rules), "Advice", self)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.received_button = QPushButton("Advice &received…", self)
        self.received_button.setAccessibleName("Record the chosen advice received")
        self.received_button.clicked.connect(lambda: self._ask("advice_received"))
        self.excuse_button = QPushButton("&Excuse (reg 8(2))…", self)
        self.excuse_button.setAccessibleName("Excuse the chosen adviser under reg 8(2)")
        self.excuse_button.setToolTip("The adviser need not keep to the 6 weeks: exceptional personal circumstances, "
                                      "the family away from the area, or a missed appointment. It is then not chased.")
        self.excuse_button.clicked.connect(lambda: self._ask("excuse_advice"))
        row.addWidget(self.received_button)
        row.addWidget(self.excuse_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        self._steps: set[str] = set()
        self._writer = False

    def set_rows(self, advice: tuple[AdviceView, ...]) -> None:
        self.table.set_rows(advice)
        self.update_buttons()

    def allow(self, steps: set[str], writer: bool) -> None:
        """Which steps the case allows now, and whether the user may record them."""
        self._steps, self._writer = steps, writer
        self.update_buttons()

    def chosen(self) -> AdviceView | None:
        """The advice request picked in the table, if any (the form then starts on it)."""
        index = self.table.currentIndex()
        return self.table.rows_model.row(index.row()) if index.isValid() else None

    def update_buttons(self) -> None:
        """Each button works on the chosen request, or with none chosen lets the form offer every one it can."""
        a = self.chosen()
        self.received_button.setEnabled(self._writer and "advice_received" in self._steps
                                        and (a is None or a.received is None))
        self.excuse_button.setEnabled(self._writer and "excuse_advice" in self._steps
                                      and (a is None or (a.received is None and a.excused_ground is None)))

    def _ask(self, name: str) -> None:
        a = self.chosen()
        self.step.emit(name, a.id if a is not None else 0)

    def _activated(self, index: QModelIndex) -> None:
        advice = self.table.rows_model.row(index.row())
        if advice.received is None:
            self.step.emit("advice_received", advice.id)
