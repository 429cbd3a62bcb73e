"""Which maintained plans may have work on My day: a test the plans' read applies in its one statement.

A large council holds 20,000 plans; most have nothing to do this week (a review decided in the last
ten months, no amendment, transfer or cease under way). Reading only the others keeps the whole team's
My day quick. The test here is wider than My day's own (a superset): the plan clocks decide the rest.

It is written as one list of cases (a UNION of plain selects, each a join the database does once), not as
a test with subqueries run for each case: PostgreSQL costed the per-case form at a million and compiled the
statement with JIT each time, 1.9 s of a 2 s statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_, select, union
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from caseworker.store.models import Case, Child
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview


def _review_may_be_due(started_by: date) -> Any:
    """The review clock started on or before the day: the plan issued by then, no review decided after it."""
    issued, decided = aliased(Case, name="i"), aliased(PlanReview, name="d")
    later = select(decided.id).where(decided.case_id == issued.id, decided.notified_on > started_by).exists()
    return select(issued.id).where(issued.final_issued_on <= started_by, ~later)


def _under_way() -> list[Any]:
    """A review met and not decided, an amendment not answered, a transfer not done, a cease decided but
    neither ceased nor withdrawn."""
    r, a, t, p = (aliased(PlanReview, name="r"), aliased(PlanAmendment, name="a"),
                  aliased(PhaseTransfer, name="t"), aliased(PlanCease, name="p"))
    return [
        select(r.case_id).where(r.meeting_on.is_not(None), r.notified_on.is_(None)),
        # A final plan or a decision dated before the notice does not answer it (the plan clocks' own rule).
        select(a.case_id).where(or_(a.final_issued_on.is_(None), a.final_issued_on < a.notice_sent_on),
                                or_(a.not_amended_on.is_(None), a.not_amended_on < a.notice_sent_on)),
        select(t.case_id).where(t.done_on.is_(None)),
        select(p.case_id).where(p.decided_on.is_not(None), p.ceased_on.is_(None), p.withdrawn_on.is_(None)),
    ]


def maybe_with_work(review_started_by: date, born: Sequence[tuple[date, date]] = ()) -> ColumnElement[bool]:
    """The test, on a case (``ehc_case``), that its plan's review clock started on or before
    ``review_started_by`` (issued then, and no review decided since: so its review may be due soon or
    overdue), or that a review, amendment, transfer or cease is under way, for the plans' read to apply in
    its own statement (``plan_selects``). ``born``: ranges of dates of birth whose phase transfer may be
    at risk before it is recorded on the plan (``cohort.born_to_move_soon``)."""
    selects = [_review_may_be_due(review_started_by), *_under_way()]
    if born:
        i, h = aliased(Case, name="i"), aliased(Child, name="h")
        selects.append(select(i.id).join(h, h.id == i.child_id)
                       .where(or_(*(h.date_of_birth.between(first, last) for first, last in born))))
    return Case.id.in_(union(*selects))
