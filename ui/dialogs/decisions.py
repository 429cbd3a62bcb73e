"""The forms for the decisions and documents of a request: assess, issue, draft, final, withdraw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from caseworker.services import steps
from caseworker.statutory import preview as pv
from caseworker.statutory.engine import POST
from caseworker.statutory.preview import Preview
from ui.dialogs.base import StepDialog
from ui.dialogs.fields import DateEdit, SentBy, YesNo
from ui.dialogs.required_advice import RequiredAdviceStep
from ui.widgets.wording import long_date


class DecisionToAssessDialog(StepDialog):
    step = "decision_to_assess"
    heading = "Decision whether to assess"

    def build(self) -> None:
        self.choice = YesNo("&Yes: carry out an assessment", "&No: do not assess", self)
        self.add_row("Decision:", self.choice, ["decision_to_assess"], accessible="Decision whether to assess")
        self.date = DateEdit(self.today, self)
        self.add_row("Notified &on:", self.date, ["decision_to_assess_date"],
                     accessible="Date the family was told the decision")
        self.choice.changed.connect(self.changed)
        self.date.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        return self.milestone_intro("decision_to_assess", "Record the decision and the day the family was told.")

    def missing(self) -> str | None:
        return "Choose yes or no to see what this decision means." if self.choice.value() is None else None

    def preview(self) -> Preview | None:
        assess = self.choice.value()
        if assess is None:
            return None
        return pv.decision_to_assess(self.facts, assess, self.date.value(), self.today, self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        assess, on = bool(self.choice.value()), self.date.value()
        return lambda: steps.record_decision_to_assess(ctx, actor, cid, assess, on, expected_version=ver)


class DecisionToIssueDialog(RequiredAdviceStep):
    step = "decision_to_issue"
    heading = "Decision whether to issue a plan"

    def build(self) -> None:
        self.choice = YesNo("&Yes: issue an EHC plan", "&No: do not issue a plan", self)
        self.add_row("Decision:", self.choice, ["decision_to_issue"], accessible="Decision whether to issue a plan")
        self.date = DateEdit(self.today, self)
        self.add_row("Notified &on:", self.date, ["decision_to_issue_date"], accessible="Date of the decision")
        self.choice.changed.connect(self.changed)
        self.date.dateChanged.connect(self.changed)
        self.add_required_advice()

    def intro_text(self) -> str:
        return self.milestone_intro("issue_decision", "Record whether the council will issue a plan.",
                                    " Only a decision not to issue must be made by then; a later yes is later "
                                    "than planned, not a breach.")

    def advice_on(self) -> date:
        return self.date.value()

    def wants_required_advice(self) -> bool:
        return self.choice.value() is True

    def missing(self) -> str | None:
        if self.choice.value() is None:
            return "Choose yes or no to see what this decision means."
        return self.required_missing()

    def preview(self) -> Preview | None:
        issue = self.choice.value()
        if issue is None:
            return None
        return pv.decision_to_issue(self.facts, issue, self.date.value(), self.today, self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        issue, on, existing = bool(self.choice.value()), self.date.value(), self.existing_advice()
        return lambda: steps.record_decision_to_issue(ctx, actor, cid, issue, on, existing_advice=existing,
                                                      expected_version=ver)


SERVED_HINTS = {
    POST: "Deemed served on the second working day after posting (it may be after today). Change it only if you "
          "know the family had it on another day.",
    "": "Served the day it is sent. Change it only if you know the family had it on another day.",
}


class DraftSentDialog(RequiredAdviceStep):
    step = "draft_sent"
    heading = "Draft plan sent"

    def build(self) -> None:
        self.sent = DateEdit(self.today, self)
        self.add_row("Sen&t on:", self.sent, ["draft_plan_sent"], accessible="Date the draft plan was sent")
        self.sent_by = SentBy(self)
        self.add_row("Sent &by:", self.sent_by, ["draft_plan_sent_by"], accessible="How the draft plan was sent")
        self.served = DateEdit(self.today, self)
        self.add_row("Ser&ved on:", self.served, ["draft_plan_served"],
                     accessible="Date the draft plan was served")
        self.served_hint = QLabel(self)
        self.served_hint.setWordWrap(True)
        self.served_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.served_hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", self.served_hint)
        self._served_edited = False
        self.sent.dateChanged.connect(self._sent_changed)
        self.sent_by.currentIndexChanged.connect(self._sent_changed)
        self.served.dateChanged.connect(self._served_changed)
        self._sent_changed()
        self.add_required_advice()

    def default_served(self) -> date:
        """The day the draft is served unless another is recorded: the day sent, for post two working days on."""
        return self.desktop.ctx.engine.delivered(self.sent.value(), self.sent_by.value())

    def _sent_changed(self) -> None:
        self.served_hint.setText(SERVED_HINTS.get(self.sent_by.value(), SERVED_HINTS[""]))
        if not self._served_edited:
            self.served.blockSignals(True)
            self.served.set_value(self.default_served())
            self.served.blockSignals(False)
        self.changed()

    def _served_changed(self) -> None:
        self._served_edited = self.served.value() != self.default_served()
        self.changed()

    def intro_text(self) -> str:
        assert self.detail.deadlines is not None
        safe = self.detail.deadlines.milestone("draft_latest_safe")
        final = self.detail.deadlines.milestone("final_plan")
        allowance = self.desktop.ctx.engine.rules.consultation_allowance_days
        work_by = f" (work by {long_date(safe.work_by)})" if safe.work_by != safe.due else ""
        return ("Record the day the draft plan went to the family, and how. Their 15 days begin on the day it is "
                "served: the day it was sent, or for post the second working day after posting. The latest safe day "
                f"to send it is {long_date(safe.due)}{work_by}: the final plan's due date ({long_date(final.due)}) "
                f"less the family's 15 days and {allowance} days for settings to answer. It is the council's "
                "planning date, not a legal deadline.")

    def served_value(self) -> date | None:
        """The served day to record: only when it differs from the default (the engine deems the rest)."""
        served = self.served.value()
        return None if served == self.default_served() else served

    def advice_on(self) -> date:
        return self.sent.value()

    def missing(self) -> str | None:
        return self.required_missing()

    def preview(self) -> Preview | None:
        return pv.draft_sent(self.facts, self.sent.value(), self.served_value(), self.today,
                             self.desktop.ctx.engine, self.sent_by.value())

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        sent, by, served = self.sent.value(), self.sent_by.value(), self.served_value()
        existing = self.existing_advice()
        return lambda: steps.record_draft_sent(ctx, actor, cid, sent, sent_by=by, served_on=served,
                                               existing_advice=existing, expected_version=ver)


class FinalPlanDialog(StepDialog):
    step = "final_plan"
    heading = "Final plan issued"

    def build(self) -> None:
        self.date = DateEdit(self.today, self)
        self.add_row("&Issued on:", self.date, ["final_plan_issued"], accessible="Date the final plan was issued")
        self.date.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        earliest = self.detail.deadlines.earliest_final if self.detail.deadlines else None
        after = (f" After the family's 15 days on the draft, it can be issued from {long_date(earliest)}."
                 if earliest else "")
        return self.milestone_intro("final_plan", "Record the day the final EHC plan was issued.", after)

    def preview(self) -> Preview | None:
        return pv.final_plan(self.facts, self.date.value(), self.today, self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        on = self.date.value()
        return lambda: steps.record_final_plan(ctx, actor, cid, on, expected_version=ver)


class WithdrawDialog(StepDialog):
    step = "withdraw"
    heading = "Withdraw the request"
    ok_text = "Withdraw"

    def build(self) -> None:
        self.date = DateEdit(self.today, self)
        self.add_row("&Withdrawn on:", self.date, ["withdrawn"], accessible="Date the request was withdrawn")
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("For example: the family moved out of the area")
        self.add_row("&Reason:", self.reason, ["withdrawn_reason"], accessible="Why the request was withdrawn")
        self.date.dateChanged.connect(self.changed)
        self.reason.textChanged.connect(self.changed)

    def intro_text(self) -> str:
        return (f"Record that the request received on {long_date(self.facts.received)} was withdrawn. Steps "
                "already overdue on that day stay overdue; later ones no longer apply.")

    def missing(self) -> str | None:
        return "Say why the request was withdrawn." if not self.reason.text().strip() else None

    def preview(self) -> Preview | None:
        return pv.withdraw(self.facts, self.date.value(), self.today, self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        on, reason = self.date.value(), self.reason.text().strip()
        return lambda: steps.withdraw(ctx, actor, cid, on, reason, expected_version=ver)
