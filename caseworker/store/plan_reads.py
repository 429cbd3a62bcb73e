"""Maintained plans as the engine reads them (``PlanFacts``), in plain SQL over the database driver.

A plan is maintained from the day it is issued until the day it is ceased. The plans report reads
every one of a large council's 20,000 at once, so this is seven queries (the staff and the settings,
the issued plans, then their reviews, amendments, transfers and proposals to cease, a ceased plan being
passed over once its cease is read), however many plans there are, and no ORM; one case reads the same
way. The ORM code reaches it through its session's connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

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


def _filters(d: Dialect, caseworker_id: int | None, case_ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    where = [ISSUED_SQL]
    params: list[Any] = []
    if caseworker_id is not None:
        where.append(f"c.caseworker_id = {d.mark}")
        params.append(caseworker_id)
    if case_ids is not None:
        ids = list(case_ids) or [0]
        where.append(f"c.id IN ({', '.join([d.mark] * len(ids))})")
        params.extend(ids)
    return " AND ".join(where), params


def load_plan_facts(conn: Any, d: Dialect, *, caseworker: str | None = None,
                    case_ids: Sequence[int] | None = None) -> list[PlanFacts]:
    """Every maintained plan (or those of ``case_ids``, or one caseworker's), with what has happened to it,
    sorted by reference."""
    with collector_paused():
        return _load(conn, d, caseworker, case_ids)


def _load(conn: Any, d: Dialect, caseworker: str | None, case_ids: Sequence[int] | None) -> list[PlanFacts]:
    cur = conn.cursor()
    # The staff and the settings are few: read once, not joined to every plan.
    cur.execute("SELECT id, username FROM staff")
    usernames: dict[int | None, str | None] = dict(cur.fetchall())
    cur.execute("SELECT id, urn, name, kind FROM school")
    settings: dict[int | None, SettingFacts | None] = {
        sid: SettingFacts(urn, name, kind or "") for sid, urn, name, kind in cur.fetchall()}
    usernames[None] = settings[None] = None
    caseworker_id = None
    if caseworker is not None:
        caseworker_id = next((i for i, name in usernames.items() if name == caseworker), None)
        if caseworker_id is None:
            cur.close()
            return []
    where, params = _filters(d, caseworker_id, case_ids)
    cur.execute("SELECT c.id, c.reference, ch.forename, ch.surname, c.caseworker_id, c.final_issued_on,"
                " ch.date_of_birth, ch.year_group_offset, c.named_setting_id FROM ehc_case c"
                " JOIN child ch ON ch.id = c.child_id WHERE " + where, params)
    day = _dates(d)
    plans: list[PlanFacts] = []
    by_id: dict[int, PlanFacts] = {}
    for cid, ref, forename, surname, staff_id, issued, born, offset, setting_id in cur.fetchall():
        plan = PlanFacts(ref, day(issued), day(born), f"{forename} {surname}", usernames[staff_id],
                         settings[setting_id], [], [], None, None, offset or 0, cid)
        plans.append(plan)
        by_id[cid] = plan
    if plans:
        # Every plan's rows: read them all and pass over a ceased plan's (fewer than one in a hundred),
        # rather than have the database work the plans out again for each table.
        chosen = caseworker_id is not None or case_ids is not None
        ids = f" WHERE case_id IN (SELECT c.id FROM ehc_case c WHERE {where})" if chosen else ""
        every = params if chosen else []
        _reviews(cur, d, ids, every, by_id)
        _amendments(cur, d, ids, every, by_id)
        _transfers(cur, d, ids, every, by_id)
        ceased = _ceases(cur, d, ids, every, by_id)
        plans = [p for p in plans if p.case_id not in ceased]
    cur.close()
    # Sorted here, a plan's few rows at a time: cheaper than having the database sort every row.
    for p in plans:
        if len(p.reviews) > 1:
            p.reviews.sort(key=review_order)
        if len(p.amendments) > 1:
            p.amendments.sort(key=amendment_order)
    plans.sort(key=lambda p: p.reference)
    return plans


def review_order(r: ReviewFacts) -> tuple[Any, ...]:
    """Oldest first: by the day decided (a review still waiting for its decision last), then its meeting."""
    return (r.notified is None, r.notified or date.min, r.meeting is None, r.meeting or date.min, r.id or 0)


def amendment_order(a: AmendmentFacts) -> tuple[Any, ...]:
    return a.notice_sent, a.id or 0


class _IsoDays(dict[Any, Any]):
    """SQLite's ISO text -> ``date``, each distinct day parsed once (the days repeat across rows)."""

    def __missing__(self, key: str | None) -> date | None:
        value = self[key] = None if key is None else date.fromisoformat(key)
        return value


class _SameDays(dict[Any, Any]):
    """The driver's own ``date`` objects (PostgreSQL), passed through."""

    def __missing__(self, key: date | None) -> date | None:
        self[key] = key
        return key


def _dates(d: Dialect) -> Callable[[Any], Any]:
    """How a driver's dates become ``date``: a dictionary lookup (done in C for every day seen before),
    not a Python call per value, for the 250,000 dates of a large council's plans."""
    return (_IsoDays() if d.name == "sqlite" else _SameDays()).__getitem__


def _reviews(cur: Any, d: Dialect, ids: str, params: list[Any], by_id: dict[int, PlanFacts]) -> None:
    day = _dates(d)
    cur.execute("SELECT case_id, meeting_on, invitations_sent_on, report_sent_on, decision, notified_on, id"
                f" FROM plan_review{ids}", params)
    for cid, meeting, invited, report, decision, notified, rid in cur.fetchall():
        plan = by_id.get(cid)
        if plan is not None:
            plan.reviews.append(ReviewFacts(day(meeting), day(invited), day(report), decision, day(notified), rid))


def _amendments(cur: Any, d: Dialect, ids: str, params: list[Any], by_id: dict[int, PlanFacts]) -> None:
    day = _dates(d)
    cur.execute("SELECT case_id, notice_sent_on, notice_served_on, final_issued_on, not_amended_on, id"
                f" FROM plan_amendment{ids}", params)
    for cid, sent, served, final, not_amended, aid in cur.fetchall():
        plan = by_id.get(cid)
        if plan is not None:
            plan.amendments.append(AmendmentFacts(day(sent), day(served), day(final), day(not_amended), aid))


def _transfers(cur: Any, d: Dialect, ids: str, params: list[Any], by_id: dict[int, PlanFacts]) -> None:
    """The plan's next transfer: the latest move recorded (by its date, then as recorded)."""
    day = _dates(d)
    cur.execute("SELECT case_id, kind, transfer_date, consultation_sent_on, setting_replied_on, done_on, id"
                f" FROM phase_transfer{ids}", params)
    for cid, kind, moves, consulted, replied, done, tid in cur.fetchall():
        plan = by_id.get(cid)
        moved = day(moves)
        if plan is not None and (plan.transfer is None or (plan.transfer.transfer_date, plan.transfer.id or 0)
                                 < (moved, tid)):
            plan.transfer = TransferFacts(kind, moved, day(consulted), day(replied), day(done), tid)


def _ceases(cur: Any, d: Dialect, ids: str, params: list[Any], by_id: dict[int, PlanFacts]) -> set[int]:
    """The latest proposal to cease (one dropped says so: the plan goes on); returns the ceased plans."""
    day = _dates(d)
    cur.execute("SELECT case_id, proposed_on, decided_on, appeal_lodged_on, appeal_concluded_on, ceased_on, reason,"
                f" withdrawn_on, id FROM plan_cease{ids}", params)
    done: set[int] = set()
    for cid, proposed, decided, lodged, concluded, ceased, reason, withdrawn, pid in cur.fetchall():
        plan = by_id.get(cid)
        if plan is not None and (plan.cease is None or (plan.cease.id or 0) < pid):
            plan.cease = CeaseFacts(day(proposed), day(decided), day(lodged), day(concluded), day(ceased), reason,
                                    day(withdrawn), pid)
        if ceased is not None:
            done.add(cid)
    return done


def plan_facts(session: Session, *, caseworker: str | None = None,
               case_ids: Sequence[int] | None = None) -> list[PlanFacts]:
    """``load_plan_facts`` through an ORM session's own connection (inside its transaction)."""
    conn = session.connection().connection.driver_connection
    return load_plan_facts(conn, Dialect(session.get_bind().dialect.name), caseworker=caseworker,
                           case_ids=case_ids)


def plan_of_case(session: Session, case_id: int) -> PlanFacts | None:
    """One case's plan, or None when it has no maintained plan (not issued yet, or ceased)."""
    found = plan_facts(session, case_ids=[case_id])
    return found[0] if found else None
