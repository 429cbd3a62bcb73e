"""The case record's Notes tab: the case's diary, newest first, each correction above the wording it
replaced (shown amended, with who and when); a search box that ignores accents and case; Add note…,
Amend… and Follow-up done. Loads on the task runner; the full text of the chosen note shows below."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from caseworker.services.case_notes import follow_up_done, may_amend
from caseworker.views.case_notes import NoteView, case_notes, filter_notes
from ui.context import DesktopContext
from ui.dialogs.base import alive
from ui.dialogs.note import NoteDialog
from ui.panels._record_tables import RecordTable
from ui.status import status_colour
from ui.table_model import Column, Index, RowTableModel
from ui.widgets.wording import local_time, short_date

AMENDED = "\u21b3 "  # an older wording sits under its correction


def follow_up_words(n: NoteView) -> str:
    if n.follow_up_on is None:
        return ""
    if n.follow_up_done_on is not None:
        return f"{short_date(n.follow_up_on)}, done {short_date(n.follow_up_done_on)}"
    return short_date(n.follow_up_on) if n.is_current else f"{short_date(n.follow_up_on)} (replaced)"


def note_words(n: NoteView) -> str:
    line = n.first_line + (" …" if "\n" in n.text.strip() else "")
    return line if n.is_current else f"{AMENDED}Amended {local_time(n.amended_at or n.written_at)} by " \
                                     f"{n.amended_by or 'someone'}: {line}"


def note_columns() -> list[Column[NoteView]]:
    return [
        Column("When", lambda n: local_time(n.happened_at), sort_key=lambda n: n.happened_at),
        Column("Type", lambda n: n.kind_title),
        Column("By", lambda n: n.author),
        Column("Follow-up", follow_up_words, sort_key=lambda n: n.follow_up_on or n.happened_at.date()),
        Column("Note", note_words, tooltip=lambda n: n.text),
    ]


class NoteModel(RowTableModel[NoteView]):
    """Older wordings in grey italics, so the current one reads first."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if index.isValid() and not self.row(index.row()).is_current:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#6b6b6b")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 3:
            n = self.row(index.row())
            if n.follow_up_open:
                return status_colour("due_soon")
        return super().data(index, role)


class NotesTab(QWidget):
    """A case's diary. ``title_changed`` gives the tab its title with the count."""

    title_changed = Signal(str)
    loaded = Signal()

    def __init__(self, desktop: DesktopContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id = desktop, case_id
        self.case_title = f"Case {case_id}"
        self.notes: list[NoteView] = []
        self.dialog: NoteDialog | None = None
        self.setAccessibleName("Notes")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search the notes (accents and capitals ignored)")
        self.search.setAccessibleName("Search the notes")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        top.addWidget(self.search, 1)
        self.add_button = QPushButton("Add &note…", self)
        self.add_button.clicked.connect(self.add_note)
        self.amend_button = QPushButton("A&mend…", self)
        self.amend_button.setAccessibleName("Amend the chosen note")
        self.amend_button.clicked.connect(self.amend_note)
        self.done_button = QPushButton("Follow-up &done", self)
        self.done_button.setAccessibleName("Mark the chosen note's follow-up done")
        self.done_button.clicked.connect(self.mark_done)
        for button in (self.add_button, self.amend_button, self.done_button):
            top.addWidget(button)
        layout.addLayout(top)
        self.table = RecordTable(note_columns(), "Notes, newest first", self)
        self.table.rows_model = NoteModel(note_columns(), self.table)
        self.table.setModel(self.table.rows_model)
        self.table.activated.connect(lambda _i: self.amend_note())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen_changed())
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("The chosen note in full")
        self.text.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.text)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Notes message")
        self.message.hide()
        layout.addWidget(self.message)
        desktop.actor_changed.connect(self.update_buttons)
        self.update_buttons()

    # --- loading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx, case_id = self.desktop.ctx, self.case_id
        self.desktop.runner.run(lambda: case_notes(ctx, case_id), self._loaded, self._failed, owner=self,
                                latest="notes")

    def _loaded(self, notes: list[NoteView]) -> None:
        self.notes = notes
        self._say("")
        current = sum(1 for n in notes if n.is_current)
        open_follow_ups = sum(1 for n in notes if n.follow_up_open)
        self.title_changed.emit(f"&Notes ({current}" + (f", {open_follow_ups} to follow up)" if open_follow_ups
                                                       else ")"))
        self._filter()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._say(f"The notes could not be loaded: {exc}")

    def _say(self, words: str) -> None:
        self.message.setText(words)
        self.message.setStyleSheet(f"color: {status_colour('overdue').name()};")
        self.message.setVisible(bool(words))

    def _filter(self) -> None:
        chosen = self.chosen()
        shown = filter_notes(self.notes, self.search.text())
        self.table.set_rows(shown)
        self.table.setAccessibleName(f"Notes, newest first: {len(shown)} shown")
        ids = [n.id for n in shown]
        if chosen is not None and chosen.id in ids:
            self.table.selectRow(ids.index(chosen.id))
        elif shown:
            self.table.selectRow(0)
        self._chosen_changed()

    # --- the chosen note ---------------------------------------------------------------------------
    def chosen(self) -> NoteView | None:
        index = self.table.currentIndex()
        return self.table.rows_model.row(index.row()) if index.isValid() else None

    def _chosen_changed(self) -> None:
        n = self.chosen()
        if n is None:
            self.text.setHtml("<p style='color:#6b6b6b'>No notes yet. Add note… writes the first.</p>"
                              if not self.notes else "")
        else:
            self.text.setHtml(self._note_html(n))
        self.update_buttons()

    @staticmethod
    def _note_html(n: NoteView) -> str:
        head = f"<b>{html.escape(n.kind_title)}</b>, {local_time(n.happened_at)}, by {html.escape(n.author)}" \
               f" (written {local_time(n.written_at)})"
        if not n.is_current:
            head += (f"<br><i>Amended {local_time(n.amended_at or n.written_at)} by "
                     f"{html.escape(n.amended_by)}: the correction is listed above this note.</i>")
        elif n.amends_id is not None:
            head += "<br><i>This corrects an earlier note, listed below it.</i>"
        if n.follow_up_on is not None:
            head += f"<br>Follow-up: {follow_up_words(n)}"
        body = html.escape(n.text).replace("\n", "<br>")
        return f"<p>{head}</p><p>{body}</p>"

    def update_buttons(self) -> None:
        actor = self.desktop.actor
        n = self.chosen()
        self.add_button.setEnabled(actor.can_write)
        self.amend_button.setEnabled(n is not None and n.is_current and may_amend(actor, n.author_id))
        self.done_button.setEnabled(actor.can_write and n is not None and n.follow_up_open)
        why = "" if actor.can_write else f"Your role ({actor.role.replace('_', ' ')}) cannot change cases"
        self.add_button.setToolTip(why)
        if n is not None and n.is_current and actor.can_write and not may_amend(actor, n.author_id):
            self.amend_button.setToolTip("Only the note's author, a team lead or an admin can amend it")
        else:
            self.amend_button.setToolTip(why)

    # --- writing -----------------------------------------------------------------------------------
    def add_note(self) -> NoteDialog | None:
        return self._open(None)

    def amend_note(self) -> NoteDialog | None:
        n = self.chosen()
        if n is None or not self.amend_button.isEnabled():
            return None
        return self._open(n)

    def _open(self, original: NoteView | None) -> NoteDialog | None:
        if not self.desktop.actor.can_write:
            return None
        if self.dialog is not None and alive(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = NoteDialog(self.desktop, self.case_id, self.case_title, original, self)
        self.dialog.open()
        return self.dialog

    def mark_done(self) -> None:
        n = self.chosen()
        if n is None or not self.done_button.isEnabled():
            return
        desktop, actor, note_id, version, case_id = self.desktop, self.desktop.actor, n.id, n.version, self.case_id
        self.done_button.setEnabled(False)
        desktop.runner.run(lambda: follow_up_done(desktop.ctx, actor, note_id, expected_version=version),
                           None, self._refused, owner=self, write=True,
                           announce=lambda _v: desktop.data_changed.emit(case_id))

    def _refused(self, exc: BaseException) -> None:
        self._say(f"Nothing was saved: {exc}")
        self.update_buttons()
