"""Which maintained plans may have work on My day, in one query, before the bulk read.

A large council holds 20,000 plans; most have nothing to do this week (a review decided in the last
ten months, no amendment, transfer or cease under way). Reading only the others keeps the whole team's
My day quick. The test here is wider than My day's own (a superset): the plan clocks decide the rest.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from caseworker.store.plan_reads import ISSUED_SQL
from caseworker.store.reads import Dialect

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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


def plans_maybe_with_work(session: Session, review_started_by: date, caseworker: str | None = None) -> list[int]:
    """The cases whose plan's review clock started on or before ``review_started_by`` (so its review may
    be due soon or overdue), or with a review, amendment, transfer or cease under way; one caseworker's
    when named."""
    d = Dialect(session.get_bind().dialect.name)
    conn: Any = session.connection().connection.driver_connection
    day: Any = review_started_by.isoformat() if d.name == "sqlite" else review_started_by
    where = [ISSUED_SQL]
    params: list[Any] = []
    if caseworker is not None:
        where.append(f"c.caseworker_id = (SELECT id FROM staff WHERE username = {d.mark})")
        params.append(caseworker)
    review_due = f"(c.final_issued_on <= {d.mark} AND COALESCE({_LATEST_DECISION}, c.final_issued_on) <= {d.mark})"
    params += [day, day]
    where.append("(" + " OR ".join((review_due, *_UNDER_WAY)) + ")")
    cur = conn.cursor()
    try:
        cur.execute("SELECT c.id FROM ehc_case c WHERE " + " AND ".join(where), params)
        return [row[0] for row in cur.fetchall()]
    finally:
        cur.close()
