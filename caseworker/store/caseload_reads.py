"""The team's caseload as the database holds it, in two Core selects (two round trips to a team database).

One select gives every member of staff with their absences not yet over; the other every case with its
child's name, who holds it, the day it was last reallocated (when lately) and whether the team lead
pinned it. The deadline engine's input (open requests, plans in place) is read by the bulk readers.
Rows come back as plain tuples: a large council's 28,000 cases build no ORM objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from caseworker.caseload.capacity import Absence, StaffFacts
from caseworker.store.models import Allocation, Case, CasePin, Child, Staff, StaffAbsence
from caseworker.store.plan_models import PlanCease
from caseworker.store.request_selects import open_request_clause


@dataclass(frozen=True, slots=True)
class CaseHeld:
    """One case as the caseload starts from it (its load comes from the deadline engine)."""

    case_id: int
    reference: str
    child: str
    holder_id: int | None
    plan_in_place: bool  # issued and not ceased
    moved_on: date | None  # the last reallocation on or after the day asked for (a first allocation is no move)
    pinned: bool


def staff_and_absences(session: Session, today: date) -> list[StaffFacts]:
    """Everyone on the staff list with their absences ending on or after ``today``, earliest first."""
    a = StaffAbsence
    rows = session.execute(
        select(Staff.id, Staff.username, Staff.display_name, Staff.role, Staff.team, Staff.fte,
               Staff.capacity_points, Staff.started_on, Staff.active, a.from_on, a.to_on, a.reason)
        .outerjoin(a, and_(a.staff_id == Staff.id, a.to_on >= today))
        .order_by(Staff.id, a.from_on))
    people: dict[int, tuple[Any, ...]] = {}
    absences: dict[int, list[Absence]] = defaultdict(list)
    for sid, username, name, role, team, fte, capacity, started, active, start, end, reason in rows:
        people.setdefault(sid, (sid, username, name, role, team, fte, capacity, started, active))
        if start is not None:
            absences[sid].append(Absence(start, end, reason or ""))
    return [StaffFacts(sid, username, name, role, team or "", float(fte or 0),
                       None if capacity is None else float(capacity), started, bool(active),
                       tuple(absences.get(sid, ())))
            for sid, username, name, role, team, fte, capacity, started, active in people.values()]


def cases_held(session: Session, moved_since: date) -> list[CaseHeld]:
    """Every case carrying load (a plan in place, or a request still running), by reference, with the day it
    was last moved when that is on or after ``moved_since``."""
    moved = _moved(moved_since)
    # A plan in place: issued and not ceased (as the plans report has it: a recorded cease ends it).
    in_place = and_(Case.final_issued_on.is_not(None),
                    Case.id.not_in(select(PlanCease.case_id).where(PlanCease.ceased_on.is_not(None))))
    rows = driver_rows(session, select(
        Case.id, Case.reference, Child.forename + " " + Child.surname, Case.caseworker_id,
        in_place, moved.c.on, CasePin.case_id.is_not(None))
        .join(Child, Child.id == Case.child_id)
        .outerjoin(moved, moved.c.case_id == Case.id)
        .outerjoin(CasePin, CasePin.case_id == Case.id)
        .where(or_(in_place, open_request_clause()))
        .order_by(Case.reference))
    return [CaseHeld(cid, ref, child, holder, bool(issued), _day(moved_on), bool(pinned))
            for cid, ref, child, holder, issued, moved_on, pinned in rows]


def cases_nobody_holds(session: Session) -> Sequence[tuple[int, str, Any, Any, str]]:
    """The cases with no caseworker, by reference: (id, reference, received, issued, child's name), the two
    days as the driver gives them (only whether they are set is asked)."""
    return driver_rows(session, select(
        Case.id, Case.reference, Case.received_on, Case.final_issued_on, Child.forename + " " + Child.surname)
        .join(Child, Child.id == Case.child_id).where(Case.caseworker_id.is_(None)).order_by(Case.reference))


def _moved(since: date) -> Any:
    """Cases reallocated on or after ``since``, with the day: an allocation then that is not the case's
    only one (a first allocation is no move). Only the recent allocations are grouped."""
    a, other = aliased(Allocation), aliased(Allocation)
    again = select(other.id).where(other.case_id == a.case_id, other.id != a.id).exists()
    return (select(a.case_id, func.max(a.from_on).label("on")).where(a.from_on >= since, again)
            .group_by(a.case_id).subquery("moved"))


def driver_rows(session: Session, stmt: Select[*tuple[Any, ...]], params: dict[str, Any] | None = None,
                ) -> Sequence[Any]:
    """A select's rows as the driver returns them: at 25,000 rows SQLAlchemy's row layer costs twice the
    query itself (its bind parameters are still processed; dates come back as the driver gives them)."""
    result = session.connection().execute(stmt, params)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _day(value: Any) -> date | None:
    """A date from the driver: psycopg gives ``date``, sqlite3 ISO text."""
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)
