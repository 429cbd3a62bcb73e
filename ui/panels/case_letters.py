"""The Letters tab of a case record: make a letter, preview it, and the case's letter log.

A letter is made by the service (caseworker.services.letters), which stores the PDF whole; every view,
print and save afterwards uses those stored bytes. The log is never pruned: a letter sent in error is
voided with a reason. All database work runs on the task runner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import CaseworkerError
from caseworker.letters import LetterError, SettingsError
from caseworker.services.letters import (
    LateNotification,
    LetterKit,
    LetterRequest,
    MadeLetter,
    make_letter,
    mark_sent,
    notification_check,
    preview_letter,
    record_reprint,
    stored_pdf,
)
from caseworker.views.letter_log import LetterLogEntry, letter_log
from caseworker.views.letter_recipients import CaseLetters, load_case_letters
from caseworker.views.letters_queue import QueuedLetter, letters_due_for_case
from ui.context import DesktopContext
from ui.dialogs.base import alive
from ui.dialogs.case_recipient import AddRecipientDialog
from ui.dialogs.letter_form import LetterDateDialog, NewLetterForm
from ui.dialogs.letter_void import VoidLetterDialog
from ui.panels._record_contacts import NoFamilyBar
from ui.panels._record_tables import RecordTable
from ui.printing import print_pdf, safe_file_name, save_pdf
from ui.status import status_colour, status_icon
from ui.table_model import Column
from ui.widgets.pdf_view import PdfViewer
from ui.widgets.scrolling import WrappedLabel
from ui.widgets.tabs import set_own_tab_text
from ui.widgets.wording import local_time, short_date

CHANGED = "(a date it states has changed)"
STATUS_LOOK = {"made": ("Made", "pending"), "sent": ("Sent", "met"), "void": ("Void", "closed")}
PREVIEW_EMPTY = "Preview a letter, or choose one in the log and View it, to see it here."


@dataclass(frozen=True, slots=True)
class LettersLoad:
    kit: LetterKit
    case: CaseLetters
    log: list[LetterLogEntry]
    due: list[QueuedLetter]  # what Letters to send lists for this case


def status_words(e: LetterLogEntry) -> str:
    words = STATUS_LOOK.get(e.status, (e.status.capitalize(), "pending"))[0]
    if e.status == "sent" and e.status_at is not None:
        return f"{words} {local_time(e.status_at)[:10]}"
    if e.status == "void":
        return f"{words}: {e.void_reason}" if e.void_reason else words
    return words


def flag_words(e: LetterLogEntry) -> str:
    """Why a letter may need remaking (caseworker.views.letter_flags), as a sentence with what to do."""
    if not e.flag:
        return ""
    return f"{e.flag[:1].upper()}{e.flag[1:]}. If the letter is wrong now, void it and make it again."


def log_columns(titles: dict[str, str]) -> list[Column[LetterLogEntry]]:
    def title(e: LetterLogEntry) -> str:
        return titles.get(e.template_id, e.template_id)

    def status_tip(e: LetterLogEntry) -> str:
        if e.status == "made":
            return "Made and logged; not yet marked as posted"
        who = f" by {e.status_by}" if e.status_by else ""
        when = f" on {local_time(e.status_at)}" if e.status_at else ""
        return f"{STATUS_LOOK.get(e.status, (e.status, ''))[0]}{who}{when}" + \
            (f". Reason: {e.void_reason}" if e.void_reason else "")

    return [
        Column("Date", lambda e: short_date(e.letter_date), sort_key=lambda e: (e.letter_date, e.id),
               tooltip=lambda e: f"Made {local_time(e.made_at)}"),
        Column("Letter", title, tooltip=title),
        Column("To", lambda e: e.recipient_name, tooltip=lambda e: f"{e.recipient_name}\n{e.recipient_address}"),
        Column("Made by", lambda e: e.made_by),
        # A letter stating a date corrected since it was made says so in its status, where it is seen.
        Column("Status", lambda e: status_words(e) + (f" {CHANGED}" if e.flag else ""),
               tooltip=lambda e: status_tip(e) + (f"\n\n{flag_words(e)}" if e.flag else ""),
               icon=lambda e: status_icon("at_risk" if e.flag else STATUS_LOOK.get(e.status, ("", "pending"))[1])),
        Column("Version", lambda e: e.template_version, tooltip=lambda e: f"Template version {e.template_version}"),
        Column("SHA-256", lambda e: e.sha256[:12], tooltip=lambda e: f"SHA-256 of the stored PDF: {e.sha256}"),
    ]


class CaseLettersPanel(QWidget):
    loaded = Signal()
    made = Signal(object)  # MadeLetter
    previewed = Signal()
    shown = Signal()  # a stored letter is in the viewer
    add_contact_requested = Signal()  # no one in the family can be written to: the record adds a contact

    def __init__(self, desktop: DesktopContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id = desktop, case_id
        self.data: LettersLoad | None = None
        self.last_made: MadeLetter | None = None
        self.void_dialog: VoidLetterDialog | None = None
        self.date_dialog: LetterDateDialog | None = None
        self._asked = False  # a load has been started (the first waits until the tab is seen)
        self._pending_request: LetterRequest | None = None
        self.setAccessibleName("Letters")
        self.message = QLabel("Loading the letters…", self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Letters message")
        self.form = NewLetterForm(self)
        self.form.preview_requested.connect(self.preview)
        self.form.make_requested.connect(self.make)
        self.form.add_recipient_requested.connect(self.add_recipient)
        self.recipient_dialog: AddRecipientDialog | None = None
        self._build_made_bar()
        self.log = RecordTable(log_columns({}), "Letter log, newest first", self)
        self.log.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.log.doubleClicked.connect(lambda _index: self.view_selected())
        self.log.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.log_buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        # Mnemonics chosen not to clash with the record's tabs (D, A, S, O, X, H, Y, L) or the form's
        # (tests/gui/test_mnemonics.py checks).
        for key, text, slot in (("view", "Vie&w", self.view_selected), ("print", "Pr&int…", self.print_selected),
                                ("save", "Save as PD&F…", self.save_selected),
                                ("sent", "Mar&k sent", self.mark_selected_sent),
                                ("void", "&Void…", self.void_selected)):
            button = QPushButton(text, self)
            button.setAccessibleName(text.replace("&", "").rstrip("…") + " the chosen letter")
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.log_buttons[key] = button
        actions.addStretch(1)
        self.log_heading = QLabel("<b>Letter log</b> (newest first; letters are never deleted)", self)
        self.log_heading.setWordWrap(True)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.due = WrappedLabel(self)  # several letters waiting wrap onto lines the form under it must not lose
        self.due.setAccessibleName("Letters waiting for this case")
        self.due_button = QPushButton("Prepare it", self)
        self.due_button.setAccessibleName("Prepare the letter waiting for this case")
        self.due_button.clicked.connect(self.prepare_due)
        self.due_button.hide()
        due_row = QHBoxLayout()
        due_row.addWidget(self.due, 1)
        due_row.addWidget(self.due_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(due_row)
        self.no_family = NoFamilyBar(self)  # no one in the family can be written to: offer to add them
        self.no_family.add_contact_requested.connect(self.add_contact_requested)
        self.add_contact_button = self.no_family.button
        column.addWidget(self.no_family)
        # The form and the made-letter bar keep their height; the log gives way when the bar appears.
        for fixed in (self.form, self.made_bar):
            fixed.setSizePolicy(fixed.sizePolicy().horizontalPolicy(), QSizePolicy.Policy.Fixed)
        column.addWidget(self.form)
        column.addWidget(self.made_bar)
        column.addWidget(self.log_heading)
        column.addWidget(self.log, 1)
        column.addLayout(actions)
        self.viewer = PdfViewer(PREVIEW_EMPTY, self)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(left)
        self.split.addWidget(self.viewer)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        self.split.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.split, 1)
        desktop.data_changed.connect(self._on_data_changed)
        desktop.actor_changed.connect(self._update_buttons)
        self._update_buttons()

    def _build_made_bar(self) -> None:
        self.made_bar = QFrame(self)
        self.made_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.made_bar.setAccessibleName("Letter made")
        row = QHBoxLayout(self.made_bar)
        icon = QLabel(self.made_bar)
        icon.setPixmap(status_icon("met", 16).pixmap(16, 16))
        self.made_text = QLabel(self.made_bar)
        self.made_text.setWordWrap(True)
        self.made_text.setTextFormat(Qt.TextFormat.PlainText)
        self.made_print = QPushButton("Print it…", self.made_bar)
        self.made_print.clicked.connect(lambda: self._print_made())
        self.made_save = QPushButton("Save as PDF…", self.made_bar)
        self.made_save.clicked.connect(lambda: self._save_made())
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.made_text, 1)
        row.addWidget(self.made_print)
        row.addWidget(self.made_save)
        self.made_bar.hide()

    # --- loading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._asked = True
        desktop, case_id, today = self.desktop, self.case_id, self.desktop.today()

        def load() -> LettersLoad:
            kit = desktop.letter_kit()
            return LettersLoad(kit, load_case_letters(desktop.ctx, case_id, today), letter_log(desktop.ctx, case_id),
                               letters_due_for_case(desktop.ctx, case_id, today))

        self.desktop.runner.run(load, self._loaded, self._failed, owner=self, latest="letters")

    def showEvent(self, event: QShowEvent) -> None:
        """Load on first sight: a case opened only to check a date never loads the letter kit."""
        super().showEvent(event)
        if self.data is None and not self._asked:
            self.refresh()

    def _on_data_changed(self, case_id: int) -> None:
        if case_id in (0, self.case_id) and self.data is not None:
            self.refresh()

    def _loaded(self, data: LettersLoad) -> None:
        first = self.data is None
        self.data = data
        self.message.hide()
        self.split.show()
        if first:  # room for the form and the log, and a letter page wide enough to read
            width = max(self.split.width(), 900)
            self.split.setSizes([width * 23 // 40, width * 17 // 40])
        self.form.set_case(data.case, data.kit, self.desktop.today())
        self.no_family.setVisible(not any(r.id.startswith("contact:") for r in data.case.recipients))
        if self._pending_request is not None:
            self.form.prefill(self._pending_request)
            self._pending_request = None
        self._show_due(data)
        titles = dict(data.kit.templates.titles())
        self.log.rows_model.columns = log_columns(titles)
        self.log.set_rows(data.log)
        flagged = sum(1 for e in data.log if e.flag)
        changed = (f"; {flagged} state{'s' if flagged == 1 else ''} a date changed since it was made: see "
                   f"{'its' if flagged == 1 else 'their'} status" if flagged else "")
        self.log_heading.setText(f"<b>Letter log</b> ({len(data.log)} letter{'s' if len(data.log) != 1 else ''}, "
                                 f"newest first; letters are never deleted{changed})")
        self._retitle_tab(len(data.log))
        self._update_buttons()
        self.loaded.emit()

    def _show_due(self, data: LettersLoad) -> None:
        titles = dict(data.kit.templates.titles())
        waiting = [f"{titles.get(q.template_id, q.template_id)} ({q.why})" for q in data.due]
        # The first in full, the rest counted: a case with six waiting kept the form below a laptop's screen.
        more = f", and {len(waiting) - 1} more (point here to see them all)" if len(waiting) > 1 else ""
        self.due.setText(f"Waiting to be sent for this case: {waiting[0]}{more}" if waiting else
                         "Nothing is waiting to be sent for this case.")
        self.due.setToolTip("\n".join(waiting))
        self.due_button.setVisible(bool(waiting))
        self.due_button.setText("Prepare the first" if len(waiting) > 1 else "Prepare it")

    def prepare_due(self) -> None:
        """Choose the first letter waiting for this case in the form (recipient, letter, advice)."""
        if self.data is not None and self.data.due:
            self.prefill(self.data.due[0].request)

    def _retitle_tab(self, count: int) -> None:
        """Show the number of letters on the record's tab, as its other tabs show their counts."""
        set_own_tab_text(self, f"&Letters ({count})")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, SettingsError):
            text = f"Letters cannot be made yet: {exc}."
        elif isinstance(exc, CaseworkerError):
            text = f"The letters could not be loaded: {exc}."
        else:
            text = f"Something went wrong loading the letters ({type(exc).__name__}: {exc})."
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {status_colour('overdue').name()};")
        self.message.show()
        self.split.hide()
        self.loaded.emit()

    def prefill(self, request: LetterRequest) -> None:
        """Choose this letter in the form (now, or as soon as the case has loaded)."""
        if self.data is None:
            self._pending_request = request
        else:
            self.form.prefill(request)
        self.form.setFocus()

    # --- preview and make --------------------------------------------------------------------------
    def preview(self, request: LetterRequest) -> None:
        if self.data is None:
            return
        ctx, case_id, kit = self.desktop.ctx, self.case_id, self.data.kit
        self.form.preview_button.setEnabled(False)
        self.desktop.runner.run(lambda: preview_letter(ctx, case_id, request, kit),
                                lambda pdf: self._previewed(request, pdf), self._letter_failed, owner=self)

    def _previewed(self, request: LetterRequest, pdf: bytes) -> None:
        self.form.preview_button.setEnabled(True)
        r = self.data.case.recipient(request.recipient_id) if self.data and request.recipient_id else None
        title = self._title(request.template_id)
        self.viewer.show_pdf(pdf, f"PREVIEW - NOT SENT: {title}" + (f", to {r.name}" if r else "") +
                             ". This is not in the log; use Make letter to make it.")
        self.previewed.emit()

    def make(self, request: LetterRequest) -> None:
        """Make the letter; a decision letter made after its notification date asks which date it carries."""
        if self.data is None or not self.desktop.actor.can_write:
            return
        ctx, case_id = self.desktop.ctx, self.case_id
        self.form.make_button.setEnabled(False)
        self.form.make_button.setText("Making…")
        self.desktop.runner.run(lambda: notification_check(ctx, case_id, request),
                                lambda late: self._dated(request, late), self._letter_failed, owner=self)

    def _dated(self, request: LetterRequest, late: LateNotification | None) -> None:
        if late is None:
            self._make_now(request)
            return
        if self.date_dialog is not None:
            self.date_dialog.deleteLater()
        self.date_dialog = LetterDateDialog(late, self)
        self.date_dialog.chosen.connect(lambda on: self._make_now(replace(request, notified_on=on)))
        self.date_dialog.rejected.connect(self._not_made)
        self.date_dialog.open()

    def _not_made(self) -> None:
        if alive(self):
            self.form.make_button.setText("&Make letter")
            self._update_buttons()

    def _make_now(self, request: LetterRequest) -> None:
        if self.data is None:
            return
        desktop, actor, case_id, kit = self.desktop, self.desktop.actor, self.case_id, self.data.kit
        # The log here, the queue and the history reload, even if the case was closed meanwhile.
        self.desktop.runner.run(lambda: make_letter(desktop.ctx, actor, case_id, request, kit), self._made,
                                self._letter_failed, owner=self, write=True,
                                announce=lambda _made: desktop.data_changed.emit(case_id))

    def _made(self, made: MadeLetter) -> None:
        self.last_made = made
        self.form.make_button.setText("&Make letter")
        self._update_buttons()
        title = self._title(made.template_id)
        dated = f" Dated {short_date(made.letter_date)}, as recorded." if made.warning and made.letter_date else ""
        self.made_text.setText(f"Made and logged: {title}, to {made.recipient_name} (SHA-256 {made.sha256[:12]})."
                               f"{dated} Print it or save it now; mark it sent in the log once it is posted.")
        self.made_bar.show()
        self.viewer.show_pdf(made.pdf, f"{title}, to {made.recipient_name}: as made and logged today.")
        self.made.emit(made)

    def _letter_failed(self, exc: BaseException) -> None:
        self.form.preview_button.setEnabled(True)
        self.form.make_button.setText("&Make letter")
        self._update_buttons()
        if isinstance(exc, LetterError):
            self.form.show_letter_error(str(exc))
        elif isinstance(exc, CaseworkerError):
            self.form.problem.set_reasons([str(exc)])
        else:
            self.form.problem.set_reasons([f"something went wrong ({type(exc).__name__}: {exc}); nothing was made"])

    def _print_made(self) -> bool:
        made = self.last_made
        return made is not None and print_pdf(self, made.pdf, self._title(made.template_id))

    def _save_made(self) -> None:
        made = self.last_made
        if made is not None:
            save_pdf(self, made.pdf, safe_file_name(made.reference, self._title(made.template_id)))

    # --- the log -----------------------------------------------------------------------------------
    def selected(self) -> list[LetterLogEntry]:
        rows = sorted({i.row() for i in self.log.selectionModel().selectedRows()})
        return [self.log.rows_model.row(r) for r in rows]

    def select_letter(self, letter_id: int) -> None:
        for i, e in enumerate(self.log.rows_model.rows()):
            if e.id == letter_id:
                self.log.selectRow(i)
                return

    def _one(self) -> LetterLogEntry | None:
        chosen = self.selected()
        return chosen[0] if len(chosen) == 1 else None

    def _fetch(self, fn: Any, then: Any, *, write: bool = False) -> None:
        self.desktop.runner.run(fn, then, self._log_failed, owner=self, write=write)

    def view_selected(self) -> None:
        e, ctx = self._one(), self.desktop.ctx
        if e is not None:
            self._fetch(lambda: stored_pdf(ctx, e.id), lambda pdf: self._show_stored(e, pdf))

    def _show_stored(self, e: LetterLogEntry, pdf: bytes) -> None:
        self.viewer.show_pdf(pdf, f"{self._title(e.template_id)}, to {e.recipient_name}, made "
                                  f"{short_date(e.letter_date)} by {e.made_by} ({status_words(e)}): the stored letter.")
        self.shown.emit()

    def print_selected(self) -> None:
        """A reprint is the stored letter, byte for byte, and is noted in the case history."""
        e, ctx, actor = self._one(), self.desktop.ctx, self.desktop.actor
        if e is not None:
            self._fetch(lambda: record_reprint(ctx, actor, e.id),
                        lambda pdf: print_pdf(self, pdf, self._title(e.template_id)), write=True)

    def save_selected(self) -> None:
        e, ctx = self._one(), self.desktop.ctx
        if e is not None and self.data is not None:
            name = safe_file_name(self.data.case.detail.reference, self._title(e.template_id), str(e.letter_date))
            self._fetch(lambda: stored_pdf(ctx, e.id), lambda pdf: save_pdf(self, pdf, name))

    def mark_selected_sent(self) -> None:
        ids = [e.id for e in self.selected() if e.status == "made"]
        desktop, actor, case_id = self.desktop, self.desktop.actor, self.case_id
        if ids:
            desktop.runner.run(lambda: mark_sent(desktop.ctx, actor, ids), None, self._log_failed, owner=self,
                               write=True, announce=lambda _n: desktop.data_changed.emit(case_id))

    def void_selected(self) -> VoidLetterDialog | None:
        e = self._one()
        if e is None or e.status == "void" or not self.desktop.actor.can_write:
            return None
        if self.void_dialog is not None:
            self.void_dialog.deleteLater()
        self.void_dialog = VoidLetterDialog(self.desktop, e, self._title(e.template_id), self)
        self.void_dialog.open()
        return self.void_dialog

    def _log_failed(self, exc: BaseException) -> None:
        self.log_heading.setText(f"<b>Letter log</b>: <span style='color:{status_colour('overdue').name()}'>"
                                 f"{exc if isinstance(exc, CaseworkerError) else type(exc).__name__}</span>")

    def add_recipient(self) -> AddRecipientDialog:
        reference = self.data.case.detail.reference if self.data is not None else ""
        self.recipient_dialog = AddRecipientDialog(self.desktop, self.case_id, reference, self)
        self.recipient_dialog.open()
        return self.recipient_dialog

    def _update_buttons(self) -> None:
        writer = self.desktop.actor.can_write
        role = self.desktop.actor.role.replace("_", " ")
        why = f"Your role ({role}) cannot make or change letters"
        self.form.set_can_make(writer and self.data is not None, why if not writer else "")
        self.add_contact_button.setEnabled(writer)
        self.add_contact_button.setToolTip("" if writer else why)
        chosen = self.selected()
        one = len(chosen) == 1
        self.log_buttons["view"].setEnabled(one)
        self.log_buttons["print"].setEnabled(one)
        self.log_buttons["save"].setEnabled(one)
        self.log_buttons["sent"].setEnabled(writer and any(e.status == "made" for e in chosen))
        self.log_buttons["void"].setEnabled(writer and one and chosen[0].status != "void")
        for key in ("sent", "void"):
            self.log_buttons[key].setToolTip("" if writer else why)

    def _title(self, template_id: str) -> str:
        if self.data is not None and template_id in self.data.kit.templates.templates:
            return self.data.kit.templates.get(template_id).title
        return template_id.replace("_", " ").capitalize()


__all__ = ["CaseLettersPanel", "LettersLoad", "log_columns"]
