"""The Staff page: everyone on the list (inactive people and a tracker import's placeholders included),
with Add, Edit, Deactivate or Reactivate and Import CSV. What is enabled follows the acting user's rights
as the service states them: an admin manages everyone, a team lead changes their own team's FTE only.
Shown to team leads and admins; View > Staff (Ctrl+6) goes to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import CaseworkerError
from caseworker.services.staff import (
    StaffMember,
    StaffRights,
    deactivate_staff,
    reactivate_staff,
    staff_records,
    staff_rights,
)
from caseworker.services.staff_import import StaffImportFailed, StaffImportReport, import_staff
from ui.context import DesktopContext
from ui.dialogs.saving import unexpected_words
from ui.dialogs.staff_edit import StaffEditDialog
from ui.panels.team_tab import HasTabs, attach_lead_tab

TITLE = "Staff"
COLUMNS = ("Name", "Username", "Role", "Team", "FTE", "Start date", "Cases held", "State")
FILTERS = (("Active", "active"), ("Inactive", "inactive"), ("Everyone", "all"))
Confirm = Callable[[list[str]], bool]
SHOWN_LINES = 10  # an import's problems listed under the table


def _cells(r: StaffMember) -> tuple[str, ...]:
    return (r.display_name, r.username, r.role.replace("_", " "), r.team or "", f"{r.fte:g}",
            r.start_date.strftime("%d %b %Y") if r.start_date else "", str(r.cases_held), r.state)


def _switched(r: StaffMember, done: str) -> str:
    held = (f" They still hold {r.cases_held} case(s): move them on the Team page."
            if not r.active and r.cases_held else "")
    return f"{r.display_name} {done}.{held}"


class StaffPanel(QWidget):
    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.records: list[StaffMember] = []
        self.rights = StaffRights("read_only", None)
        self._owed = False  # read when first shown (load_when_shown)
        self.shown: list[StaffMember] = []
        self.note = ""  # what the last action did, kept above the count when the list reloads
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.show_which = QComboBox(self)
        self.show_which.setAccessibleName("Show")
        for words, code in FILTERS:
            self.show_which.addItem(words, code)
        self.show_which.currentIndexChanged.connect(self._fill)
        label = QLabel("&Show:", self)
        label.setBuddy(self.show_which)
        top.addWidget(label)
        top.addWidget(self.show_which)
        top.addStretch(1)
        self.add_button = QPushButton("&Add…", self)
        self.edit_button = QPushButton("&Edit…", self)
        self.switch_button = QPushButton("&Deactivate", self)
        self.import_button = QPushButton("&Import CSV…", self)
        for button, slot in ((self.add_button, self.add_person), (self.edit_button, self.edit_person),
                             (self.switch_button, self.switch_person), (self.import_button, self.choose_file)):
            button.clicked.connect(slot)
            top.addWidget(button)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Staff")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # the state, read last, takes the spare width
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_person())
        layout.addWidget(self.table, 1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Staff page messages")
        layout.addWidget(self.status)
        desktop.data_changed.connect(lambda _case: self.refresh())
        desktop.actor_changed.connect(self.refresh)
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------------
    def load_when_shown(self) -> None:
        """Read now if on screen, else when the lead first opens the page (not at start, behind My day)."""
        if self.isVisible():
            self.refresh()
        else:
            self._owed = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._owed:
            self.refresh()

    def refresh(self) -> None:
        self._owed = False
        if not self.desktop.can_view_team:
            return  # the page is not shown to this user
        ctx, actor = self.desktop.ctx, self.desktop.actor
        self.desktop.runner.run(lambda: (staff_records(ctx), staff_rights(ctx, actor)), self._loaded,
                                self._failed, owner=self, latest="staff")

    def _loaded(self, result: tuple[list[StaffMember], StaffRights]) -> None:
        self.records, self.rights = result
        self._fill()

    def _failed(self, exc: BaseException) -> None:
        self._say(str(exc) if isinstance(exc, CaseworkerError) else unexpected_words(exc))

    def _say(self, note: str) -> None:
        self.note = note
        self._fill()

    def _fill(self, *_: object) -> None:
        chosen = self.selected()
        which = self.show_which.currentData()
        self.shown = [r for r in self.records if which == "all" or (r.active == (which == "active"))]
        self.table.setRowCount(len(self.shown))
        for row, record in enumerate(self.shown):
            for col, text in enumerate(_cells(record)):
                item = QTableWidgetItem(text)
                if col in (4, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
            if chosen is not None and record.username == chosen.username:
                self.table.selectRow(row)
        placeholders = sum(1 for r in self.records if r.placeholder)
        words = f"{len(self.shown)} shown of {len(self.records)} on the list"
        if placeholders:
            words += (f"; {placeholders} inactive placeholder(s) added by a tracker import: edit one to give "
                      "the name, then reactivate it")
        self.status.setText("\n".join(t for t in (self.note, words) if t))
        self._update_buttons()

    def selected(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.shown[rows[0].row()] if rows and rows[0].row() < len(self.shown) else None

    def select(self, username: str) -> None:
        row = next((i for i, r in enumerate(self.shown) if r.username == username), None)
        if row is not None:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        record, admin = self.selected(), self.rights.manages_everyone
        self.add_button.setEnabled(admin)
        self.import_button.setEnabled(admin)
        self.edit_button.setEnabled(record is not None and bool(self.rights.fields_for(record.team)))
        self.switch_button.setText("&Reactivate" if record is not None and not record.active else "&Deactivate")
        self.switch_button.setEnabled(record is not None and admin)
        lead_only = not admin and self.rights.role == "team_lead"
        self.edit_button.setToolTip("A team lead changes the FTE of their own team" if lead_only else "")

    # --- actions -----------------------------------------------------------------------------------
    def _teams(self) -> list[str]:
        return sorted({r.team for r in self.records if r.team})

    def open_editor(self, record: StaffMember | None) -> StaffEditDialog:
        dialog = StaffEditDialog(self.desktop, self.rights, self._teams(), record, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def add_person(self) -> StaffEditDialog | None:
        return self.open_editor(None) if self.rights.manages_everyone else None

    def edit_person(self) -> StaffEditDialog | None:
        record = self.selected()
        return self.open_editor(record) if record is not None and self.edit_button.isEnabled() else None

    def switch_person(self) -> None:
        record = self.selected()
        if record is None or not self.rights.manages_everyone:
            return
        ctx, actor = self.desktop.ctx, self.desktop.actor
        change = reactivate_staff if not record.active else deactivate_staff
        done = "reactivated" if not record.active else "deactivated"
        changed = self.desktop.data_changed
        self.desktop.runner.run(lambda: change(ctx, actor, record.username, expected_version=record.version),
                                lambda r: self._say(_switched(r, done)), self._failed,
                                owner=self, write=True, announce=lambda _r: changed.emit(0))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import staff", "", "Spreadsheets (*.csv *.xlsx)")
        if name:
            self.import_file(Path(name), self._confirm)

    def _confirm(self, lines: list[str]) -> bool:
        answer = QMessageBox.question(self, "Import staff", "\n".join(lines) + "\n\nImport these changes?")
        return answer == QMessageBox.StandardButton.Yes

    def import_file(self, path: Path, confirm: Confirm) -> None:
        """Check the file (a dry run), ask, then import it: every row or none."""
        ctx, actor = self.desktop.ctx, self.desktop.actor

        def checked(report: StaffImportReport) -> None:
            if confirm(report.summary_lines()[:-1]):
                changed = self.desktop.data_changed
                self.desktop.runner.run(lambda: import_staff(ctx, actor, path), self._imported, self._import_failed,
                                        owner=self, write=True, announce=lambda _r: changed.emit(0))

        self.desktop.runner.run(lambda: import_staff(ctx, actor, path, dry_run=True), checked,
                                self._import_failed, owner=self)

    def _imported(self, report: StaffImportReport) -> None:
        self._say(report.summary_lines()[0])

    def _import_failed(self, exc: BaseException) -> None:
        if isinstance(exc, StaffImportFailed):
            lines = exc.lines()
            if len(lines) > SHOWN_LINES + 1:  # the first problems and the closing line; the command lists all
                lines = [*lines[:SHOWN_LINES], f"... and {len(lines) - SHOWN_LINES - 1} more", lines[-1]]
            self._say("\n".join(lines))
        else:
            self._failed(exc)


def attach_staff_tab(window: HasTabs) -> StaffPanel:
    """The page as a fixed tab for team leads and admins, and View > Staff (Ctrl+6)."""
    assert isinstance(window, QMainWindow)
    panel = StaffPanel(window.desktop, window)
    attach_lead_tab(window, panel, title=TITLE, menu_text="St&aff", shortcut="Ctrl+6", name="show_staff")
    return panel
