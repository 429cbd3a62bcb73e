"""Correct a notified date on a plan in place, always with a reason (the plan's twin of corrections.py).

The dates a plan's clocks and letters run from: the review meeting held, the review decision notified,
the proposed amendments sent, the final amended plan issued, the decision to cease notified, the amended
plan naming the next setting issued. A slip in one moves the next review, an appeal window or a
transfer's state, and a letter already made states it, so it is changed only here: checked like the step
that recorded it, in one transaction with the case's version, and audited as ``correct_plan_date`` with
the value before and after keyed as letters key what they state (``review:7.notified_on``), the step and
the reason. The chronology shows old and new; the letter log flags each letter resting on the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import Problem, ValidationError
from caseworker.letters.rests_on import row_key
from caseworker.services.actor import Actor
from caseworker.services.plans import Change, change_plan, check_day, day, refuse
from caseworker.statutory.plan_facts import PlanFacts
from caseworker.store.models import Case
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview

CORRECT_PLAN_DATE = "correct_plan_date"
LONGEST_REASON = 500


@dataclass(frozen=True, slots=True)
class PlanDate:
    """A notified plan date a correction may change: where it is stored and what a caseworker calls it."""

    model: Any
    kind: str  # as letters key it: review, amendment, cease, transfer
    column: str
    what: str
    ahead: bool = False  # may be a day still to come (a meeting arranged)


PLAN_DATES: dict[str, PlanDate] = {
    "review_meeting": PlanDate(PlanReview, "review", "meeting_on", "the review meeting", ahead=True),
    "review_notified": PlanDate(PlanReview, "review", "notified_on", "the review decision"),
    "amendment_notice": PlanDate(PlanAmendment, "amendment", "notice_sent_on", "the proposed amendments"),
    "amended_plan": PlanDate(PlanAmendment, "amendment", "final_issued_on", "the final amended plan"),
    "cease_decision": PlanDate(PlanCease, "cease", "decided_on", "the decision to cease the plan"),
    "transfer_named": PlanDate(PhaseTransfer, "transfer", "done_on", "the amended plan naming the next setting"),
}
# The dates each may not come before (its own row's), and those it may not come after.
NOT_BEFORE: dict[str, tuple[str, ...]] = {"notified_on": ("meeting_on",), "final_issued_on": ("notice_sent_on",),
                                          "decided_on": ("proposed_on",)}
NOT_AFTER: dict[str, tuple[str, ...]] = {"meeting_on": ("notified_on",),
                                         "notice_sent_on": ("notice_served_on", "final_issued_on"),
                                         "decided_on": ("appeal_lodged_on", "ceased_on")}


def correct_plan_date(ctx: AppContext, actor: Actor, case_id: int, step: str, row_id: int, new: date, reason: str,
                      *, expected_version: int | None = None) -> int:
    """Change the recorded date of ``step`` (a key of PLAN_DATES) on its row ``row_id`` to ``new``, for
    ``reason``. Returns the case's new version; nothing is written on a refusal."""
    where = PLAN_DATES.get(step)
    if where is None:
        raise ValidationError(Problem("step", f"{step!r} is not a plan date that can be corrected (use "
                                              f"{', '.join(PLAN_DATES)})"))
    why = " ".join(reason.split())
    if not why:
        raise ValidationError(Problem("reason", "give the reason for the correction: the history keeps it"))
    if len(why) > LONGEST_REASON:
        raise ValidationError(Problem("reason", f"the reason is {len(why)} characters long; keep it to "
                                                f"{LONGEST_REASON}"))
    today = ctx.today()

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        row = s.get(where.model, row_id)
        if row is None or row.case_id != case_id:
            raise ValidationError(Problem("step", f"{where.what} ({row_id}) is not on this plan"))
        old = getattr(row, where.column)
        if old is None:
            raise ValidationError(Problem(where.column, f"{where.what} has no date on record to correct: record "
                                                        "the step itself"))
        p: list[Problem] = []
        if new == old:
            p.append(Problem(where.column, f"{day(new)} is the date already recorded"))
        check_day(p, where.column, new, plan, today, ahead=where.ahead)
        _in_order(p, row, where, new)
        refuse(p)
        setattr(row, where.column, new)
        key = row_key(where.kind, row.id, where.column)
        return Change(where.model.__tablename__, row.id, {key: old},
                      {key: new, "step": step, "what": where.what, "reason": why})

    return change_plan(ctx, actor, case_id, CORRECT_PLAN_DATE, change, expected_version=expected_version)


def _in_order(p: list[Problem], row: Any, where: PlanDate, new: date) -> None:
    """The corrected date keeps its row in order (a decision after its meeting, a notice before its plan)."""
    for other in NOT_BEFORE.get(where.column, ()):
        was = getattr(row, other, None)
        if was is not None and new < was:
            p.append(Problem(where.column, f"{day(new)} is before the {other.replace('_', ' ')} ({day(was)})"))
    for other in NOT_AFTER.get(where.column, ()):
        was = getattr(row, other, None)
        if was is not None and new > was:
            p.append(Problem(where.column, f"{day(new)} is after the {other.replace('_', ' ')} ({day(was)})"))


@dataclass(frozen=True, slots=True)
class RecordedPlanDate:
    """A notified date on record that ``correct_plan_date`` may change, as the form offers it."""

    step: str  # a key of PLAN_DATES
    row_id: int
    value: date
    words: str  # "The review decision (review meeting 20 Apr 2026): 21 May 2026"


def plan_dates_on_record(plan: PlanFacts) -> list[RecordedPlanDate]:
    """Every notified date on the plan that can be corrected, the latest of each kind first."""
    found: list[RecordedPlanDate] = []

    def add(step: str, row_id: int | None, value: date | None, about: str = "") -> None:
        if row_id is not None and value is not None:
            what = PLAN_DATES[step].what
            found.append(RecordedPlanDate(step, row_id, value, f"{what[:1].upper()}{what[1:]}{about}: {day(value)}"))

    for r in reversed(plan.reviews):
        add("review_meeting", r.id, r.meeting)
        add("review_notified", r.id, r.notified, f" (meeting {day(r.meeting)})" if r.meeting else "")
    for a in sorted(plan.amendments, key=lambda a: a.notice_sent, reverse=True):
        add("amendment_notice", a.id, a.notice_sent)
        add("amended_plan", a.id, a.final_issued, f" (notice {day(a.notice_sent)})")
    if plan.cease is not None:
        add("cease_decision", plan.cease.id, plan.cease.decided)
    if plan.transfer is not None:
        add("transfer_named", plan.transfer.id, plan.transfer.done)
    return found
