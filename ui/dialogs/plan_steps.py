"""The forms for a plan's annual review, its amendments and the child's year group, and which form records
which plan step (the names the case record's Plan tab and the Case menu use).

Each saves through its service (caseworker.services.plans) on the task runner; the phase transfer's forms
are in ui.dialogs.plan_transfer, ceasing's in ui.dialogs.plan_ceasing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from caseworker.errors import Problem
from caseworker.services import plans
from caseworker.services.plans import day, open_amendment, waiting_review
from caseworker.statutory.cohort import transfer_cohort
from caseworker.statutory.plan_facts import AMEND, CEASE, MAINTAIN, AmendmentFacts, CeaseFacts, ReviewFacts
from caseworker.statutory.plans import cease_state
from caseworker.views import plan_detail as names
from caseworker.views.case_detail import CaseDetail
from ui.context import DesktopContext
from ui.dialogs.fields import DateEdit
from ui.dialogs.plan_ceasing import (
    CeaseAppealDialog,
    CeasePlanDialog,
    DecideCeaseDialog,
    ProposeCeaseDialog,
    WithdrawCeaseDialog,
)
from ui.dialogs.plan_correct import CorrectPlanDateDialog
from ui.dialogs.plan_form import Choice, PlanStepDialog, optional
from ui.dialogs.plan_transfer import (
    RecordTransferDialog,
    TransferConsultationDialog,
    TransferDoneDialog,
    TransferReplyDialog,
)
from ui.panels._plan_rows import YEAR_GROUP_WORDS, days
from ui.widgets.wording import long_date, short_date


class ReviewMeetingDialog(PlanStepDialog):
    step = names.REVIEW_MEETING
    heading = "Review meeting"

    def build(self) -> None:
        self.waiting = waiting_review(self.facts)
        w = self.waiting
        self.meeting = DateEdit(w.meeting if w is not None and w.meeting else self.today, self)
        self.add_row("&Meeting on:", self.meeting, ["meeting_on"], accessible="Date of the review meeting")
        self.invitations = optional(self, "Sent on", w.invitations_sent if w else None)
        self.add_row("&Invitations:", self.invitations, ["invitations_sent_on"],
                     accessible="Invitations and advice sent to the reg 20(2) list")
        self.report = optional(self, "Sent on", w.report_sent if w else None)
        self.add_row("&Report:", self.report, ["report_sent_on"], accessible="Review report sent")
        self.meeting.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        review = self.plan.review
        assert review is not None
        return ("Record the annual review meeting (it may be arranged ahead), when the invitations and advice went "
                "to the reg 20(2) list, and when the report went out. " +
                f"The review is due by {long_date(review.due)}: its decision must be notified by then.")

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        meeting, invited, report = self.meeting.value(), self.invitations.value(), self.report.value()
        self.day_problems(p, "meeting_on", meeting, ahead=True)
        self.day_problems(p, "invitations_sent_on", invited)
        self.day_problems(p, "report_sent_on", report)
        if invited is not None and invited > meeting:
            p.append(Problem("invitations_sent_on", f"the invitations go out before the meeting ({day(meeting)})"))
        if report is not None and report < meeting:
            p.append(Problem("report_sent_on", f"the report follows the meeting ({day(meeting)})"))
        return p

    def meaning(self) -> str:
        meeting = self.meeting.value()
        under_way = ReviewFacts(meeting, self.invitations.value(), self.report.value(),
                                id=self.waiting.id if self.waiting else None)
        others = [r for r in self.facts.reviews if r is not self.waiting]
        review = self.would_be(replace(self.facts, reviews=[*others, under_way])).review
        due = {m.name: m for m in review.steps}
        words = [f"The invitations and advice go out by {short_date(due['review_invitations'].due)} (2 weeks "
                 f"before the meeting), the report by {short_date(due['review_report'].due)}, and the decision is "
                 f"notified by {short_date(due['review_decision'].due)}."]
        for name, what in (("review_invitations", "The invitations went out"), ("review_report", "The report went")):
            m = due[name]
            if m.done is not None:
                late = f"{days((m.done - m.due).days)} late" if m.done > m.due else "in time"
                words.append(f"{what} on {short_date(m.done)}: {late}.")
        if due["review_decision"].due > review.due:
            words.append(f"That is after the review's due day ({short_date(review.due)}): hold the meeting sooner "
                         "if you can.")
        return " ".join(words)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        meeting, invited, report = self.meeting.value(), self.invitations.value(), self.report.value()
        return lambda: plans.record_review_meeting(ctx, actor, cid, meeting, invitations_sent_on=invited,
                                                   report_sent_on=report, expected_version=ver)


class ReviewDecisionDialog(PlanStepDialog):
    step = names.REVIEW_DECISION
    heading = "Review decision"

    def build(self) -> None:
        waiting = waiting_review(self.facts)
        assert waiting is not None and waiting.meeting is not None, "offered only after a meeting"
        self.meeting_day: date = waiting.meeting
        self.choice = Choice(((MAINTAIN, "&Maintain the plan"), (AMEND, "&Amend it"), (CEASE, "&Cease it")), self)
        self.add_row("Decision:", self.choice, ["decision"], accessible="What the review decided")
        self.notified = DateEdit(self.today, self)
        self.add_row("&Notified on:", self.notified, ["notified_on"], accessible="Date the decision was notified")
        self.notice = optional(self, "Sent with the decision on", None)
        self.add_row("Proposed amen&dments:", self.notice, ["amendment_notice_sent"],
                     accessible="Proposed amendments sent with the decision")
        self.choice.changed.connect(self._choice_changed)
        self.notified.dateChanged.connect(self.changed)
        self._choice_changed()

    def _choice_changed(self) -> None:
        amend = self.choice.value() == AMEND
        self.notice.setEnabled(amend)
        if not amend:
            self.notice.set_value(None)
        self.changed()

    def intro_text(self) -> str:
        return (f"The review meeting was held on {long_date(self.meeting_day)}. Record what the council decided "
                "and the day it was notified: that day starts the next 12 months. A decision to amend may go with "
                "the proposed amendments; a decision to cease is the decision to cease the plan (appealable).")

    def missing(self) -> str | None:
        return "Choose what the review decided." if self.choice.value() is None else None

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        notified, notice = self.notified.value(), self.notice.value()
        self.day_problems(p, "notified_on", notified)
        if notified < self.meeting_day:
            p.append(Problem("notified_on", f"{day(notified)} is before the review meeting on "
                                            f"{day(self.meeting_day)}"))
        self.day_problems(p, "amendment_notice_sent", notice)
        if notice is not None and notice < self.meeting_day:
            p.append(Problem("amendment_notice_sent", f"the amendments come from the review meeting on "
                                                      f"{day(self.meeting_day)}"))
        return p

    def meaning(self) -> str:
        decision, notified = self.choice.value(), self.notified.value()
        review = self.plan.review
        assert review is not None
        late = next((m for m in review.steps if m.name == "review_decision"), None)
        words = []
        if late is not None and notified > late.due:
            words.append(f"Notified {days((notified - late.due).days)} after the 4 weeks from the meeting "
                         f"({short_date(late.due)}).")
        decided = ReviewFacts(self.meeting_day, decision=decision, notified=notified)
        others = [r for r in self.facts.reviews if r.notified is not None]
        after = self.would_be(replace(self.facts, reviews=[*others, decided]))
        words.append(f"The next annual review will be due by {long_date(after.review.due)} (12 months starting "
                     f"with {short_date(notified)}).")
        notice = self.notice.value()
        if decision == AMEND and notice is not None:
            a = self.would_be(replace(self.facts, amendments=[AmendmentFacts(notice)])).amendment
            words.append(f"The family may comment on the amendments until {short_date(a.comments_until)}; the final "
                         f"amended plan is due by {short_date(a.final_due)}.")
        elif decision == AMEND:
            words.append("Send the proposed amendments (Send proposed amendments) when they are ready.")
        if decision == CEASE:
            state = cease_state(CeaseFacts(self.meeting_day, notified), self.clocks.rules)
            assert state is not None and state.appeal_until is not None
            words.append(f"This is the decision to cease the plan: the family may appeal until "
                         f"{short_date(state.appeal_until)}, and the plan is kept until then.")
        return " ".join(words)

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        decision, notified, notice = str(self.choice.value()), self.notified.value(), self.notice.value()
        return lambda: plans.record_review_decision(ctx, actor, cid, decision, notified,
                                                    amendment_notice_sent=notice, expected_version=ver)


class AmendmentNoticeDialog(PlanStepDialog):
    step = names.AMENDMENT_NOTICE
    heading = "Send proposed amendments"

    def build(self) -> None:
        self.sent = DateEdit(self.today, self)
        self.add_row("Sen&t on:", self.sent, ["amendment_notice_sent"], accessible="Date the notice was sent")
        self.served = optional(self, "Served on another day", None)
        self.add_row("Ser&ved:", self.served, ["notice_served_on"], accessible="Date the notice was served")
        self.sent.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        return ("Record the notice of proposed amendments sent to the family (reg 22). Their 15 days to comment "
                "begin with the day it is served: the day it is sent, unless you know they had it on another day.")

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "amendment_notice_sent", self.sent.value())
        return p

    def meaning(self) -> str:
        notice = AmendmentFacts(self.sent.value(), self.served.value())
        a = self.would_be(replace(self.facts, amendments=[notice])).amendment
        work_by = f" (work by {short_date(a.work_by)})" if a.work_by != a.final_due else ""
        return (f"The family may comment until {long_date(a.comments_until)}. The final amended plan, or a decision "
                f"not to amend, is due by {long_date(a.final_due)}{work_by}: 8 weeks from the notice.")

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        sent, served = self.sent.value(), self.served.value()
        return lambda: plans.record_amendment_notice(ctx, actor, cid, sent, served_on=served, expected_version=ver)


ISSUED, NOT_AMENDED = "issued", "not_amended"


class AmendedPlanDialog(PlanStepDialog):
    step = names.AMENDED_PLAN
    heading = "Final amended plan"

    def build(self) -> None:
        notice = open_amendment(self.facts)
        assert notice is not None, "offered only while amendments are open"
        self.notice: AmendmentFacts = notice
        self.choice = Choice(((ISSUED, "Final amended plan &issued"), (NOT_AMENDED, "Decided &not to amend")), self)
        self.add_row("Outcome:", self.choice, ["amendment_notice_sent"], accessible="What became of the amendments")
        self.date = DateEdit(self.today, self)
        self.add_row("&On:", self.date, ["issued_on", "not_amended_on"], accessible="Date issued or notified")
        self.choice.changed.connect(self.changed)
        self.date.dateChanged.connect(self.changed)

    def clock(self) -> Any:
        return self.would_be(replace(self.facts, amendments=[self.notice])).amendment

    def intro_text(self) -> str:
        a = self.clock()
        return (f"The proposed amendments were sent on {long_date(a.notice_sent)}. The family may comment until "
                f"{short_date(a.comments_until)}; the final amended plan, or the decision not to amend, is due by "
                f"{long_date(a.final_due)}.")

    def missing(self) -> str | None:
        return "Choose what became of the amendments." if self.choice.value() is None else None

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        field = "not_amended_on" if self.choice.value() == NOT_AMENDED else "issued_on"
        self.day_problems(p, field, self.date.value())
        return p

    def meaning(self) -> str:
        on, a = self.date.value(), self.clock()
        what = "The final amended plan issued" if self.choice.value() == ISSUED else "The decision not to amend"
        if on <= a.final_due:
            return f"{what} on {short_date(on)}: within the 8 weeks (due by {short_date(a.final_due)})."
        return f"{what} on {short_date(on)}: {days((on - a.final_due).days)} late (due by {short_date(a.final_due)})."

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        on, issued = self.date.value(), self.choice.value() == ISSUED
        if issued:
            return lambda: plans.record_amended_plan(ctx, actor, cid, issued_on=on, expected_version=ver)
        return lambda: plans.record_amended_plan(ctx, actor, cid, not_amended_on=on, expected_version=ver)


class YearGroupDialog(PlanStepDialog):
    step = names.YEAR_GROUP
    heading = "Child's year group"

    def build(self) -> None:
        self.offset = QComboBox(self)
        for offset in names.YEAR_GROUP_OFFSETS:
            self.offset.addItem(YEAR_GROUP_WORDS[offset], offset)
        self.offset.setCurrentIndex(self.offset.findData(self.facts.year_group_offset))
        self.add_row("&Year group:", self.offset, ["year_group_offset"], accessible="The year group they are taught in")
        self.offset.currentIndexChanged.connect(self.changed)

    def chosen(self) -> int:
        return int(self.offset.currentData())

    def intro_text(self) -> str:
        return ("A child taught out of their year group moves school phase with the year group they are taught in, "
                "not the one their date of birth gives: their phase transfers move with it.")

    def missing(self) -> str | None:
        return "Choose another year group to change it." if self.chosen() == self.facts.year_group_offset else None

    def meaning(self) -> str:
        cohort = transfer_cohort(self.facts.date_of_birth, self.today, self.chosen(), self.clocks.rules)
        if cohort is None:
            return "No phase transfer is ahead for this year group."
        return (f"The next phase transfer: {cohort.year_group} in September {cohort.transfer_date.year}; the plan "
                f"naming the next setting is due by {long_date(cohort.due)}.")

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        offset = self.chosen()
        return lambda: plans.set_year_group_offset(ctx, actor, cid, offset, expected_version=ver)


PLAN_DIALOGS: dict[str, type[PlanStepDialog]] = {
    names.REVIEW_MEETING: ReviewMeetingDialog,
    names.REVIEW_DECISION: ReviewDecisionDialog,
    names.AMENDMENT_NOTICE: AmendmentNoticeDialog,
    names.AMENDED_PLAN: AmendedPlanDialog,
    names.RECORD_TRANSFER: RecordTransferDialog,
    names.TRANSFER_CONSULTATION: TransferConsultationDialog,
    names.TRANSFER_REPLY: TransferReplyDialog,
    names.TRANSFER_DONE: TransferDoneDialog,
    names.PROPOSE_CEASE: ProposeCeaseDialog,
    names.DECIDE_CEASE: DecideCeaseDialog,
    names.CEASE_APPEAL: CeaseAppealDialog,
    names.WITHDRAW_CEASE: WithdrawCeaseDialog,
    names.CEASE_PLAN: CeasePlanDialog,
    names.YEAR_GROUP: YearGroupDialog,
    names.CORRECT_PLAN_DATE: CorrectPlanDateDialog,
}


def make_plan_dialog(name: str, desktop: DesktopContext, detail: CaseDetail,
                     parent: QWidget | None = None) -> PlanStepDialog:
    """The form for plan step ``name`` on ``detail`` (a case with a plan in place)."""
    return PLAN_DIALOGS[name](desktop, detail, parent)


__all__ = ["PLAN_DIALOGS", "AmendedPlanDialog", "AmendmentNoticeDialog", "ReviewDecisionDialog",
           "ReviewMeetingDialog", "YearGroupDialog", "make_plan_dialog"]

