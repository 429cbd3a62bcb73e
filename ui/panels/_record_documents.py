"""The case record's Documents tab: the files kept on the case (name, kind, date, size, who added them and
when, the advice each answered), with Attach… (or drop files on the tab), Open, Save a copy… and Link to
advice request…. The list never reads a document's bytes; they are read on the task runner only to open
or save one."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from caseworker.context import AppContext
from caseworker.errors import ValidationError
from caseworker.services.case_documents import copy_document, save_document_copy
from caseworker.views.case_detail import AdviceView
from caseworker.views.case_documents import DocumentView, case_documents
from ui.context import DesktopContext
from ui.dialogs.document import AttachDialog, LinkAdviceDialog, ask_files
from ui.panels._record_tables import RecordTable
from ui.status import status_colour
from ui.table_model import Column
from ui.widgets.wording import local_time, short_date

_VIEWING: list[Path] = []  # the private folder opened documents are written to, removed when the app ends


def viewing_folder() -> Path:
    if not _VIEWING:
        folder = Path(tempfile.mkdtemp(prefix="caseworker-documents-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _VIEWING.append(folder)
    return _VIEWING[0]


def write_for_viewing(ctx: AppContext, document_id: int, file_name: str) -> Path:
    """The document's bytes (checked against its SHA-256 as they are copied) in a private temporary file,
    a piece at a time (runs on the task runner). A damaged copy is removed, never shown."""
    folder = viewing_folder() / str(document_id)
    folder.mkdir(exist_ok=True)
    path = folder / Path(file_name).name
    try:
        with path.open("wb") as out:
            path.chmod(0o600)
            copy_document(ctx, document_id, out)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def show_in_viewer(path: Path) -> bool:
    """Open a file with the computer's own viewer. Tests replace this function."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_copy_path(parent: QWidget | None, suggested: str) -> str:
    """Where to save a copy (the dialog itself asks before replacing a file); empty if cancelled. Tests
    replace this function."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save a copy", str(Path.home() / suggested))
    return path


def document_columns() -> list[Column[DocumentView]]:
    return [
        Column("Name", lambda d: d.file_name, tooltip=lambda d: d.description or d.file_name),
        Column("Kind", lambda d: d.kind_title),
        Column("Dated", lambda d: short_date(d.dated), sort_key=lambda d: d.dated),
        Column("Size", lambda d: d.size_text, sort_key=lambda d: d.size, align_right=True),
        Column("Added by", lambda d: d.added_by),
        Column("Added", lambda d: local_time(d.added_at), sort_key=lambda d: d.added_at),
        Column("Answers", lambda d: "; ".join(d.answers)),
        Column("Description", lambda d: d.description, tooltip=lambda d: d.description),
    ]


class DocumentsTab(QWidget):
    """The case's documents; files dropped on the tab are offered for attaching."""

    title_changed = Signal(str)
    loaded = Signal()

    def __init__(self, desktop: DesktopContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id = desktop, case_id
        self.case_title = f"Case {case_id}"
        self.advice: tuple[AdviceView, ...] = ()
        self.documents: list[DocumentView] = []
        self.dialog: AttachDialog | LinkAdviceDialog | None = None
        self.setAccessibleName("Documents")
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.attach_button = QPushButton("A&ttach…", self)
        self.attach_button.setAccessibleName("Attach documents")
        self.attach_button.clicked.connect(lambda: self.attach())
        self.open_button = QPushButton("&Open", self)
        self.open_button.setAccessibleName("Open the chosen document")
        self.open_button.clicked.connect(self.open_document)
        self.save_button = QPushButton("Save a &copy…", self)
        self.save_button.setAccessibleName("Save a copy of the chosen document")
        self.save_button.clicked.connect(self.save_copy)
        self.link_button = QPushButton("&Link to advice request…", self)
        self.link_button.clicked.connect(self.link_advice)
        for button in (self.attach_button, self.open_button, self.save_button, self.link_button):
            row.addWidget(button)
        row.addStretch(1)
        self.hint = QLabel("Drop files here to attach them", self)
        self.hint.setStyleSheet("color: palette(mid);")
        row.addWidget(self.hint)
        layout.addLayout(row)
        self.table = RecordTable(document_columns(), "Documents", self)
        self.table.activated.connect(lambda _i: self.open_document())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        layout.addWidget(self.table, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Documents message")
        self.message.hide()
        layout.addWidget(self.message)
        desktop.actor_changed.connect(self.update_buttons)
        self.update_buttons()

    # --- loading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx, case_id = self.desktop.ctx, self.case_id
        self.desktop.runner.run(lambda: case_documents(ctx, case_id), self._loaded, self._failed, owner=self,
                                latest="documents")

    def _loaded(self, documents: list[DocumentView]) -> None:
        chosen = self.chosen()
        self.documents = documents
        self.table.set_rows(documents)
        ids = [d.id for d in documents]
        if chosen is not None and chosen.id in ids:
            self.table.selectRow(ids.index(chosen.id))
        elif documents:
            self.table.selectRow(0)  # Open and Save a copy work on the newest straight away
        total = sum(d.size for d in documents)
        self.title_changed.emit(f"Docu&ments ({len(documents)})")
        self.table.setAccessibleName(f"Documents: {len(documents)}, {total / (1024 * 1024):.1f} MB in all")
        self.update_buttons()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.say(f"The documents could not be loaded: {exc}")

    def say(self, words: str, problem: bool = True) -> None:
        self.message.setText(words)
        self.message.setStyleSheet(f"color: {status_colour('overdue').name()};" if problem else "")
        self.message.setVisible(bool(words))

    def set_advice(self, advice: tuple[AdviceView, ...]) -> None:
        """The case's advice requests (from the record's load), for Link to advice request…."""
        self.advice = advice
        self.update_buttons()

    # --- the chosen document -----------------------------------------------------------------------
    def chosen(self) -> DocumentView | None:
        index = self.table.currentIndex()
        return self.table.rows_model.row(index.row()) if index.isValid() else None

    def update_buttons(self) -> None:
        writer, doc = self.desktop.actor.can_write, self.chosen()
        self.attach_button.setEnabled(writer)
        self.setAcceptDrops(writer)
        self.hint.setVisible(writer)
        self.open_button.setEnabled(doc is not None)
        self.save_button.setEnabled(doc is not None)
        self.link_button.setEnabled(writer and doc is not None and bool(self.advice))
        self.link_button.setToolTip("" if self.advice else "No advice has been requested on this case yet")

    # --- attaching ---------------------------------------------------------------------------------
    def attach(self, paths: list[Path] | None = None) -> AttachDialog | None:
        if not self.desktop.actor.can_write:
            return None
        if paths is None:
            paths = ask_files(self)
            if not paths:
                return None
        dialog = AttachDialog(self.desktop, self.case_id, self.case_title, paths, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if self.desktop.actor.can_write and urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach(paths)

    # --- opening and saving ------------------------------------------------------------------------
    def open_document(self) -> None:
        doc = self.chosen()
        if doc is None:
            return
        ctx = self.desktop.ctx
        self.say(f"Opening {doc.file_name}…", problem=False)
        self.desktop.runner.run(lambda: write_for_viewing(ctx, doc.id, doc.file_name), self._opened, self._not_read,
                                owner=self)

    def _opened(self, path: Path) -> None:
        shown = show_in_viewer(path)
        self.say("" if shown else f"No program on this computer opens {path.name}; use Save a copy… instead.")

    def _not_read(self, exc: BaseException) -> None:
        self.say(f"The document could not be read: {exc}")

    def save_copy(self) -> None:
        doc = self.chosen()
        if doc is None:
            return
        target = ask_copy_path(self, doc.file_name)
        if not target:
            return
        ctx = self.desktop.ctx
        # The save dialog has already asked before replacing a file of that name.
        self.desktop.runner.run(lambda: save_document_copy(ctx, doc.id, Path(target), replace=True),
                                self._saved, self._not_saved, owner=self)

    def _not_saved(self, exc: BaseException) -> None:
        reasons = "; ".join(p.reason for p in exc.problems) if isinstance(exc, ValidationError) else str(exc)
        self.say(f"No copy was saved: {reasons}")

    def _saved(self, path: Path) -> None:
        self.say(f"Saved a copy as {path}", problem=False)

    def link_advice(self) -> LinkAdviceDialog | None:
        doc = self.chosen()
        if doc is None or not self.link_button.isEnabled():
            return None
        dialog = LinkAdviceDialog(self.desktop, doc, self.advice, self)
        self.dialog = dialog
        dialog.open()
        return dialog
