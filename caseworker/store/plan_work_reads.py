"""Which maintained plans may have work on My day: a test the bulk read applies in its one statement.

A large council holds 20,000 plans; most have nothing to do this week (a review decided in the last
ten months, no amendment, transfer or cease under way). Reading only the others keeps the whole team's
My day quick. The test here is wider than My day's own (a superset): the plan clocks decide the rest.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caseworker.store.reads import Dialect

# Each test reads its table once for every plan (a set the database builds once), not once per plan.
_DECIDED_SINCE = "c.id NOT IN (SELECT r.case_id FROM plan_review r WHERE r.notified_on > {mark})"
_UNDER_WAY = (
    "SELECT r.case_id FROM plan_review r WHERE r.meeting_on IS NOT NULL AND r.notified_on IS NULL",
    # A final plan or a decision dated before the notice does not answer it (the plan clocks' own rule).
    "SELECT a.case_id FROM plan_amendment a"
    " WHERE (a.final_issued_on IS NULL OR a.final_issued_on < a.notice_sent_on)"
    " AND (a.not_amended_on IS NULL OR a.not_amended_on < a.notice_sent_on)",
    "SELECT t.case_id FROM phase_transfer t WHERE t.done_on IS NULL",
    "SELECT p.case_id FROM plan_cease p WHERE p.decided_on IS NOT NULL AND p.ceased_on IS NULL"
    " AND p.withdrawn_on IS NULL",
)


def maybe_with_work(d: Dialect, review_started_by: date) -> tuple[str, list[Any]]:
    """The test, on a case ``c``, that its plan's review clock started on or before ``review_started_by``
    (issued then, and no review decided since: so its review may be due soon or overdue), or that a
    review, amendment, transfer or cease is under way: SQL and its parameters, for the bulk read to apply
    in its own statement (``plan_reads``)."""
    day: Any = review_started_by.isoformat() if d.name == "sqlite" else review_started_by
    review_due = f"(c.final_issued_on <= {d.mark} AND {_DECIDED_SINCE.format(mark=d.mark)})"
    return f"({review_due} OR c.id IN ({' UNION ALL '.join(_UNDER_WAY)}))", [day, day]
