"""The date a decision letter carries: the day its decision is recorded as notified (docs/law.md#letter-dates).

A request's decisions are recorded on the case (``services.notification`` can record a new day); a plan's
on the plan (``services.plan_letters``), where a different day is corrected. A letter made after that day
keeps it, and the caseworker is warned (``LateNotification``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from caseworker.letters.words import short_date
from caseworker.services.notification import NOTIFIED_ON
from caseworker.services.plan_letters import PLAN_NOTIFIED_WORDS, PLAN_NOTIFIES, plan_notification

if TYPE_CHECKING:
    from caseworker.services.letters import LetterRequest
    from caseworker.views.letter_recipients import CaseLetters

# Decision letters, and the decision whose notification date each carries (services.notification).
NOTIFIES = {"decision_to_assess": "decision_to_assess", "decision_not_to_assess": "decision_to_assess",
            "decision_not_to_issue": "decision_to_issue", "final_plan_cover": "final_plan"}
NOTIFIED_WORDS = {"decision_to_assess": "the decision on whether to assess", "decision_to_issue":
                  "the decision not to issue a plan", "final_plan": "the final plan", **PLAN_NOTIFIED_WORDS}


def recorded_notification(case: CaseLetters, template_id: str) -> date | None:
    """The day the decision a letter tells of is recorded as notified (None: not a decision letter)."""
    if template_id in PLAN_NOTIFIES:
        return plan_notification(case.plan, template_id)
    decision = NOTIFIES.get(template_id)
    detail = case.detail
    if decision == "final_plan":
        return detail.final_issued
    if decision is None or detail.deadlines is None:
        return None
    f = detail.deadlines.facts
    return f.decision_to_assess_on if decision == "decision_to_assess" else f.decision_to_issue_on


@dataclass(frozen=True, slots=True)
class LateNotification:
    """A decision letter made on a later day than the day its decision is recorded as notified."""

    template_id: str
    decision: str  # decision_to_assess, decision_to_issue, final_plan, or a plan decision (PLAN_NOTIFIES)
    recorded: date
    today: date

    @property
    def recordable(self) -> bool:
        """Whether the letter can record a new notification date (a plan's dates are corrected on the plan)."""
        return self.decision in NOTIFIED_ON

    @property
    def message(self) -> str:
        words = NOTIFIED_WORDS[self.decision]
        instead = (f"record {short_date(self.today)} as the notification date instead" if self.recordable else
                   "correct the date recorded on the plan first")
        return (f"{words} is recorded as notified on {short_date(self.recorded)}, so this letter is dated "
                f"{short_date(self.recorded)} and the appeal window runs from that day; if the family is told only "
                f"now, {instead}")


def late_notification(case: CaseLetters, request: LetterRequest, today: date) -> LateNotification | None:
    """The warning for a decision letter made after its recorded notification date (None: no warning)."""
    recorded = recorded_notification(case, request.template_id)
    if recorded is None or request.notified_on is not None or recorded >= today:
        return None
    decision = NOTIFIES.get(request.template_id) or PLAN_NOTIFIES[request.template_id]
    return LateNotification(request.template_id, decision, recorded, today)
