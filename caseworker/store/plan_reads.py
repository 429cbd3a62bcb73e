"""Maintained plans as the engine reads them (``PlanFacts``), over the database driver.

A plan is maintained from the day it is issued until the day it is ceased. The plans report reads
every one of a large council's 20,000 at once, and a desktop reads them over a council's network where
each statement is a round trip: so this is one statement (the plans with their caseworker and setting,
and their reviews, amendments, transfers and proposals to cease in one UNION ALL, a ceased plan being
passed over once its cease is read), however many plans there are, and no ORM. The statement is written
as Core selects in ``plan_selects``: the desktop runs them through its session, the headless report their
SQL text kept in ``plan_sql.py``, so that it never loads SQLAlchemy (docs/read-path.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from caseworker.statutory.engine import collector_paused
from caseworker.statutory.plan_facts import (
    AmendmentFacts,
    CeaseFacts,
    PlanFacts,
    ReviewFacts,
    SettingFacts,
    TransferFacts,
)
from caseworker.store.plan_sql import STATEMENTS
from caseworker.store.reads import Dialect

if TYPE_CHECKING:  # the report's command reads through the driver and never loads SQLAlchemy
    from sqlalchemy.orm import Session

    from caseworker.store.plan_work_reads import Among


def load_plan_facts(conn: Any, d: Dialect, *, caseworker: str | None = None) -> list[PlanFacts]:
    """Every maintained plan (or one caseworker's), with what has happened to it, sorted by reference, from
    a DB-API connection (the headless report's)."""
    with collector_paused():
        cur = conn.cursor()
        try:
            cur.execute(STATEMENTS[(d.name, caseworker is not None)],
                        {} if caseworker is None else {"caseworker": caseworker})
            return read_rows(cur, d)
        finally:
            cur.close()


def plan_facts(session: Session, *, caseworker: str | None = None, case_ids: Sequence[int] | None = None,
               among: Among | None = None, latest_reviews: bool = False) -> list[PlanFacts]:
    """Every maintained plan (or those of ``case_ids``, or one caseworker's, or those passing the test
    ``among`` on ``ehc_case``, given with its parameters), as ``load_plan_facts`` reads them, through an ORM
    session's own connection (inside its transaction). The rows are taken from the driver's cursor: no
    SQLAlchemy row per plan. ``latest_reviews``: only the reviews the plans' schedule reads (not decided, or
    decided last), not each plan's history of them."""
    from caseworker.store.plan_selects import plan_rows

    stmt = plan_rows(by_caseworker=caseworker is not None, by_case_ids=case_ids is not None,
                     among=None if among is None else among[0], latest_reviews=latest_reviews)
    params: dict[str, Any] = {} if among is None else dict(among[1])
    if caseworker is not None:
        params["caseworker"] = caseworker
    if case_ids is not None:
        params["case_ids"] = list(case_ids)
    with collector_paused():
        result = session.connection().execute(stmt, params)
        try:
            return read_rows(result.cursor, Dialect(session.get_bind().dialect.name))
        finally:
            result.close()


def read_rows(cur: Any, d: Dialect) -> list[PlanFacts]:
    """The plans from a cursor that has run the plans' statement (``plan_selects.plan_rows``), its rows in
    any order."""
    day = d.day_reader()
    by_id: dict[int, PlanFacts] = {}
    settings: dict[tuple[Any, ...], SettingFacts] = {}
    later: list[tuple[Any, ...]] = []  # rows of a plan not read yet (the branches may come in any order)
    ceased: set[int] = set()
    for row in _rows(cur, d):
        if row[0] != 0:
            if row[1] in by_id:
                _attach(row, by_id[row[1]], day, ceased)
            else:
                later.append(row)
            continue
        _, cid, _, offset, issued, born, _, _, _, _, ref, forename, surname, username, urn, name, kind = row
        setting = None
        if name is not None:  # a setting is shared by many plans: one object each
            setting = settings.get((urn, name, kind))
            if setting is None:
                setting = settings[(urn, name, kind)] = SettingFacts(urn, name, kind or "")
        by_id[cid] = PlanFacts(ref, day(issued), day(born), f"{forename} {surname}", username, setting, [], [],
                               None, None, offset or 0, cid)
    for row in later:
        if row[1] in by_id:
            _attach(row, by_id[row[1]], day, ceased)
    plans = [p for p in by_id.values() if p.case_id not in ceased]
    # Sorted here, a plan's few rows at a time: cheaper than having the database sort every row.
    for p in plans:
        if len(p.reviews) > 1:
            p.reviews.sort(key=review_order)
        if len(p.amendments) > 1:
            p.amendments.sort(key=amendment_order)
    plans.sort(key=lambda p: p.reference)
    return plans


def _rows(cur: Any, d: Dialect) -> Iterable[tuple[Any, ...]]:
    """The rows as they come: sqlite3 steps through them in C; psycopg takes a Python call a row, so from
    it in batches (one call each), never every plan's rows held at once (the plans report's memory)."""
    if d.name == "sqlite":
        return cast("Iterable[tuple[Any, ...]]", cur)
    return (row for batch in iter(lambda: cur.fetchmany(5000), []) for row in batch)


def _attach(row: tuple[Any, ...], plan: PlanFacts, day: Callable[[Any], Any], ceased: set[int]) -> None:
    """A review, amendment, transfer or cease on its plan; a plan ceased goes into ``ceased``."""
    tag, cid, rid, number, d1, d2, d3, d4, d5, d6, t1, *_ = row
    if tag == 1:
        plan.reviews.append(ReviewFacts(day(d1), day(d2), day(d3), t1, day(d4), rid))
    elif tag == 2:
        plan.amendments.append(AmendmentFacts(day(d1), day(d2), day(d3), day(d4), rid))
    elif tag == 3:
        moved = day(d1)
        if plan.transfer is None or (plan.transfer.transfer_date, plan.transfer.id or 0) < (moved, rid):
            plan.transfer = TransferFacts(t1, moved, day(d2), day(d3), day(d4), rid)
    else:
        if plan.cease is None or (plan.cease.id or 0) < rid:
            plan.cease = CeaseFacts(day(d1), day(d2), day(d3), day(d4), day(d5), number, day(d6), rid)
        if d5 is not None:
            ceased.add(cid)


def review_order(r: ReviewFacts) -> tuple[Any, ...]:
    """Oldest first: by the day decided (a review still waiting for its decision last), then its meeting."""
    return (r.notified is None, r.notified or date.min, r.meeting is None, r.meeting or date.min, r.id or 0)


def amendment_order(a: AmendmentFacts) -> tuple[Any, ...]:
    return a.notice_sent, a.id or 0


def plan_of_case(session: Session, case_id: int) -> PlanFacts | None:
    """One case's plan, or None when it has no maintained plan (not issued yet, or ceased)."""
    found = plan_facts(session, case_ids=[case_id])
    return found[0] if found else None
