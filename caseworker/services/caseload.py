"""Team lead commands on caseloads: move cases (one or many, one transaction, one audit row per case),
record absences and pin cases a proposal must leave alone, or settle a proposal (its ticked moves and
the cases the lead keeps where they are, in one step) (the moves for covering an absence and for a
balancing proposal are planned in caseworker/views/team.py and made here).

Only a team lead or admin may do any of these; everything is checked before anything is written, so a
refused batch changes nothing. Every move writes the case's allocation history and an audit row the
case's History shows, and can ask for the family's change-of-caseworker letter in the same step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, Problem, ValidationError
from caseworker.services.actor import Actor, require_allocator
from caseworker.services.casefile import staff_by_username, writing
from caseworker.services.staff import require_absence_rights
from caseworker.store.audit import audit, audit_many
from caseworker.store.models import Allocation, Case, CasePin, Staff, StaffAbsence
from caseworker.store.writer import chunks


@dataclass(frozen=True, slots=True)
class PlannedMove:
    case_id: int
    to_username: str
    reason: str
    # Who held it when the lead decided; if it has moved since, the batch is refused as a conflict.
    from_username: str | None = None


def _targets(s: Session, usernames: set[str]) -> tuple[dict[str, Staff], list[Problem]]:
    found = {st.username: st for st in s.scalars(select(Staff).where(Staff.username.in_(usernames)))}
    problems = []
    for u in sorted(usernames):
        st = found.get(u)
        if st is None:
            problems.append(Problem("caseworker", f"{u!r} is not on the staff list"))
        elif not st.active:
            problems.append(Problem("caseworker", f"{u} is not an active member of staff"))
        elif st.role == "read_only":
            problems.append(Problem("caseworker", f"{u} has a read-only role"))
    return found, problems


def _check_batch(moves: Sequence[PlannedMove]) -> None:
    if not moves:
        raise ValidationError(Problem("cases", "choose at least one case to move"))
    problems = []
    if any(not m.reason.strip() for m in moves):
        problems.append(Problem("reason", "say why the case is moving"))
    ids = [m.case_id for m in moves]
    if len(set(ids)) != len(ids):
        problems.append(Problem("cases", "a case can only move once in one step"))
    if problems:
        raise ValidationError(problems)


def reallocate_cases(ctx: AppContext, actor: Actor, moves: Sequence[PlannedMove], *,
                     family_letter: bool = False) -> int:
    """Move every case in ``moves`` in one transaction (all or nothing); returns how many moved."""
    require_allocator(actor)
    _check_batch(moves)
    with writing(ctx, "reallocate cases") as s:
        return _reallocate(s, actor, moves, ctx.today(), family_letter)


def _reallocate(s: Session, actor: Actor, moves: Sequence[PlannedMove], today: date, family_letter: bool) -> int:
    ids = [m.case_id for m in moves]
    targets, problems = _targets(s, {m.to_username for m in moves})
    cases: dict[int, Case] = {}
    current: dict[int, Allocation] = {}
    for part in chunks(ids):
        cases.update((c.id, c) for c in s.scalars(select(Case).where(Case.id.in_(part))))
        current.update((a.case_id, a) for a in s.scalars(
            select(Allocation).where(Allocation.case_id.in_(part), Allocation.to_on.is_(None))))
    holders: dict[int, str] = {i: u for i, u in s.execute(select(Staff.id, Staff.username))}
    for m in moves:
        case = cases.get(m.case_id)
        if case is None:
            raise NotFound(f"there is no case with id {m.case_id}")
        holder = holders.get(case.caseworker_id) if case.caseworker_id is not None else None
        if m.from_username is not None and holder != m.from_username:
            raise ConflictError(f"case {case.reference} is now with {holder or 'nobody'}, not "
                                f"{m.from_username}; someone moved it since you looked. Reload and try again")
        if holder == m.to_username:
            problems.append(Problem("caseworker", f"case {case.reference} is already with {m.to_username}"))
    if problems:
        raise ValidationError(problems)
    rows = []
    for m in moves:
        case, to = cases[m.case_id], targets[m.to_username]
        if (open_spell := current.get(case.id)) is not None:
            open_spell.to_on = today
        before = case.caseworker_id
        case.caseworker_id = to.id
        s.add(Allocation(case_id=case.id, staff_id=to.id, from_on=today, reason=m.reason.strip(),
                         by_id=actor.id, family_letter=family_letter))
        rows.append({"actor_id": actor.id, "action": "reallocate", "entity": "case", "entity_id": case.id,
                     "case_id": case.id, "before": {"caseworker_id": before},
                     "after": {"caseworker_id": to.id, "reason": m.reason.strip(),
                               "family_letter": family_letter}})
    s.flush()
    audit_many(s, rows)
    return len(moves)


def settle_proposal(ctx: AppContext, actor: Actor, moves: Sequence[PlannedMove], keep: Sequence[int], *,
                    family_letter: bool = False, note: str = "") -> tuple[int, int]:
    """A balancing proposal decided: make the ticked ``moves`` and pin the ``keep`` cases (left with their
    caseworker, so no later proposal offers them), in one transaction. Returns (moved, pinned)."""
    require_allocator(actor)
    if moves:
        _check_batch(moves)
    if not moves and not keep:
        raise ValidationError(Problem("cases", "tick a move or keep a case where it is"))
    if set(keep) & {m.case_id for m in moves}:
        raise ValidationError(Problem("cases", "a case cannot both move and be kept where it is"))
    with writing(ctx, "settle a balancing proposal") as s:
        moved = _reallocate(s, actor, moves, ctx.today(), family_letter) if moves else 0
        pinned = sum(_pin(s, actor, cid, ctx.today(), note) for cid in dict.fromkeys(keep))
        return moved, pinned


def record_absence(ctx: AppContext, actor: Actor, username: str, starts: date, ends: date, reason: str = "") -> int:
    """Record leave, sickness or training; capacity is 0 from ``starts`` to ``ends`` inclusive."""
    require_allocator(actor)
    if ends < starts:
        raise ValidationError(Problem("to", "the absence cannot end before it starts"))
    with writing(ctx, "record absence") as s:
        staff = staff_by_username(s, username)
        require_absence_rights(s, actor, staff)  # a team lead: their own team's only
        row = StaffAbsence(staff_id=staff.id, from_on=starts, to_on=ends, reason=reason.strip(),
                           recorded_by_id=actor.id)
        s.add(row)
        s.flush()
        audit(s, actor_id=actor.id, action="record_absence", entity="staff", entity_id=staff.id,
              after={"from_on": starts, "to_on": ends, "reason": reason.strip()})
        return row.id


def pin_case(ctx: AppContext, actor: Actor, case_id: int, note: str = "") -> None:
    """Keep a case with its caseworker: balancing proposals leave it where it is."""
    require_allocator(actor)
    with writing(ctx, "pin case") as s:
        _pin(s, actor, case_id, ctx.today(), note)


def _pin(s: Session, actor: Actor, case_id: int, today: date, note: str) -> bool:
    """Pin one case in ``s``; False when it was pinned already."""
    if s.get(Case, case_id) is None:
        raise NotFound(f"there is no case with id {case_id}")
    if s.get(CasePin, case_id) is not None:
        return False
    try:  # a colleague pinning it at the same moment has done the job: one pin, one audit row
        with s.begin_nested():
            s.add(CasePin(case_id=case_id, pinned_by_id=actor.id, pinned_on=today, note=note.strip()))
    except IntegrityError:
        return False
    audit(s, actor_id=actor.id, action="pin_case", entity="case", entity_id=case_id, case_id=case_id,
          after={"pinned": True, "note": note.strip()})
    return True


def unpin_case(ctx: AppContext, actor: Actor, case_id: int) -> None:
    require_allocator(actor)
    with writing(ctx, "unpin case") as s:
        # Only the unpin that removed the row is audited: two at once write one audit row, not two.
        gone = s.execute(delete(CasePin).where(CasePin.case_id == case_id))
        if not gone.rowcount:  # type: ignore[attr-defined]
            return
        audit(s, actor_id=actor.id, action="unpin_case", entity="case", entity_id=case_id, case_id=case_id,
              before={"pinned": True}, after={"pinned": False})
