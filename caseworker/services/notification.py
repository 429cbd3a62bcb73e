"""The day a decision was notified to the family: decision letters are dated with it and the appeal
window runs from it (docs/law.md#letters). When a letter goes out later than the decision was recorded,
the notification date moves to the day the family is actually told; the change is audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import Problem, ValidationError
from caseworker.services.actor import Actor
from caseworker.services.casefile import change_case
from caseworker.store.models import Case

# The decision, and the case column holding the day it was notified.
NOTIFIED_ON = {"decision_to_assess": "decision_to_assess_on", "decision_to_issue": "decision_to_issue_on",
               "final_plan": "final_issued_on"}


def notified_on(case: Case, decision: str) -> date | None:
    return getattr(case, NOTIFIED_ON[decision])  # type: ignore[no-any-return]


def record_notification_date(ctx: AppContext, actor: Actor, case_id: int, decision: str, on: date, *,
                             expected_version: int | None = None) -> int:
    """Record ``on`` as the day ``decision`` was notified. Returns the case's new version."""
    if decision not in NOTIFIED_ON:
        raise ValidationError(Problem("decision", f"{decision!r} is not a decision the family is notified of"))

    def change(_s: Session, case: Case) -> None:
        if notified_on(case, decision) is None:
            raise ValidationError(Problem("notified_on", "record the decision itself first"))
        setattr(case, NOTIFIED_ON[decision], on)

    return change_case(ctx, actor, case_id, f"record_notification_date_{decision}", change,
                       expected_version=expected_version)
