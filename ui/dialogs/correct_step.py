"""Correct a step's recorded date, or undo a step recorded in error: the recorded value, the new date (or
what undoing it does), and the reason, with refusals beside the field as the caseworker types.

The checks are the service's own (caseworker.statutory.corrections), so what the form allows the service
accepts: a correction that would leave a later step standing on nothing names that step, to be undone
first. Saving goes through caseworker.services.corrections on the task runner, like every step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QStackedWidget, QWidget

from caseworker.errors import Problem
from caseworker.services.corrections import correct_step, undo_step
from caseworker.statutory.corrections import (
    RecordedStep,
    StepDate,
    correction_problems,
    day,
    recorded_steps,
    undo_problems,
)
from caseworker.statutory.preview import Preview
from caseworker.views.case_detail import CaseDetail
from ui.context import DesktopContext
from ui.dialogs.base import StepDialog
from ui.dialogs.fields import DateEdit, OptionalDate


def _besides_reason(problems: list[Problem]) -> list[Problem]:
    """While the reason is still to type, the form asks for it in words rather than showing it as an error."""
    return [p for p in problems if p.field != "reason"]


REASON_HINT = "Say why: the reason is kept in the case's history with the original and the correction."


def _plain_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(name)
    return label


def _steps_of(detail: CaseDetail) -> list[RecordedStep]:
    if detail.deadlines is None:
        return []
    return recorded_steps(detail.deadlines.facts, [e.id for e in detail.exceptions])


def can_correct(detail: CaseDetail) -> bool:
    """A request always has at least its received date to correct; a plan in place has no steps."""
    return any(s.dates for s in _steps_of(detail))


def can_undo(detail: CaseDetail) -> bool:
    return any(s.undo is not None for s in _steps_of(detail))


class CorrectStepDialog(StepDialog):
    """``undo=False``: change one recorded date of a step; ``undo=True``: take a step off the record.

    ``key`` starts the form on one step ("draft_sent", "advice_received:12", "exception:3") and ``column``
    on one of its dates; otherwise the caseworker picks from every step recorded on the case.
    """

    step = "correct_step"
    heading = "Correct a step"
    ok_text = "Save the correction"
    undo = False

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None, *,
                 key: str | None = None, column: str | None = None) -> None:
        self.start_key, self.start_column = key, column
        super().__init__(desktop, detail, parent)

    # --- building ----------------------------------------------------------------------------------
    def build(self) -> None:
        self.choice = QComboBox(self)
        self.add_row("&Step:", self.choice, ["step"], accessible="Step to undo" if self.undo else "Step to correct")
        self.which = QComboBox(self)
        self.which_row = self.add_row("&Date:", self.which, [], accessible="Which of its dates")
        self.recorded = _plain_label(self, "Recorded now")
        self.form.addRow("Recorded now:", self.recorded)
        self.new_stack = QStackedWidget(self)
        self.new_date = DateEdit(self.today, self.new_stack)
        self.new_optional = OptionalDate("Recorded", self.today, self.new_stack)
        self.new_stack.addWidget(self.new_date)
        self.new_stack.addWidget(self.new_optional)
        self.new_row = self.add_row("&New date:", self.new_stack, ["new_date"], accessible="New date")
        self.new_date.setAccessibleName("New date")
        self.new_optional.setAccessibleName("New date (untick to leave it unrecorded)")
        self.effect = _plain_label(self, "What undoing it does")
        self.form.addRow("Undoing it:", self.effect)
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("What was wrong, in a sentence a colleague or the family could read")
        self.add_row("&Reason:", self.reason, ["reason"], accessible="Reason for the correction")
        for widget, shown in ((self.which_row.label, not self.undo), (self.new_row.label, not self.undo),
                              (self.effect, self.undo)):
            self.form.setRowVisible(widget, shown)
        self._fill_steps()
        self.choice.currentIndexChanged.connect(self._step_chosen)
        self.which.currentIndexChanged.connect(self._date_chosen)
        self.new_date.dateChanged.connect(self.changed)
        self.new_optional.changed.connect(self.changed)
        self.reason.textChanged.connect(self.changed)
        self._step_chosen()

    def _exception_ids(self) -> list[int]:
        return [e.id for e in self.detail.exceptions]

    def _offered(self) -> list[RecordedStep]:
        steps = _steps_of(self.detail)
        return [s for s in steps if s.undo is not None] if self.undo else [s for s in steps if s.dates]

    def _fill_steps(self) -> None:
        self.choice.blockSignals(True)
        self.choice.clear()
        for s in self._offered():
            self.choice.addItem(s.name[:1].upper() + s.name[1:], s.key)
        start = self.choice.findData(self.start_key) if self.start_key else -1
        self.choice.setCurrentIndex(start if start >= 0 else 0)
        self.choice.blockSignals(False)

    def chosen(self) -> RecordedStep | None:
        key = self.choice.currentData()
        return next((s for s in self._offered() if s.key == key), None)

    def chosen_date(self) -> StepDate | None:
        s = self.chosen()
        return s.date(str(self.which.currentData())) if s is not None else None

    def _step_chosen(self) -> None:
        s = self.chosen()
        self.which.blockSignals(True)
        self.which.clear()
        for d in s.dates if s is not None else ():
            self.which.addItem(f"{d.label[:1].upper()}{d.label[1:]} ({day(d.value) if d.value else 'not recorded'})",
                               d.column)
        start = self.which.findData(self.start_column) if self.start_column else -1
        self.which.setCurrentIndex(max(start, 0))
        self.start_column = None  # only the first time: afterwards the caseworker chooses
        self.which.blockSignals(False)
        self.which.setEnabled(self.which.count() > 1)
        self.effect.setText(s.undo or "" if s is not None else "")
        self._date_chosen()

    def _date_chosen(self) -> None:
        d = self.chosen_date()
        s = self.chosen()
        if self.undo:
            self.recorded.setText(s.name[:1].upper() + s.name[1:] if s is not None else "")
        elif d is not None and s is not None:
            self.recorded.setText(f"{s.what[:1].upper()}{s.what[1:]}, {d.label} "
                                  f"{day(d.value) if d.value else 'not recorded'}")
            self.new_stack.setCurrentWidget(self.new_optional if d.optional else self.new_date)
            start = d.value or self.today
            self.new_date.set_value(start)
            self.new_optional.set_value(d.value)
        self.changed()

    # --- the StepDialog hooks ----------------------------------------------------------------------
    def intro_text(self) -> str:
        if self.undo:
            return ("Undo a step only if it was recorded in error: it is taken off the record, and the case's history "
                    "keeps both the step and the undo, with your reason. A step that a later step rests on cannot be "
                    "undone until that later step is.")
        return ("Correct a date typed or recorded wrongly. The history keeps the original and the correction, with "
                "your reason; letters already made stay in the letter log and are flagged if they state the old date.")

    def blocked(self) -> str | None:
        if self.choice.count() == 0:
            return "nothing recorded on this case can be undone" if self.undo else "nothing is recorded to correct"
        return None

    def new_value(self) -> date | None:
        d = self.chosen_date()
        return self.new_optional.value() if d is not None and d.optional else self.new_date.value()

    def unchanged(self) -> bool:
        d = self.chosen_date()
        return not self.undo and d is not None and self.new_value() == d.value

    def missing(self) -> str | None:
        if self.unchanged():
            return "Type the corrected date: it starts as the date recorded now."
        return None if self.reason.text().strip() else REASON_HINT

    def preview(self) -> Preview | None:
        s = self.chosen()
        if s is None:
            return None
        engine, reason = self.desktop.ctx.engine, self.reason.text()
        if self.undo:
            problems = _besides_reason(undo_problems(self.facts, self._exception_ids(), s.key, reason, self.today,
                                                     engine))
            return Preview(problems, "" if problems else f"{s.undo} The history keeps {s.name} and this undo.")
        d = self.chosen_date()
        if d is None:
            return None
        new = self.new_value()
        if self.unchanged():
            return Preview([], "")  # nothing typed yet: the form asks for the date rather than refusing it
        problems = _besides_reason(correction_problems(self.facts, self._exception_ids(), s.key, d.column, new, reason,
                                                       self.today, engine, self.detail.date_of_birth))
        shown, was = (day(v) if v else "not recorded" for v in (new, d.value))
        text = (f"{s.what[:1].upper()}{s.what[1:]} will read {d.label} {shown} instead of {was}. The deadlines are "
                "counted again from it; letters stating the old date are flagged in the letter log.")
        return Preview(problems, "" if problems else text)

    def task(self) -> Callable[[], Any]:
        s, d = self.chosen(), self.chosen_date()
        assert s is not None
        ctx, actor, case_id = self.desktop.ctx, self.desktop.actor, self.detail.case_id
        reason, version = self.reason.text(), self.detail.version
        if self.undo:
            return lambda: undo_step(ctx, actor, case_id, s.key, reason, expected_version=version)
        assert d is not None
        new = self.new_value()
        return lambda: correct_step(ctx, actor, case_id, s.key, d.column, new, reason, expected_version=version)

    def detail_changed(self) -> None:
        key = self.choice.currentData()
        self.start_key = str(key) if key is not None else None
        self._fill_steps()
        self._step_chosen()


class UndoStepDialog(CorrectStepDialog):
    step = "undo_step"
    heading = "Undo a step recorded in error"
    ok_text = "Undo the step"
    undo = True
