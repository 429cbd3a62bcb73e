"""The tracker's ``caseworker`` column: allocation by the same rules as the team lead's moves.

A case the import creates is allocated to the person named, as registering a request in the window
allocates it. A stored case moves only as ``services.caseload.reallocate_cases`` would move it: only a
team lead or admin may move it, never to someone who is not on the staff list, inactive or read-only,
nor to someone away today, and never a case a team lead has pinned. Each move ends the open spell in
the allocation history and starts a new one, with an audit row the case's History shows. Anything else
leaves the allocation as it is, with a warning ``row N, column caseworker: ...``; the rest of the row
is imported. A few queries for the whole part of the file, none per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from caseworker.errors import ConflictError
from caseworker.io.records import TrackerRecord
from caseworker.io.rows import RowProblem
from caseworker.services.actor import Actor
from caseworker.store.audit import audit_many
from caseworker.store.models import Allocation, Case, CasePin, Staff, StaffAbsence
from caseworker.store.writer import bulk_insert, chunks
from caseworker.vocabulary import short_date

COLUMN = "caseworker"


@dataclass(frozen=True, slots=True)
class Holder:
    id: int
    username: str
    role: str
    active: bool


@dataclass(frozen=True, slots=True)
class Move:
    number: int  # the row
    case_id: int
    to: Holder
    before: int | None


class Allocations:
    """Decides, row by row, what the ``caseworker`` column may change; ``write`` makes the moves."""

    def __init__(self, s: Session, actor: Actor, today: date, source: str) -> None:
        self.s = s
        self.actor = actor
        self.today = today
        self.source = source  # the file's name, for the allocation history
        self.staff = {u: Holder(i, u, r, a) for i, u, r, a in s.execute(
            select(Staff.id, Staff.username, Staff.role, Staff.active))}
        self.by_id = {h.id: h for h in self.staff.values()}
        self.away = {sid: (to, reason) for sid, to, reason in s.execute(
            select(StaffAbsence.staff_id, StaffAbsence.to_on, StaffAbsence.reason).where(
                StaffAbsence.from_on <= today, StaffAbsence.to_on >= today))}
        self.warnings: list[str] = []
        self.moves: list[Move] = []

    def _warn(self, number: int, reason: str) -> None:
        self.warnings.append(str(RowProblem(number, COLUMN, reason)))

    def _unable(self, username: str) -> str | None:
        """Why ``username`` cannot take a case today, or None."""
        holder = self.staff.get(username)
        if holder is None:
            return f"{username!r} is not on the staff list (an admin can add them)"
        if not holder.active:
            return f"{username} is not an active member of staff"
        if holder.role == "read_only":
            return f"{username} has a read-only role and cannot hold cases"
        if (away := self.away.get(holder.id)) is not None:
            why = f" ({away[1].strip()})" if away[1].strip() else ""
            return f"{username} is away until {short_date(away[0])}{why}"
        return None

    def new_cases(self, rows: Sequence[tuple[int, TrackerRecord]]) -> None:
        """First allocations: a name that cannot take the case is dropped (the case is unallocated)."""
        for number, record in rows:
            if record.caseworker and (why := self._unable(record.caseworker)) is not None:
                self._warn(number, f"{why}, so the case was left unallocated")
                record.caseworker = None

    def stored_cases(self, rows: Sequence[tuple[int, int, TrackerRecord]]) -> None:
        """Moves of stored cases (row, case id, record); the record's name is taken off either way, so
        the case writer never changes an allocation itself."""
        wanted = [(n, cid, r.caseworker) for n, cid, r in rows if r.caseworker]
        for _, _, record in rows:
            record.caseworker = None
        if not wanted:
            return
        ids = sorted({cid for _, cid, _ in wanted})
        holders: dict[int, int | None] = {}
        pins: dict[int, str] = {}
        for part in chunks(ids):
            holders.update(self.s.execute(select(Case.id, Case.caseworker_id).where(Case.id.in_(part))).all())
            pins.update(self.s.execute(select(CasePin.case_id, CasePin.note).where(CasePin.case_id.in_(part))).all())
        for number, cid, username in wanted:
            self._consider(number, cid, username, holders[cid], pins)

    def _consider(self, number: int, cid: int, username: str, current: int | None, pins: dict[int, str]) -> None:
        holder = self.by_id.get(current) if current is not None else None
        if holder is not None and holder.username == username:
            return
        stays = f"it stays with {holder.username}" if holder is not None else "it stays unallocated"
        if not self.actor.can_reallocate:
            self._warn(number, f"only a team lead or admin can move a case, and {self.actor.username} has the "
                               f"{self.actor.role} role: {stays}")
        elif cid in pins:
            note = f" ({pins[cid].strip()})" if pins[cid].strip() else ""
            self._warn(number, f"a team lead has pinned the case to its caseworker{note}: {stays} (unpin it to "
                               "move it)")
        elif (why := self._unable(username)) is not None:
            self._warn(number, f"{why}: {stays}")
        else:
            self.moves.append(Move(number, cid, self.staff[username], current))

    def _refuse_lost_moves(self) -> None:
        """Someone moved a case between this import reading it and moving it: give up the whole import."""
        target = {m.case_id: m.to.id for m in self.moves}
        for part in chunks(sorted(target)):
            for cid, reference, holder in self.s.execute(
                    select(Case.id, Case.reference, Case.caseworker_id).where(Case.id.in_(list(part)))):
                if holder != target[cid]:
                    raise ConflictError(f"nothing was imported: case {reference} was reallocated by someone else "
                                        "while the import ran; import the file again")

    def write(self) -> set[int]:
        """Make the moves: the case, its allocation history and an audit row each. Returns the cases moved."""
        if not self.moves:
            return set()
        ids = [m.case_id for m in self.moves]
        allocations: Table = Allocation.__table__  # type: ignore[assignment]
        cases: Table = Case.__table__  # type: ignore[assignment]
        for part in chunks(ids):
            self.s.execute(update(allocations).where(allocations.c.case_id.in_(list(part)),
                                                     allocations.c.to_on.is_(None)).values(to_on=self.today))
        # Only from the holder this import read: a team lead's move made meanwhile is not overwritten.
        self.s.execute(update(cases).where(
            cases.c.id == bindparam("b_id"), cases.c.caseworker_id.is_not_distinct_from(bindparam("b_before"))
        ).values(caseworker_id=bindparam("b_to"), version=cases.c.version + 1),
            [{"b_id": m.case_id, "b_to": m.to.id, "b_before": m.before} for m in self.moves])
        self._refuse_lost_moves()
        spells: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        for m in self.moves:
            reason = f"import of {self.source}, row {m.number}"
            spells.append({"case_id": m.case_id, "staff_id": m.to.id, "from_on": self.today, "to_on": None,
                           "reason": reason, "by_id": self.actor.id, "family_letter": False, "version": 1})
            audit.append({"actor_id": self.actor.id, "action": "reallocate", "entity": "case",
                          "entity_id": m.case_id, "case_id": m.case_id, "before": {"caseworker_id": m.before},
                          "after": {"caseworker_id": m.to.id, "reason": reason, "family_letter": False}})
        self.s.execute(bulk_insert(Allocation), spells)
        audit_many(self.s, audit)
        self.s.expire_all()  # the ORM's copies of the cases just moved underneath it
        return set(ids)
