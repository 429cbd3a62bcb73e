"""The forms for the decisions and documents of a request: assess, issue, draft, final, withdraw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit

from caseworker.services import steps
from caseworker.statutory import preview as pv
from caseworker.statutory.preview import Preview
from ui.dialogs.base import StepDialog
from ui.dialogs.fields import DateEdit, YesNo
from ui.widgets.wording import long_date


class DecisionToAssessDialog(StepDialog):
    step = "decision_to_assess"
    heading = "Decision whether to assess"

    def build(self) -> None:
        self.choice = YesNo("&Yes: carry out an assessment", "&No: do not assess", self)
        self.add_row("Decision:", self.choice, ["decision_to_assess"], accessible="Decision whether to assess")
        self.date = DateEdit(self.today, self)
        self.add_row("&Notified on:", self.date, ["decision_to_assess_date"],
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


class DecisionToIssueDialog(StepDialog):
    step = "decision_to_issue"
    heading = "Decision whether to issue a plan"

    def build(self) -> None:
        self.choice = YesNo("&Yes: issue an EHC plan", "&No: do not issue a plan", self)
        self.add_row("Decision:", self.choice, ["decision_to_issue"], accessible="Decision whether to issue a plan")
        self.date = DateEdit(self.today, self)
        self.add_row("&Notified on:", self.date, ["decision_to_issue_date"], accessible="Date of the decision")
        self.choice.changed.connect(self.changed)
        self.date.dateChanged.connect(self.changed)


    def intro_text(self) -> str:
        return self.milestone_intro("issue_decision", "Record whether the council will issue a plan.")

    def missing(self) -> str | None:
        return "Choose yes or no to see what this decision means." if self.choice.value() is None else None

    def preview(self) -> Preview | None:
        issue = self.choice.value()
        if issue is None:
            return None
        return pv.decision_to_issue(self.facts, issue, self.date.value(), self.today, self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        issue, on = bool(self.choice.value()), self.date.value()
        return lambda: steps.record_decision_to_issue(ctx, actor, cid, issue, on, expected_version=ver)


class DraftSentDialog(StepDialog):
    step = "draft_sent"
    heading = "Draft plan sent"

    def build(self) -> None:
        self.sent = DateEdit(self.today, self)
        self.add_row("&Sent on:", self.sent, ["draft_plan_sent"], accessible="Date the draft plan was sent")
        self.posted = QCheckBox("Served on a later day (&deemed service by post)", self)
        self.form.addRow("", self.posted)
        self.served = DateEdit(self.today, self)
        self.add_row("Ser&ved on:", self.served, ["draft_plan_served"],
                     accessible="Date the draft plan was served")
        self.served.setEnabled(False)
        self.posted.setAccessibleName("Served on a later day")
        self.posted.toggled.connect(self._posted)
        self.sent.dateChanged.connect(self._sent_changed)
        self.served.dateChanged.connect(self.changed)

    def _posted(self, on: bool) -> None:
        self.served.setEnabled(on)
        if not on:
            self.served.set_value(self.sent.value())
        self.changed()

    def _sent_changed(self) -> None:
        if not self.posted.isChecked():
            self.served.set_value(self.sent.value())
        self.changed()


    def intro_text(self) -> str:
        return self.milestone_intro(
            "draft_latest_safe", "Record the day the draft plan went to the family. Their 15 days begin on the "
            "day it is served: the day it was sent unless you record a later deemed service day.")

    def served_value(self) -> Any:
        return self.served.value() if self.posted.isChecked() else None

    def preview(self) -> Preview | None:
        return pv.draft_sent(self.facts, self.sent.value(), self.served_value(), self.today,
                             self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        sent, served = self.sent.value(), self.served_value()
        return lambda: steps.record_draft_sent(ctx, actor, cid, sent, served_on=served, expected_version=ver)


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
