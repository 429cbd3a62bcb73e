"""Void a letter: it stays in the log, marked void, with the reason (there is no delete)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from caseworker.services.letters import mark_void
from caseworker.views.letter_log import LetterLogEntry
from ui.context import DesktopContext
from ui.dialogs.fields import ProblemLabel
from ui.dialogs.saving import SavingDialog, case_changed
from ui.widgets.wording import short_date


class VoidLetterDialog(SavingDialog):
    voided = Signal(int)  # the letter id

    def __init__(self, desktop: DesktopContext, entry: LetterLogEntry, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.entry = desktop, entry
        self.setWindowTitle("Void a letter")
        self.setAccessibleName("Void a letter")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        intro = QLabel(f"{title}, to {entry.recipient_name}, made {short_date(entry.letter_date)} by "
                       f"{entry.made_by}.\n\nA void letter stays in the case's letter log, marked void with your "
                       "reason; it is never deleted.", self)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        label = QLabel("&Why is it void?", self)
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName("Why the letter is void")
        self.reason.setPlaceholderText("For example: sent to the old address; returned undelivered")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        label.setBuddy(self.reason)
        self.problem = ProblemLabel(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Void the letter")
        self.ok.setAccessibleName("Void the letter")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(lambda: self.problem.set_reasons([]))

    def accept(self) -> None:
        """The service decides whether the reason will do; its refusal is shown under the reason."""
        if self.saving:
            return
        ctx, actor, letter_id, reason = self.desktop.ctx, self.desktop.actor, self.entry.id, \
            self.reason.toPlainText()
        self.start_save(lambda: mark_void(ctx, actor, letter_id, reason),
                        announce=case_changed(self.desktop, self.entry.case_id))

    def on_saved(self, result: object) -> None:
        self.voided.emit(self.entry.id)
        super().on_saved(result)

    def on_refused(self, exc: BaseException) -> None:
        self.problem.show_refusal(exc)
