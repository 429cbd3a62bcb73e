"""Add a note to a case's diary, or amend one: when it happened, what kind of contact, what was said, and
an optional day to follow it up (it then shows on My day). Checked as it is typed, with the service's own
words beside each field; saved on the task runner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import ValidationError
from caseworker.services.case_notes import (
    LONDON,
    NOTE_KIND_TITLES,
    NoteInput,
    add_note,
    amend_note,
    default_happened_at,
    note_problems,
)
from caseworker.views.case_notes import NoteView
from ui.context import DesktopContext
from ui.dialogs.base import FieldRow, fields_named, form_row, show_problems
from ui.dialogs.fields import DateEdit, OptionalDate, ProblemLabel
from ui.dialogs.saving import SavingDialog, case_changed

FOLLOW_UP_AFTER = timedelta(days=7)  # the usual "ring them back next week"


class NoteDialog(SavingDialog):
    """A new note (``original`` None) or an amendment of ``original``, which stays as it was."""

    def __init__(self, desktop: DesktopContext, case_id: int, case_title: str, original: NoteView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id, self.original = desktop, case_id, original
        self.today = desktop.today()
        heading = "Amend a note" if original else "Add a note"
        self.setWindowTitle(f"{heading}: {case_title}")
        self.setAccessibleName(heading)
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        intro = QLabel(self)
        intro.setWordWrap(True)
        intro.setText("The note you amend stays in the diary, shown as amended, with your correction above it."
                      if original else "Write down what happened: a call, an email, a meeting or a visit.")
        outer.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        self.rows: list[FieldRow] = []
        self._build(form)
        self.general = ProblemLabel(self)
        outer.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_text = "Save the amendment" if original else "Add the note"
        self.ok.setText(self.ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self._fill()
        self.text.setFocus()
        self.revalidate()

    def _build(self, form: QFormLayout) -> None:
        when = QWidget(self)
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        self.day = DateEdit(self.today, when)
        self.day.setAccessibleName("Date it happened")
        self.time = QTimeEdit(when)
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName("Time it happened")
        row.addWidget(self.day, 1)
        row.addWidget(self.time)
        self.rows.append(form_row(self, form, "&When:", when, fields_named("happened_at"), "When it happened"))
        self.kind = QComboBox(self)
        for code, title in NOTE_KIND_TITLES.items():
            self.kind.addItem(title, code)
        self.rows.append(form_row(self, form, "&Type:", self.kind, fields_named("kind")))
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().height() * 7)
        self.text.setPlaceholderText("What was said or done, and anything agreed")
        self.rows.append(form_row(self, form, "&Note:", self.text, fields_named("text")))
        self.follow_up = OptionalDate("Follow up on", self.today + FOLLOW_UP_AFTER, self)
        self.follow_up.setToolTip("A follow-up shows on My day, for you and the case's caseworker, from that day "
                                  "until it is marked done.")
        self.rows.append(form_row(self, form, "&Follow-up:", self.follow_up, fields_named("follow_up_on")))
        for signal in (self.day.dateChanged, self.time.timeChanged, self.kind.currentIndexChanged,
                       self.text.textChanged, self.follow_up.changed):
            signal.connect(self.revalidate)

    def _fill(self) -> None:
        o = self.original
        at = o.happened_at.astimezone(LONDON) if o is not None else default_happened_at(self.today)
        self.day.set_value(at.date())
        self.time.setTime(QTime(at.hour, at.minute))
        if o is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(o.kind)))
            self.text.setPlainText(o.text)
            self.follow_up.set_value(o.follow_up_on)

    def value(self) -> NoteInput:
        t = self.time.time()
        at = datetime.combine(self.day.value(), time(t.hour(), t.minute()), LONDON)
        return NoteInput(at, str(self.kind.currentData()), self.text.toPlainText(), self.follow_up.value())

    def revalidate(self) -> None:
        if not hasattr(self, "ok"):
            return  # still building
        note = self.value()
        problems = [p for p in note_problems(note, self.today) if p.field != "text" or note.text.strip()]
        show_problems(self.rows, self.general, problems)
        unchanged = self.original is not None and self._same_as_original(note)
        self.ok.setEnabled(not problems and bool(note.text.strip()) and not unchanged and not self.saving)
        self.ok.setToolTip("Change something to amend the note" if unchanged else "")

    def _same_as_original(self, note: NoteInput) -> bool:
        o = self.original
        assert o is not None
        return (note.kind, note.text.strip(), note.follow_up_on) == (o.kind, o.text.strip(), o.follow_up_on) and \
            note.happened_at.astimezone(LONDON).replace(second=0) == \
            o.happened_at.astimezone(LONDON).replace(second=0, microsecond=0)

    def problem_text(self) -> str:
        return "\n".join(t for t in [r.problem.reasons() for r in self.rows] + [self.general.reasons()] if t)

    def task(self) -> Callable[[], Any]:
        ctx, actor, note = self.desktop.ctx, self.desktop.actor, self.value()
        if self.original is None:
            case_id = self.case_id
            return lambda: add_note(ctx, actor, case_id, note)
        note_id, version = self.original.id, self.original.version
        return lambda: amend_note(ctx, actor, note_id, note, expected_version=version)

    def accept(self) -> None:
        self.revalidate()
        if self.saving or not self.ok.isEnabled():
            return
        self.start_save(self.task(), announce=case_changed(self.desktop, self.case_id))

    def saving_changed(self, saving: bool) -> None:
        self.revalidate()

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            show_problems(self.rows, self.general, exc.problems)
        else:
            self.general.show_refusal(exc)

