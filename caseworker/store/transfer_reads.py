"""Maintained plans as the Phase transfers page reads them: the child's date of birth and year group, and
the phase transfers recorded, in Core selects whose rows are taken from the database driver.

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
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Select, bindparam, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from caseworker.statutory.engine import collector_paused
from caseworker.statutory.plan_facts import SettingFacts, TransferFacts
from caseworker.store.caseload_reads import driver_rows
from caseworker.store.models import Case, Child, School, Staff
from caseworker.store.plan_models import PhaseTransfer, PlanCease
from caseworker.store.reads import Dialect


def maintained() -> ColumnElement[bool]:
    """Issued and not ceased: a plan stops being maintained on the day it is ceased (as the plans' read has it)."""
    ceased = select(PlanCease.id).where(PlanCease.case_id == Case.id, PlanCease.ceased_on.is_not(None)).exists()
    return Case.final_issued_on.is_not(None) & ~ceased


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


# Days of birth, and moves, between two days: (first, last) inclusive; (after, up to) for a move.
Days = tuple[date, date]


def plans_to_move(session: Session, *, caseworker: str | None = None, born: Sequence[Days] = (),
                  moving: Days | None = None) -> list[PlanToMove]:
    """Every maintained plan (or one caseworker's) with its transfers, sorted by reference, through an ORM
    session's own connection.

    Given ``born`` and ``moving``, only the plans that may move then: the children born in one of those
    ranges, those taught out of their year group (who move a year or two apart from their birthdays), and
    those with a move recorded after ``moving[0]`` and by ``moving[1]`` (a year's cohort is about a sixth
    of a council's plans: the rest are never turned into objects)."""
    with collector_paused():
        return _load(session, caseworker, born, moving)


@lru_cache(maxsize=16)
def _plans_select(by_caseworker: bool, born_ranges: int, by_moving: bool) -> Select[*tuple[Any, ...]]:
    """The maintained plans with their children, narrowed by bound parameters: ``caseworker_id``; a move
    (``after``, ``by``) with ``born_ranges`` ranges of birth (``born_<n>_from``, ``born_<n>_to``). Built once
    for each shape: the page is read again on every change the team makes."""
    tests = [maintained()]
    if by_caseworker:
        tests.append(Case.caseworker_id == bindparam("caseworker_id"))
    if by_moving:
        moves = select(PhaseTransfer.id).where(
            PhaseTransfer.case_id == Case.id, PhaseTransfer.transfer_date > bindparam("after", type_=Date),
            PhaseTransfer.transfer_date <= bindparam("by", type_=Date)).exists()
        tests.append(or_(*(Child.date_of_birth.between(bindparam(f"born_{n}_from", type_=Date),
                                                       bindparam(f"born_{n}_to", type_=Date))
                           for n in range(born_ranges)),
                         Child.year_group_offset != 0, moves))
    return (select(Case.id, Case.reference, Child.forename, Child.surname, Case.caseworker_id, Case.version,
                   Case.final_issued_on, Child.date_of_birth, Child.year_group_offset, Case.named_setting_id)
            .join(Child, Child.id == Case.child_id).where(*tests))


_STAFF = select(Staff.id, Staff.username, Staff.display_name)
_SETTINGS = select(School.id, School.urn, School.name, School.kind)
_TRANSFERS = select(PhaseTransfer.case_id, PhaseTransfer.kind, PhaseTransfer.transfer_date,
                    PhaseTransfer.consultation_sent_on, PhaseTransfer.consulted_school_id,
                    PhaseTransfer.setting_replied_on, PhaseTransfer.reply, PhaseTransfer.done_on, PhaseTransfer.id)


def _load(session: Session, caseworker: str | None, born: Sequence[Days], moving: Days | None,
          ) -> list[PlanToMove]:
    staff: dict[int | None, tuple[str | None, str]] = {i: (u, n) for i, u, n in driver_rows(session, _STAFF)}
    staff[None] = (None, "")
    settings: dict[int | None, SettingFacts | None] = {
        i: SettingFacts(urn, name, kind or "") for i, urn, name, kind in driver_rows(session, _SETTINGS)}
    settings[None] = None
    params: dict[str, Any] = {}
    if caseworker is not None:
        chosen = [i for i, (u, _n) in staff.items() if u == caseworker]
        if not chosen:
            return []
        params["caseworker_id"] = chosen[0]
    if moving is not None:
        params.update(after=moving[0], by=moving[1])
        for n, (first, last) in enumerate(born):
            params.update({f"born_{n}_from": first, f"born_{n}_to": last})
    day = Dialect(session.get_bind().dialect.name).day_reader()
    stmt = _plans_select(caseworker is not None, len(born) if moving is not None else 0, moving is not None)
    plans: dict[int, PlanToMove] = {}
    for cid, ref, forename, surname, staff_id, version, issued, born_on, offset, setting_id in driver_rows(
            session, stmt, params):
        username, name = staff.get(staff_id, (None, ""))
        plans[cid] = PlanToMove(cid, ref, f"{forename} {surname}", username, name, version, day(issued),
                                day(born_on), offset or 0, settings.get(setting_id), setting_id)
    if plans:
        _transfers(session, day, plans, settings)
    return sorted(plans.values(), key=lambda p: p.reference)


def _transfers(session: Session, day: Any, plans: dict[int, PlanToMove],
               settings: dict[int | None, SettingFacts | None]) -> None:
    """Each plan's transfers in order of their moves, then as recorded (the last is the one ``plan_reads``
    picks); a plan has one or two, so each plan's few are sorted here rather than every row by the database."""
    for cid, kind, moves, consulted, school_id, replied, reply, done, tid in driver_rows(session, _TRANSFERS):
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
