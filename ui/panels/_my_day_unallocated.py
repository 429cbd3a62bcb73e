"""My day's "Cases not allocated" list: for a team lead or admin, the requests and plans nobody holds yet
(the Team tab's list of the same name), each allocated from here with Allocate… (the button, a
right-click, or the menu key), through the same dialog and service as the case record's."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QWidget

from caseworker.views.my_day_unallocated import WaitingCase
from caseworker.vocabulary import weekday_date
from ui.panels._allocating import ALLOCATE_TEXT
from ui.panels._cases_table import CaseTable
from ui.panels._my_day_parts import CARD_TITLES, MAX_VISIBLE_ROWS, UNALLOCATED, section_frame
from ui.table_model import Column, RowTableModel

HINT = ("Requests and plans nobody holds yet: choose one and press Allocate… (or right-click it) to give it a "
        "caseworker.")
SAMPLES = ("EHC-2025-0001", "Alexandru Dumitrescu", "Request (deciding whether to assess)",
           "Decision whether to assess", "Wed 28 Sep 2025")


def first_capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def unallocated_columns() -> list[Column[WaitingCase]]:
    return [
        Column("Reference", lambda c: c.reference, sort_key=lambda c: c.reference),
        Column("Child", lambda c: c.child, sort_key=lambda c: (c.child.casefold(), c.reference)),
        Column("Stage", lambda c: first_capital(c.state_words), sort_key=lambda c: (c.state_words, c.reference)),
        Column("Next step", lambda c: first_capital(c.next_what), sort_key=lambda c: (c.next_what, c.reference)),
        Column("Due", lambda c: weekday_date(c.next_due),
               sort_key=lambda c: (c.next_due is None, c.next_due or c.reference, c.reference),
               tooltip=lambda c: "Overdue" if c.overdue else ""),
    ]


class UnallocatedSection(QFrame):
    """The cases nobody holds; ``allocate_wanted`` carries the chosen one's case id."""

    allocate_wanted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = UNALLOCATED
        box, head, self.title = section_frame(self, UNALLOCATED, CARD_TITLES[UNALLOCATED])
        self.allocate_button = QPushButton(ALLOCATE_TEXT, self)
        self.allocate_button.setAccessibleName("Allocate the chosen case")
        self.allocate_button.clicked.connect(self.allocate_current)
        head.addWidget(self.allocate_button)
        box.addLayout(head)
        hint = QLabel(HINT, self)
        hint.setWordWrap(True)
        box.addWidget(hint)
        self.model: RowTableModel[WaitingCase] = RowTableModel(unallocated_columns(), self)
        self.table = CaseTable(self.model, lambda c: c.case_id, self)
        self.table.setAccessibleDescription("Press Enter or double-click to open the case; right-click to allocate it.")
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.fit_columns(SAMPLES)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # the soonest due first
        self.allocate_action = QAction(ALLOCATE_TEXT, self.table)
        self.allocate_action.triggered.connect(self.allocate_current)
        self.table.addAction(self.allocate_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().currentRowChanged.connect(self._allow)
        box.addWidget(self.table)
        self.set_cases([])

    def set_cases(self, cases: list[WaitingCase]) -> None:
        current = self.table.current_case()
        self.model.set_rows(cases)
        n = len(cases)
        self.title.setText(f"{CARD_TITLES[UNALLOCATED]} ({n:,})")
        self.table.setAccessibleName(f"{CARD_TITLES[UNALLOCATED]}: {n} case{'s' if n != 1 else ''}")
        rows = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + min(n, MAX_VISIBLE_ROWS) * rows + 2 * self.table.frameWidth())
        if not self.table.select_case(current) and n:
            self.table.selectRow(0)  # Allocate… always has a case to act on
        self._allow()
        self.setVisible(n > 0)

    def chosen(self) -> int | None:
        return self.table.current_case()

    def _allow(self, *_: object) -> None:
        chosen = self.chosen() is not None
        self.allocate_button.setEnabled(chosen)
        self.allocate_action.setEnabled(chosen)

    def allocate_current(self) -> None:
        case_id = self.chosen()
        if case_id is not None:
            self.allocate_wanted.emit(case_id)
