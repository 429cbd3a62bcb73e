"""Maintained plans as the Phase transfers page reads them: the child's date of birth and year group, and
the phase transfers recorded, in plain SQL over the database driver.

The page looks at a large council's 20,000 maintained plans to find a year's cohort, but needs none of
their reviews or amendments, so it reads less than ``plan_reads`` does: the staff and settings (few), the
maintained plans with their children (only those who may move in the year asked about), and their phase
transfers, four queries in all. Beside what the engine reads (``TransferFacts``) it keeps what the page
shows and saves with: the setting consulted, its reply, and the case's version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from caseworker.statutory.engine import collector_paused
from caseworker.statutory.plan_facts import SettingFacts, TransferFacts
from caseworker.store.reads import Dialect

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Issued and not ceased: a plan stops being maintained on the day it is ceased (plan_reads says the same).
MAINTAINED_SQL = ("c.final_issued_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_cease pc"
                  " WHERE pc.case_id = c.id AND pc.ceased_on IS NOT NULL)")


@dataclass(slots=True)
class RecordedTransfer:
    """The latest phase transfer on a plan, with the setting consulted and what it said."""

    facts: TransferFacts
    consulted_id: int | None = None
    consulted: str | None = None  # the consulted setting's name
    reply: str | None = None  # agrees, declines or other


@dataclass(slots=True)
class PlanToMove:
    """One maintained plan: whose it is, the child's date of birth and year group, its latest transfer."""

    case_id: int
    reference: str
    child: str
    caseworker: str | None  # username
    caseworker_name: str
    version: int
    plan_issued: date
    date_of_birth: date
    year_group_offset: int
    named_setting: SettingFacts | None
    named_setting_id: int | None
    transfers: list[RecordedTransfer] = field(default_factory=list)  # oldest move first

    @property
    def latest(self) -> RecordedTransfer | None:
        """The plan's next (or last) move: the one the engine and the plans report read."""
        return self.transfers[-1] if self.transfers else None


class _Days(dict[Any, Any]):
    """The driver's dates as ``date`` (SQLite hands back ISO text), each distinct day converted once."""

    def __init__(self, iso: bool) -> None:
        super().__init__()
        self.iso = iso

    def __missing__(self, key: Any) -> date | None:
        value = self[key] = None if key is None else date.fromisoformat(key) if self.iso else key
        return value


# Days of birth, and moves, between two days: (first, last) inclusive; (after, up to) for a move.
Days = tuple[date, date]


def load_plans_to_move(conn: Any, d: Dialect, *, caseworker: str | None = None, born: Sequence[Days] = (),
                       moving: Days | None = None) -> list[PlanToMove]:
    """Every maintained plan (or one caseworker's) with its transfers, sorted by reference.

    Given ``born`` and ``moving``, only the plans that may move then: the children born in one of those
    ranges, those taught out of their year group (who move a year or two apart from their birthdays), and
    those with a move recorded after ``moving[0]`` and by ``moving[1]`` (a year's cohort is about a sixth
    of a council's plans: the rest are never turned into objects)."""
    with collector_paused():
        cur = conn.cursor()
        try:
            return _load(cur, d, caseworker, born, moving)
        finally:
            cur.close()


def _day_param(d: Dialect, day: date) -> Any:
    return day.isoformat() if d.name == "sqlite" else day  # SQLite holds dates as ISO text


def _may_move(d: Dialect, born: Sequence[Days], moving: Days) -> tuple[str, list[Any]]:
    m = d.mark
    tests = [f"ch.date_of_birth BETWEEN {m} AND {m}"] * len(born) + [
        "ch.year_group_offset <> 0",
        f"EXISTS (SELECT 1 FROM phase_transfer t WHERE t.case_id = c.id AND t.transfer_date > {m}"
        f" AND t.transfer_date <= {m})"]
    params = [_day_param(d, x) for first_last in born for x in first_last] + [_day_param(d, x) for x in moving]
    return " AND (" + " OR ".join(tests) + ")", params


def _load(cur: Any, d: Dialect, caseworker: str | None, born: Sequence[Days], moving: Days | None,
          ) -> list[PlanToMove]:
    cur.execute("SELECT id, username, display_name FROM staff")
    staff: dict[int | None, tuple[str | None, str]] = {i: (u, n) for i, u, n in cur.fetchall()}
    staff[None] = (None, "")
    cur.execute("SELECT id, urn, name, kind FROM school")
    settings: dict[int | None, SettingFacts | None] = {
        i: SettingFacts(urn, name, kind or "") for i, urn, name, kind in cur.fetchall()}
    settings[None] = None
    where, params = MAINTAINED_SQL, []
    if caseworker is not None:
        chosen = [i for i, (u, _n) in staff.items() if u == caseworker]
        if not chosen:
            return []
        where += f" AND c.caseworker_id = {d.mark}"
        params.append(chosen[0])
    if moving is not None:
        narrower, more = _may_move(d, born, moving)
        where += narrower
        params += more
    day = _Days(d.name == "sqlite").__getitem__
    cur.execute("SELECT c.id, c.reference, ch.forename, ch.surname, c.caseworker_id, c.version, c.final_issued_on,"
                " ch.date_of_birth, ch.year_group_offset, c.named_setting_id FROM ehc_case c"
                " JOIN child ch ON ch.id = c.child_id WHERE " + where, params)
    plans: dict[int, PlanToMove] = {}
    for cid, ref, forename, surname, staff_id, version, issued, born, offset, setting_id in cur.fetchall():
        username, name = staff.get(staff_id, (None, ""))
        plans[cid] = PlanToMove(cid, ref, f"{forename} {surname}", username, name, version, day(issued), day(born),
                                offset or 0, settings.get(setting_id), setting_id)
    if plans:
        _transfers(cur, day, plans, settings)
    return sorted(plans.values(), key=lambda p: p.reference)


def _transfers(cur: Any, day: Any, plans: dict[int, PlanToMove], settings: dict[int | None, SettingFacts | None],
               ) -> None:
    """Each plan's transfers in order of their moves, then as recorded (the last is the one ``plan_reads``
    picks); a plan has one or two, so each plan's few are sorted here rather than every row by the database."""
    cur.execute("SELECT case_id, kind, transfer_date, consultation_sent_on, consulted_school_id, setting_replied_on,"
                " reply, done_on, id FROM phase_transfer")
    for cid, kind, moves, consulted, school_id, replied, reply, done, tid in cur.fetchall():
        plan = plans.get(cid)
        if plan is None:
            continue
        school = settings.get(school_id)
        plan.transfers.append(RecordedTransfer(
            TransferFacts(kind, day(moves), day(consulted), day(replied), day(done), tid),
            school_id, school.name if school is not None else None, reply))
    for plan in plans.values():
        if len(plan.transfers) > 1:
            plan.transfers.sort(key=lambda t: (t.facts.transfer_date, t.facts.id or 0))


def plans_to_move(session: Session, *, caseworker: str | None = None, born: Sequence[Days] = (),
                  moving: Days | None = None) -> list[PlanToMove]:
    """``load_plans_to_move`` through an ORM session's own connection."""
    conn = session.connection().connection.driver_connection
    return load_plans_to_move(conn, Dialect(session.get_bind().dialect.name), caseworker=caseworker, born=born,
                              moving=moving)
