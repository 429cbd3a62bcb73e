"""Which maintained plans may have work on My day: a test the bulk read applies in its one statement.

A large council holds 20,000 plans; most have nothing to do this week (a review decided in the last
ten months, no amendment, transfer or cease under way). Reading only the others keeps the whole team's
My day quick. The test here is wider than My day's own (a superset): the plan clocks decide the rest.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caseworker.store.reads import Dialect

_LATEST_DECISION = "(SELECT MAX(r.notified_on) FROM plan_review r WHERE r.case_id = c.id)"
_UNDER_WAY = (
    "EXISTS (SELECT 1 FROM plan_review r WHERE r.case_id = c.id AND r.meeting_on IS NOT NULL"
    " AND r.notified_on IS NULL)",
    "EXISTS (SELECT 1 FROM plan_amendment a WHERE a.case_id = c.id AND a.final_issued_on IS NULL"
    " AND a.not_amended_on IS NULL)",
    "EXISTS (SELECT 1 FROM phase_transfer t WHERE t.case_id = c.id AND t.done_on IS NULL)",
    "EXISTS (SELECT 1 FROM plan_cease p WHERE p.case_id = c.id AND p.decided_on IS NOT NULL"
    " AND p.ceased_on IS NULL AND p.withdrawn_on IS NULL)",
)


def maybe_with_work(d: Dialect, review_started_by: date) -> tuple[str, list[Any]]:
    """The test, on a case ``c``, that its plan's review clock started on or before ``review_started_by``
    (so its review may be due soon or overdue), or that a review, amendment, transfer or cease is under
    way: SQL and its parameters, for the bulk read to apply in its own statement (``plan_reads``)."""
    day: Any = review_started_by.isoformat() if d.name == "sqlite" else review_started_by
    review_due = f"(c.final_issued_on <= {d.mark} AND COALESCE({_LATEST_DECISION}, c.final_issued_on) <= {d.mark})"
    return "(" + " OR ".join((review_due, *_UNDER_WAY)) + ")", [day, day]
