"""The two ways a time limit stops counting against someone: an exception excuses the council's own
deadlines (regs 5(4), 10(4), 13(3)), and a reg 8(2) excuse releases one adviser from their 6 weeks.

Both record a ground and the days the circumstances began and (optionally) ended; what each excuses
is decided from those days, not from the day it was recorded (docs/law.md#exempt-rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from caseworker.services import advice as advice_service
from caseworker.services import steps
from caseworker.statutory import preview as pv
from caseworker.statutory.engine import OPEN_STAGES, AdviceFacts
from caseworker.statutory.preview import Preview
from caseworker.views.case_detail import AdviceView, CaseDetail
from ui.context import DesktopContext
from ui.dialogs.base import StepDialog
from ui.dialogs.fields import DateEdit, OptionalDate, fill_advice_choices
from ui.widgets.wording import ADVICE_LONG, long_date


def _ground_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName("What the ground means")
    return label


def _note(parent: QWidget) -> QLineEdit:
    note = QLineEdit(parent)
    note.setMaxLength(500)
    note.setPlaceholderText("What happened, in a sentence the family could read")
    return note


class ExceptionDialog(StepDialog):
    step = "exception"
    heading = "Record an exception"

    def build(self) -> None:
        self.ground = QComboBox(self)
        for code, ground in self.desktop.ctx.engine.rules.exception_grounds.items():
            self.ground.addItem(f"({code}) {ground.get('title', code)}", code)
        self.add_row("&Ground:", self.ground, ["exception_ground"], accessible="Exception ground")
        self.ground_text = _ground_label(self)
        self.form.addRow("", self.ground_text)
        self.began = DateEdit(self.today, self)
        self.add_row("Circumstances &began:", self.began, ["exception_from", "exception_recorded"],
                     accessible="Day the circumstances began")
        self.ended = OptionalDate("&Ended on", self.today, self)
        self.add_row("Circumstances ended:", self.ended, ["exception_to"],
                     accessible="Day the circumstances ended (leave unticked while they go on)")
        self.note = _note(self)
        self.add_row("&Note:", self.note, ["note"], accessible="Note about the exception")
        self.ground.currentIndexChanged.connect(self._ground_changed)
        self.began.dateChanged.connect(self.changed)
        self.ended.changed.connect(self.changed)
        self._ground_changed()

    def _ground_changed(self) -> None:
        ground = self.desktop.ctx.engine.rules.exception_grounds.get(str(self.ground.currentData()), {})
        self.ground_text.setText(f"{ground.get('text', '')}. ({ground.get('law', '')})")
        self.changed()

    def intro_text(self) -> str:
        return ("The council need not meet a time limit when it is impractical for one of these reasons. An "
                "exception switches a deadline off; it does not stop or extend the clock. Give the day the "
                "circumstances began (it may be before the request, or before today), and the day they ended "
                f"if they have. Request received {long_date(self.facts.received)}.")

    def preview(self) -> Preview | None:
        return pv.exception(self.facts, str(self.ground.currentData()), self.today, self.today,
                            self.desktop.ctx.engine, began=self.began.value(), ended=self.ended.value())

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        ground, today, note = str(self.ground.currentData()), self.today, self.note.text().strip()
        began, ended = self.began.value(), self.ended.value()
        return lambda: steps.record_exception(ctx, actor, cid, ground, today, note, began_on=began, ended_on=ended,
                                              expected_version=ver)


def excusable(detail: CaseDetail) -> list[AdviceView]:
    """Advice not yet received and not already excused: what a reg 8(2) excuse can apply to."""
    return [a for a in detail.advice if a.received is None and a.excused_ground is None]


class AdviceExcuseDialog(StepDialog):
    """Record a reg 8(2) excuse on one outstanding advice request: it shows "excused" and is never chased."""

    step = "excuse_advice"
    heading = "Excuse an adviser (reg 8(2))"
    ok_text = "Record the excuse"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None,
                 advice_id: int | None = None) -> None:
        self._preselect = advice_id
        super().__init__(desktop, detail, parent)
        self.setMinimumWidth(680)  # room for the whole advice request in its list

    def build(self) -> None:
        self.advice = QComboBox(self)
        self.add_row("&Which advice:", self.advice, ["advice"], accessible="Which advice request is excused")
        self.ground = QComboBox(self)
        for code, excuse in self.desktop.ctx.engine.rules.advice_excuses.items():
            self.ground.addItem(excuse.get("title", code), code)
        self.add_row("&Ground:", self.ground, ["excused_ground"], accessible="Reg 8(2) ground")
        self.ground_text = _ground_label(self)
        self.form.addRow("", self.ground_text)
        self.began = DateEdit(self.today, self)
        self.add_row("Circumstances &began:", self.began, ["excused_from"], accessible="Day the circumstances began")
        self.ended = OptionalDate("&Ended on", self.today, self)
        self.add_row("Circumstances ended:", self.ended, ["excused_to"],
                     accessible="Day the circumstances ended (leave unticked while they go on)")
        self.note = _note(self)
        self.add_row("&Note:", self.note, ["note"], accessible="Note about the excuse")
        self._fill()
        self.advice.currentIndexChanged.connect(self.changed)
        self.ground.currentIndexChanged.connect(self._ground_changed)
        self.began.dateChanged.connect(self.changed)
        self.ended.changed.connect(self.changed)
        self._ground_changed()

    def _fill(self) -> None:
        fill_advice_choices(self.advice, excusable(self.detail), self.advice.currentData() or self._preselect)

    def _ground_changed(self) -> None:
        excuse = self.desktop.ctx.engine.rules.advice_excuses.get(str(self.ground.currentData()), {})
        self.ground_text.setText(f"{excuse.get('text', '')}. ({excuse.get('law', '')})")
        self.changed()

    def detail_changed(self) -> None:
        self._fill()

    def chosen(self) -> AdviceView | None:
        return next((a for a in self.detail.advice if a.id == self.advice.currentData()), None)

    def intro_text(self) -> str:
        return ("An adviser need not keep to their 6 weeks when, during them, one of these happens (SEND "
                "Regulations 2014 reg 8(2)). The request then shows as excused and is not chased. It excuses the "
                "adviser only, never the council's own deadlines.")

    def blocked(self) -> str | None:
        if self.detail.stage not in OPEN_STAGES:
            return "the request is closed or its final plan is issued; no further step can be recorded"
        return None if excusable(self.detail) else "no advice is outstanding without an excuse"

    def preview(self) -> Preview | None:
        a = self.chosen()
        if a is None:
            return None
        facts = AdviceFacts(a.kind, a.requested, a.received, a.service or None, a.id, a.sent_by)
        what = f"{ADVICE_LONG.get(a.kind, a.kind)} advice" + (f" from {a.service}" if a.service else "")
        return pv.advice_excuse(facts, what, self.began.value(), self.ended.value(), self.today,
                                self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        a = self.chosen()
        assert a is not None
        ctx, actor, ground = self.desktop.ctx, self.desktop.actor, str(self.ground.currentData())
        began, ended, note, ver = self.began.value(), self.ended.value(), self.note.text().strip(), a.version
        return lambda: advice_service.excuse_advice(ctx, actor, a.id, ground, began, ended_on=ended, note=note,
                                                    expected_version=ver)
