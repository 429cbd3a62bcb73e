"""The case record's Chronology tab: everything that happened on the case in date order, filtered by kind,
and exported as the PDF evidence index or a CSV (caseworker.reports.chronology_export).

It loads the first time it is shown and again whenever the case changes once it has; every read and
every export runs on the task runner. An export never replaces a file without asking.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import CaseworkerError
from caseworker.reports.chronology_export import ExportExists, export_chronology
from caseworker.views.chronology import KINDS, Chronology, ChronologyEvent, chronology
from ui.context import DesktopContext
from ui.panels._record_tables import RecordTable
from ui.printing import safe_file_name
from ui.status import status_colour
from ui.table_model import Column

EVERYTHING = ""


def chronology_columns() -> list[Column[tuple[int, ChronologyEvent]]]:
    return [
        Column("No.", lambda r: str(r[0]), sort_key=lambda r: r[0]),
        Column("When", lambda r: r[1].when, sort_key=lambda r: r[0]),
        Column("Kind", lambda r: KINDS.get(r[1].kind, r[1].kind)),
        Column("What", lambda r: r[1].what, tooltip=lambda r: r[1].what),
        Column("By", lambda r: r[1].who),
        Column("Details", lambda r: r[1].details, tooltip=lambda r: r[1].details),
        Column("Where recorded", lambda r: r[1].source, tooltip=lambda r: r[1].source),
    ]


def ask_export_path(parent: QWidget, suggested: str, pdf: bool) -> str:
    """Where to save (modal); "" if cancelled. Tests replace this. Replacing is asked separately."""
    kind = "PDF documents (*.pdf)" if pdf else "CSV files (*.csv)"
    path, _ = QFileDialog.getSaveFileName(parent, "Export the chronology", str(Path.home() / suggested), kind,
                                          options=QFileDialog.Option.DontConfirmOverwrite)
    return path


def ask_replace(parent: QWidget, path: Path) -> bool:
    """Whether to replace a file already there (modal). Tests replace this."""
    answer = QMessageBox.question(parent, "Export the chronology", f"{path.name} already exists in {path.parent}. "
                                  "Replace it with this chronology?",
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class ChronologyTab(QWidget):
    """``title_changed`` gives the tab its title with the count; ``exported`` the path written."""

    title_changed = Signal(str)
    loaded = Signal()
    exported = Signal(object)  # Path

    def __init__(self, desktop: DesktopContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id = desktop, case_id
        self.data: Chronology | None = None
        self._asked = False  # a load has been started (the first waits until the tab is seen)
        self.setAccessibleName("Chronology")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.kind = QComboBox(self)
        self.kind.addItem("Everything", EVERYTHING)
        for code, title in KINDS.items():
            self.kind.addItem(title, code)
        self.kind.setAccessibleName("Show events of this kind")
        show = QLabel("S&how:", self)
        show.setBuddy(self.kind)
        self.count = QLabel(self)
        self.count.setAccessibleName("Events shown")
        self.pdf_button = QPushButton("Export &PDF…", self)
        self.pdf_button.setAccessibleName("Export the chronology as a PDF evidence index")
        self.csv_button = QPushButton("Export CS&V…", self)
        self.csv_button.setAccessibleName("Export the chronology as a CSV file")
        for widget in (show, self.kind, self.count):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.csv_button)
        layout.addLayout(top)
        self.table = RecordTable(chronology_columns(), "Chronology, oldest first", self)
        layout.addWidget(self.table, 1)
        self.chosen_text = QLabel(self)  # the chosen line in full: details run longer than their column
        self.chosen_text.setWordWrap(True)
        self.chosen_text.setTextFormat(Qt.TextFormat.PlainText)
        self.chosen_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chosen_text.setAccessibleName("The chosen event in full")
        layout.addWidget(self.chosen_text)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_chosen())
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Chronology message")
        layout.addWidget(self.message)
        self.kind.currentIndexChanged.connect(lambda _i: self._show())
        self.pdf_button.clicked.connect(lambda: self.export(pdf=True))
        self.csv_button.clicked.connect(lambda: self.export(pdf=False))
        desktop.data_changed.connect(self._on_data_changed)

    # --- loading -----------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """Load on first sight: a case opened to check a date never reads its whole history."""
        super().showEvent(event)
        if self.data is None and not self._asked:
            self.refresh()

    def _on_data_changed(self, case_id: int) -> None:
        if case_id in (0, self.case_id) and self.data is not None:
            self.refresh()

    def refresh(self) -> None:
        self._asked = True
        ctx, case_id = self.desktop.ctx, self.case_id
        self.message.setText("Loading the chronology…")
        self.desktop.runner.run(lambda: chronology(ctx, case_id), self._loaded, self._failed, owner=self,
                                latest="chronology")

    def _loaded(self, c: Chronology) -> None:
        self.data = c
        self.message.setText("")
        self._show()
        self.title_changed.emit(f"Chronolo&gy ({len(c.events)})")
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._say(f"The chronology could not be loaded: {exc}", problem=True)
        self.loaded.emit()

    def chosen_kinds(self) -> list[str] | None:
        """The kinds shown (None: everything)."""
        kind = str(self.kind.currentData())
        return None if kind == EVERYTHING else [kind]

    def shown_events(self) -> tuple[ChronologyEvent, ...]:
        if self.data is None:
            return ()
        kinds = self.chosen_kinds()
        return self.data.events if kinds is None else self.data.of_kinds(kinds)

    def _show(self) -> None:
        events = self.shown_events()
        self.table.set_rows(list(enumerate(events, 1)))
        self._show_chosen()
        total = len(self.data.events) if self.data is not None else 0
        self.count.setText(f"{len(events)} of {total} events, oldest first" if self.chosen_kinds() else
                           f"{total} events, oldest first")

    def _show_chosen(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.chosen_text.setText("")
            return
        n, e = self.table.rows_model.row(index.row())
        by = f" ({e.who})" if e.who else ""
        details = f": {e.details}" if e.details else ""
        self.chosen_text.setText(f"{n}. {e.when}, {e.what}{by}{details}. Recorded in: {e.source}.")

    # --- export ------------------------------------------------------------------------------------
    def export(self, *, pdf: bool) -> None:
        if self.data is None:
            return
        suffix = ".pdf" if pdf else ".csv"
        kinds = self.chosen_kinds()
        title = "chronology" if kinds is None else f"chronology-{kinds[0]}"
        chosen = ask_export_path(self, safe_file_name(self.data.header.reference, title)[:-4] + suffix, pdf)
        if not chosen:
            return
        path = Path(chosen) if chosen.lower().endswith(suffix) else Path(chosen + suffix)
        if path.exists() and not ask_replace(self, path):
            self._say(f"Nothing was exported: {path.name} was kept as it is.")
            return
        self._start_export(path, kinds, replace=path.exists())

    def _start_export(self, path: Path, kinds: list[str] | None, *, replace: bool) -> None:
        ctx, case_id, who = self.desktop.ctx, self.case_id, self.desktop.actor.display_name
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(False)
        self._say(f"Exporting to {path}…")
        self.desktop.runner.run(
            lambda: export_chronology(ctx, case_id, path, printed_by=who, kinds=kinds, replace=replace),
            self._exported, self._export_failed, owner=self)

    def _exported(self, path: Path) -> None:
        self._enable()
        self._say(f"Exported to {path}.")
        self.exported.emit(path)

    def _export_failed(self, exc: BaseException) -> None:
        self._enable()
        if isinstance(exc, ExportExists):  # made meanwhile by someone else: nothing is replaced unasked
            self._say(f"Nothing was exported: {exc}. Export again to choose whether to replace it.", problem=True)
        elif isinstance(exc, CaseworkerError):
            self._say(f"Nothing was exported: {exc}.", problem=True)
        else:
            self._say(f"Something went wrong exporting ({type(exc).__name__}: {exc}); nothing was exported.",
                      problem=True)

    def _enable(self) -> None:
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(True)

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {status_colour('overdue').name()};" if problem else "")
