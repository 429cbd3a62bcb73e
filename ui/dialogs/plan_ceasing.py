"""The forms for ceasing a plan (CFA s45; regs 29-31): the proposal, the decision (appealable), the family's
appeal, dropping the proposal, and the cease itself with its SEN2 reason. Each saves through
caseworker.services.plan_cease, which keeps the plan while an appeal is possible or pending and says until
when, beside the date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QComboBox

from caseworker.errors import Problem
from caseworker.services import plan_cease
from caseworker.services.plan_cease import NO_DECISION_NEEDED, open_cease
from caseworker.services.plans import day
from caseworker.statutory.plan_facts import CeaseFacts
from caseworker.statutory.plans import cease_state
from caseworker.views import plan_detail as names
from ui.dialogs.fields import DateEdit
from ui.dialogs.plan_form import PlanStepDialog, optional
from ui.widgets.wording import long_date, short_date


class CeaseStep(PlanStepDialog):
    """A form about the proposal to cease under way."""

    @property
    def ceasing(self) -> CeaseFacts:
        c = open_cease(self.facts)
        assert c is not None, "offered only while ceasing is under way"
        return c

    def appeal_until(self, decided: date) -> date:
        state = cease_state(CeaseFacts(self.ceasing.proposed, decided), self.clocks.rules)
        assert state is not None and state.appeal_until is not None
        return state.appeal_until


class ProposeCeaseDialog(PlanStepDialog):
    step = names.PROPOSE_CEASE
    heading = "Propose to cease the plan"

    def build(self) -> None:
        self.proposed = DateEdit(self.today, self)
        self.add_row("&Proposed on:", self.proposed, ["proposed_on"], accessible="Date ceasing was proposed")
        self.proposed.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        return ("The council is considering ceasing the plan. Record the day the family and the setting were told "
                "and consulted (reg 31): the decision comes after they have had their say.")

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "proposed_on", self.proposed.value())
        return p

    def meaning(self) -> str:
        return ("The plan stays in place. Once the family and the setting have answered, record the decision to "
                "cease (it can be appealed) or drop the proposal.")

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        on = self.proposed.value()
        return lambda: plan_cease.propose_cease(ctx, actor, cid, on, expected_version=ver)


class DecideCeaseDialog(CeaseStep):
    step = names.DECIDE_CEASE
    heading = "Decide to cease the plan"

    def build(self) -> None:
        self.decided = DateEdit(self.today, self)
        self.add_row("&Decided on:", self.decided, ["decided_on"], accessible="Date of the decision letter")
        self.decided.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        proposed = self.ceasing.proposed
        since = f"Ceasing was proposed on {long_date(proposed)}. " if proposed else ""
        return (f"{since}Record the day the decision to cease was notified (the day of the letter). The family may "
                "appeal to the Tribunal; the plan is kept while they can, and while an appeal waits.")

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        decided, proposed = self.decided.value(), self.ceasing.proposed
        self.day_problems(p, "decided_on", decided)
        if proposed is not None and decided < proposed:
            p.append(Problem("decided_on", f"ceasing was proposed on {day(proposed)}; the decision follows the "
                                           "consultation"))
        return p

    def meaning(self) -> str:
        until = self.appeal_until(self.decided.value())
        return (f"The family may appeal until {long_date(until)}. The plan is kept until then and can cease from "
                f"{short_date(until + timedelta(days=1))} if no appeal is lodged.")

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        on = self.decided.value()
        return lambda: plan_cease.decide_cease(ctx, actor, cid, on, expected_version=ver)


class CeaseAppealDialog(CeaseStep):
    step = names.CEASE_APPEAL
    heading = "Appeal against ceasing"

    def build(self) -> None:
        c = self.ceasing
        self.lodged = optional(self, "Lodged on", c.appeal_lodged)
        self.add_row("&Appeal:", self.lodged, ["appeal_lodged_on"], accessible="Date the appeal was lodged")
        self.concluded = optional(self, "Decided on", c.appeal_concluded)
        self.add_row("&Tribunal:", self.concluded, ["appeal_concluded_on"],
                     accessible="Date the Tribunal decided the appeal")

    def intro_text(self) -> str:
        decided = self.ceasing.decided
        assert decided is not None
        return (f"The decision to cease was notified on {long_date(decided)}; the family could appeal until "
                f"{long_date(self.appeal_until(decided))}. Record the day their appeal was lodged and, once the "
                "Tribunal has decided, that day. If the Tribunal keeps the plan, drop the proposal to cease.")

    def missing(self) -> str | None:
        if self.lodged.value() is None and self.concluded.value() is None:
            return "Give the day the appeal was lodged, or the day the Tribunal decided it."
        return None

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "appeal_lodged_on", self.lodged.value())
        self.day_problems(p, "appeal_concluded_on", self.concluded.value())
        return p

    def meaning(self) -> str:
        concluded = self.concluded.value()
        if concluded is None:
            return "The plan is kept while the appeal waits for the Tribunal."
        return (f"The Tribunal decided on {short_date(concluded)}. If it upheld the decision, the plan can cease "
                "from that day; if it kept the plan, drop the proposal to cease.")

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        lodged, concluded = self.lodged.value(), self.concluded.value()
        return lambda: plan_cease.record_cease_appeal(ctx, actor, cid, lodged_on=lodged, concluded_on=concluded,
                                                      expected_version=ver)


class WithdrawCeaseDialog(CeaseStep):
    step = names.WITHDRAW_CEASE
    heading = "Drop the proposal to cease"

    def build(self) -> None:
        self.dropped = DateEdit(self.today, self)
        self.add_row("&Dropped on:", self.dropped, ["withdrawn_on"], accessible="Date the proposal was dropped")
        self.dropped.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        return ("Record that the council no longer proposes to cease the plan: after the consultation, or because "
                "the Tribunal kept the plan.")

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "withdrawn_on", self.dropped.value())
        return p

    def meaning(self) -> str:
        return "The plan goes on as before; a new proposal to cease may follow later."

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        on = self.dropped.value()
        return lambda: plan_cease.withdraw_cease(ctx, actor, cid, on, expected_version=ver)


class CeasePlanDialog(PlanStepDialog):
    step = names.CEASE_PLAN
    heading = "Cease the plan"

    def build(self) -> None:
        self.ceased = DateEdit(self.today, self)
        self.add_row("&Ceased on:", self.ceased, ["ceased_on"], accessible="Date the plan ceased")
        self.reason = QComboBox(self)
        for code, words in names.CEASE_REASON_WORDS.items():
            self.reason.addItem(f"{code}: {words}", code)
        self.reason.setCurrentIndex(-1)
        self.reason.setPlaceholderText("Choose the SEN2 reason")
        self.reason.setMinimumContentsLength(30)
        self.reason.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_row("SEN2 &reason:", self.reason, ["reason"], accessible="Why the plan ceased (SEN2 reason)")
        self.ceased.dateChanged.connect(self.changed)
        self.reason.currentIndexChanged.connect(self.changed)

    def intro_text(self) -> str:
        c = self.plan.cease
        state = c.state if c is not None and c.state.state not in ("withdrawn", "ceased") else None
        moved = ("Only a child who moved to another council (reason 5) or died (reason 8) ceases without a decision "
                 "letter.")
        if state is None or state.decided is None:
            return f"No decision to cease is on record: record the proposal and the decision first. {moved}"
        if state.state == "appeal_pending":
            return "The family's appeal is waiting for the Tribunal: the plan is kept until it is decided."
        assert state.appeal_until is not None
        return (f"The decision to cease was notified on {long_date(state.decided)}. The family can appeal until "
                f"{long_date(state.appeal_until)}: the plan can cease from "
                f"{long_date(state.appeal_until + timedelta(days=1))}. {moved}")

    def chosen(self) -> int | None:
        data = self.reason.currentData()
        return int(data) if data is not None else None

    def missing(self) -> str | None:
        return "Choose the SEN2 reason the plan ceased." if self.chosen() is None else None

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "ceased_on", self.ceased.value())
        return p

    def meaning(self) -> str:
        reason = self.chosen()
        assert reason is not None
        at_once = " (no decision letter is needed for this reason)" if reason in NO_DECISION_NEEDED else ""
        return (f"The plan stops being maintained on {long_date(self.ceased.value())}{at_once}: its reviews, "
                f"amendments and transfer stop. SEN2 reason {reason}: {names.CEASE_REASON_WORDS[reason]}.")

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        on, reason = self.ceased.value(), self.chosen()
        assert reason is not None
        return lambda: plan_cease.cease_plan(ctx, actor, cid, on, reason, expected_version=ver)


__all__ = ["CeaseAppealDialog", "CeasePlanDialog", "DecideCeaseDialog", "ProposeCeaseDialog",
           "WithdrawCeaseDialog"]
