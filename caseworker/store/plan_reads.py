"""Maintained plans as the engine reads them (``PlanFacts``), in plain SQL over the database driver.

A plan is maintained from the day it is issued until the day it is ceased. The plans report reads
every one of a large council's 20,000 at once, and a desktop reads them over a council's network where
each statement is a round trip: so this is one statement (the plans with their caseworker and setting,
and their reviews, amendments, transfers and proposals to cease in one UNION ALL, a ceased plan being
passed over once its cease is read), however many plans there are, and no ORM. The ORM code reaches it
through its session's connection.
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
from caseworker.store.reads import Dialect

if TYPE_CHECKING:  # the report's command reads through the driver and never loads SQLAlchemy
    from sqlalchemy.orm import Session

ISSUED_SQL = "c.final_issued_on IS NOT NULL"


def _filters(d: Dialect, caseworker: str | None, case_ids: Sequence[int] | None,
             among: tuple[str, list[Any]] | None) -> tuple[str, list[Any]]:
    where = [ISSUED_SQL]
    params: list[Any] = []
    if caseworker is not None:
        where.append(f"c.caseworker_id = (SELECT id FROM staff WHERE username = {d.mark})")
        params.append(caseworker)
    if case_ids is not None:
        ids = list(case_ids) or [0]
        where.append(f"c.id IN ({', '.join([d.mark] * len(ids))})")
        params.extend(ids)
    if among is not None:  # a further test on the case (``plan_work_reads``), written against ``c``
        where.append(among[0])
        params.extend(among[1])
    return " AND ".join(where), params


def load_plan_facts(conn: Any, d: Dialect, *, caseworker: str | None = None,
                    case_ids: Sequence[int] | None = None,
                    among: tuple[str, list[Any]] | None = None) -> list[PlanFacts]:
    """Every maintained plan (or those of ``case_ids``, or one caseworker's, or those passing the SQL test
    ``among``), with what has happened to it, sorted by reference."""
    with collector_paused():
        return _load(conn, d, caseworker, case_ids, among)


# One statement: the plans (with their caseworker and named setting joined) and every row of their
# reviews, amendments, transfers and proposals to cease, in one shape (tag, case, row id, a number, six
# dates, seven texts). The NULLs are typed: PostgreSQL must know each column's type in every branch.
_NO_DATE, _NO_TEXT, _NO_NUMBER = "CAST(NULL AS DATE)", "CAST(NULL AS VARCHAR)", "CAST(NULL AS INTEGER)"


def _pad(values: list[str], size: int, empty: str) -> str:
    return ", ".join(values + [empty] * (size - len(values)))


def _branch(tag: int, table: str, number: str, dates: list[str], texts: list[str]) -> str:
    return (f"SELECT {tag}, x.case_id, x.id, {number}, {_pad(dates, 6, _NO_DATE)}, {_pad(texts, 7, _NO_TEXT)}"
            f" FROM {table} x")


_HEADER = ("SELECT 0, c.id, c.id, ch.year_group_offset, c.final_issued_on, ch.date_of_birth, "
           + _pad([], 4, _NO_DATE) + ", c.reference, ch.forename, ch.surname, s.username, sc.urn, sc.name, sc.kind"
           " FROM ehc_case c JOIN child ch ON ch.id = c.child_id LEFT JOIN staff s ON s.id = c.caseworker_id"
           " LEFT JOIN school sc ON sc.id = c.named_setting_id WHERE ")
_REVIEWS = _branch(1, "plan_review", _NO_NUMBER,
                   ["x.meeting_on", "x.invitations_sent_on", "x.report_sent_on", "x.notified_on"], ["x.decision"])
_AMENDMENTS = _branch(2, "plan_amendment", _NO_NUMBER,
                      ["x.notice_sent_on", "x.notice_served_on", "x.final_issued_on", "x.not_amended_on"], [])
_TRANSFERS = _branch(3, "phase_transfer", _NO_NUMBER,
                     ["x.transfer_date", "x.consultation_sent_on", "x.setting_replied_on", "x.done_on"], ["x.kind"])
_CEASES = _branch(4, "plan_cease", "x.reason",
                  ["x.proposed_on", "x.decided_on", "x.appeal_lodged_on", "x.appeal_concluded_on", "x.ceased_on",
                   "x.withdrawn_on"], [])


def _statement(where: str, chosen: bool) -> str:
    """Every plan's rows when all plans are read (the database need not work the plans out for each table);
    otherwise the chosen plans are worked out once, as a materialised list of their cases that the plans and
    each table's rows are matched against (written out in each branch, the test ran five times: My day's
    test of which plans may have work, with its subqueries per plan, made that a third of a second)."""
    branches = (_REVIEWS, _AMENDMENTS, _TRANSFERS, _CEASES)
    if not chosen:
        return " UNION ALL ".join([_HEADER + where, *branches])
    rows_of = " WHERE x.case_id IN (SELECT id FROM chosen)"
    return (f"WITH chosen AS MATERIALIZED (SELECT c.id FROM ehc_case c WHERE {where}) "
            + " UNION ALL ".join([_HEADER + "c.id IN (SELECT id FROM chosen)", *(b + rows_of for b in branches)]))


def _load(conn: Any, d: Dialect, caseworker: str | None, case_ids: Sequence[int] | None,
          among: tuple[str, list[Any]] | None) -> list[PlanFacts]:
    where, params = _filters(d, caseworker, case_ids, among)
    cur = conn.cursor()
    cur.execute(_statement(where, chosen=caseworker is not None or case_ids is not None or among is not None),
                params)
    day = _dates(d)
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
    cur.close()
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


def _dates(d: Dialect) -> Callable[[Any], Any]:
    """How a driver's dates become ``date``, for the 250,000 dates of a large council's plans."""
    return d.day_reader()


def plan_facts(session: Session, *, caseworker: str | None = None, case_ids: Sequence[int] | None = None,
               among: tuple[str, list[Any]] | None = None) -> list[PlanFacts]:
    """``load_plan_facts`` through an ORM session's own connection (inside its transaction)."""
    conn = session.connection().connection.driver_connection
    return load_plan_facts(conn, Dialect(session.get_bind().dialect.name), caseworker=caseworker,
                           case_ids=case_ids, among=among)


def plan_of_case(session: Session, case_id: int) -> PlanFacts | None:
    """One case's plan, or None when it has no maintained plan (not issued yet, or ceased)."""
    found = plan_facts(session, case_ids=[case_id])
    return found[0] if found else None
