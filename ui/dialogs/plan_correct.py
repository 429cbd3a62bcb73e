"""Correct a notified date on a plan in place: which date, the new one and the reason.

The plan's twin of the request's correction form (ui.dialogs.correct_step): the date must differ from the
one recorded and a reason is required; the service (caseworker.services.plan_corrections) checks the
rest (the order of the row's dates) and a refusal is shown beside the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit

from caseworker.errors import Problem
from caseworker.services.plan_corrections import (
    LONGEST_REASON,
    PLAN_DATES,
    RecordedPlanDate,
    correct_plan_date,
    plan_dates_on_record,
)
from caseworker.services.plans import day
from caseworker.views import plan_detail as names
from ui.dialogs.fields import DateEdit
from ui.dialogs.plan_form import PlanStepDialog

REASON_HINT = "Say why: the reason is kept in the case's history with the original date and the correction."


class CorrectPlanDateDialog(PlanStepDialog):
    step = names.CORRECT_PLAN_DATE
    heading = "Correct a notified plan date"

    def build(self) -> None:
        self.offered: list[RecordedPlanDate] = plan_dates_on_record(self.facts)
        self.choice = QComboBox(self)
        for d in self.offered:
            self.choice.addItem(d.words, (d.step, d.row_id))
        self.add_row("&Date to correct:", self.choice, ["step"], accessible="Plan date to correct")
        self.new_date = DateEdit(self.offered[0].value if self.offered else self.today, self)
        self.add_row("&New date:", self.new_date, [f.column for f in PLAN_DATES.values()], accessible="New date")
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(LONGEST_REASON)
        self.reason.setPlaceholderText("What was wrong, in a sentence a colleague or the family could read")
        self.add_row("&Reason:", self.reason, ["reason"], accessible="Reason for the correction")
        self.choice.currentIndexChanged.connect(self._chosen)
        self.new_date.dateChanged.connect(self.changed)
        self.reason.textChanged.connect(self.changed)

    def chosen(self) -> RecordedPlanDate | None:
        i = self.choice.currentIndex()
        return self.offered[i] if 0 <= i < len(self.offered) else None

    def _chosen(self) -> None:
        d = self.chosen()
        if d is not None:
            self.new_date.set_value(d.value)
        self.changed()

    def intro_text(self) -> str:
        return ("Correct a plan date recorded wrongly: the review meeting, a decision's notified day, proposed "
                "amendments, the final amended plan, a decision to cease, or the plan naming the next setting. The "
                "history keeps the original and the correction, with your reason; the plan's clocks count again "
                "from the new date, and letters stating the old one are flagged in the letter log.")

    def problems(self) -> list[Problem]:
        d = self.chosen()
        if d is None:
            return [Problem("step", "no notified plan date is recorded to correct")]
        p: list[Problem] = []
        self.day_problems(p, PLAN_DATES[d.step].column, self.new_date.value(), ahead=PLAN_DATES[d.step].ahead)
        return p

    def missing(self) -> str | None:
        d = self.chosen()
        if d is not None and self.new_date.value() == d.value:
            return "Type the corrected date: it starts as the date recorded now."
        return None if self.reason.text().strip() else REASON_HINT

    def meaning(self) -> str:
        d = self.chosen()
        if d is None:
            return ""
        what = PLAN_DATES[d.step].what
        return (f"{what[:1].upper()}{what[1:]} will read {day(self.new_date.value())} instead of {day(d.value)}. The "
                "plan's clocks count again from it; letters stating the old date are flagged in the letter log.")

    def task(self) -> Callable[[], Any]:
        d = self.chosen()
        assert d is not None
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        new, reason = self.new_date.value(), self.reason.text()
        return lambda: correct_plan_date(ctx, actor, cid, d.step, d.row_id, new, reason, expected_version=ver)
