"""Which form records which step: the names the Case menu and the case record use."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from caseworker.statutory import preconditions as step_rules
from caseworker.views.case_detail import CaseDetail
from ui.context import DesktopContext
from ui.dialogs.advice import AdviceReceivedDialog, RequestAdviceDialog
from ui.dialogs.base import StepDialog
from ui.dialogs.correct_step import CorrectStepDialog, UndoStepDialog, can_correct, can_undo
from ui.dialogs.decisions import (
    DecisionToAssessDialog,
    DecisionToIssueDialog,
    DraftSentDialog,
    FinalPlanDialog,
    WithdrawDialog,
)
from ui.dialogs.excuses import AdviceExcuseDialog, ExceptionDialog, excusable

STEP_DIALOGS: dict[str, type[StepDialog]] = {
    "decision_to_assess": DecisionToAssessDialog,
    "request_advice": RequestAdviceDialog,
    "advice_received": AdviceReceivedDialog,
    "excuse_advice": AdviceExcuseDialog,
    "decision_to_issue": DecisionToIssueDialog,
    "draft_sent": DraftSentDialog,
    "final_plan": FinalPlanDialog,
    "exception": ExceptionDialog,
    "withdraw": WithdrawDialog,
    "correct_step": CorrectStepDialog,
    "undo_step": UndoStepDialog,
}


def make_step_dialog(name: str, desktop: DesktopContext, detail: CaseDetail,
                     parent: QWidget | None = None, *, advice_id: int | None = None) -> StepDialog:
    """The form for step ``name`` on ``detail`` (``advice_id`` picks the advice a receipt or excuse is for)."""
    cls = STEP_DIALOGS[name]
    if cls is AdviceReceivedDialog:
        return AdviceReceivedDialog(desktop, detail, parent, advice_id=advice_id)
    if cls is AdviceExcuseDialog:
        return AdviceExcuseDialog(desktop, detail, parent, advice_id=advice_id)
    return cls(desktop, detail, parent)


def available_steps(detail: CaseDetail | None) -> set[str]:
    """The steps that make sense at the case's current stage (for buttons and the Case menu)."""
    if detail is None or detail.deadlines is None:
        return set()
    steps = step_rules.available_steps(detail.deadlines.facts)
    if detail.deadlines.is_open and excusable(detail):
        steps.add("excuse_advice")
    steps |= {name for name, possible in (("correct_step", can_correct), ("undo_step", can_undo)) if possible(detail)}
    return steps
