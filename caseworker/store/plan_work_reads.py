"""Which maintained plans may have work on My day: a test the bulk read applies in its one statement.

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

from caseworker.store.reads import Dialect

# The review clock started on or before the day (the plan issued by then, no review decided after it).
_REVIEW_MAY_BE_DUE = (
    "SELECT i.id FROM ehc_case i WHERE i.final_issued_on <= {mark} AND NOT EXISTS"
    " (SELECT 1 FROM plan_review d WHERE d.case_id = i.id AND d.notified_on > {mark})")
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


def maybe_with_work(d: Dialect, review_started_by: date,
                    born: Sequence[tuple[date, date]] = ()) -> tuple[str, list[Any]]:
    """The test, on a case ``c``, that its plan's review clock started on or before ``review_started_by``
    (issued then, and no review decided since: so its review may be due soon or overdue), or that a
    review, amendment, transfer or cease is under way: SQL and its parameters, for the bulk read to apply
    in its own statement (``plan_reads``). ``born``: ranges of dates of birth whose phase transfer may be
    at risk before it is recorded on the plan (``cohort.born_to_move_soon``)."""
    def value(d_: date) -> Any:
        return d_.isoformat() if d.name == "sqlite" else d_

    selects, params = [_REVIEW_MAY_BE_DUE.format(mark=d.mark), *_UNDER_WAY], [value(review_started_by)] * 2
    if born:
        between = " OR ".join([f"h.date_of_birth BETWEEN {d.mark} AND {d.mark}"] * len(born))
        selects.append(f"SELECT i.id FROM ehc_case i JOIN child h ON h.id = i.child_id WHERE {between}")
        params += [value(day) for pair in born for day in pair]
    return f"c.id IN ({' UNION '.join(selects)})", params
