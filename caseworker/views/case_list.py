"""Every request and plan as one flat row, for the case list (search, filter, sort)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.reports.deadlines import next_step
from caseworker.statutory.engine import DUE_SOON, EXEMPT, LATE, OVERDUE, RequestDeadlines
from caseworker.store.models import Case, Child, School, Staff
from caseworker.store.queries import load_request_facts

STAGE_PLAN = "plan"  # a plan in place with no request on record

# How urgent a row looks, worst first; the list sorts by this rank.
STATUS_RANK = {"overdue": 0, "cannot_be_met": 1, "late_advice": 2, "behind_plan": 3, "due_soon": 4, "exempt": 5,
               "on_track": 6, "issued": 7, "closed": 8, "plan": 9}


@dataclass(frozen=True, slots=True)
class CaseRow:
    case_id: int
    reference: str
    child: str
    date_of_birth: date
    upn: str
    school: str
    primary_need: str
    caseworker: str
    caseworker_name: str
    stage: str
    status: str
    next_step: str
    next_due: date | None
    late_advice: tuple[str, ...]
    received: date | None
    search_text: str  # lower-case name, reference, UPN and school, for instant search

    @property
    def status_rank(self) -> int:
        return STATUS_RANK.get(self.status, 9)


def row_status(d: RequestDeadlines | None, stage: str) -> str:
    if d is None:
        return STAGE_PLAN
    if stage in ("issued", "closed"):
        return stage
    statuses = {m.status for m in d.milestones}
    if any(m.breached for m in d.milestones):
        return "overdue"
    if d.final_cannot_be_met is not None:
        return "cannot_be_met"
    if any(a.status == LATE for a in d.advice):
        return "late_advice"
    if any(m.status == OVERDUE and not m.binding for m in d.milestones):
        return "behind_plan"  # past the team's own planning date (the draft's latest safe day)
    if DUE_SOON in statuses:
        return "due_soon"
    return "exempt" if EXEMPT in statuses else "on_track"


def load_case_rows(ctx: AppContext, today: date) -> list[CaseRow]:
    """All cases, requests evaluated as of ``today``; sorted by reference."""
    with ctx.db.sessions() as s:
        facts = load_request_facts(s, open_only=False)
        rows = s.execute(
            select(Case.id, Case.reference, Child.forename, Child.surname, Child.date_of_birth, Child.upn,
                   School.name, Child.primary_need, Staff.username, Staff.display_name, Case.received_on)
            .join(Child, Child.id == Case.child_id)
            .outerjoin(School, School.id == Child.school_id)
            .outerjoin(Staff, Staff.id == Case.caseworker_id)
            .order_by(Case.reference)).all()
    evaluated = {d.facts.id: d for d in ctx.engine.evaluate_all(facts, today)}
    out = []
    for cid, ref, forename, surname, dob, upn, school, need, username, name, received in rows:
        d = evaluated.get(cid)
        stage = d.stage if d is not None else STAGE_PLAN
        step = next_step(d) if d is not None and d.is_open else None
        child = f"{forename} {surname}"
        out.append(CaseRow(
            case_id=cid, reference=ref, child=child, date_of_birth=dob, upn=upn or "", school=school or "",
            primary_need=need or "", caseworker=username or "", caseworker_name=name or "", stage=stage,
            status=row_status(d, stage), next_step=step[0] if step else "", next_due=step[1] if step else None,
            late_advice=tuple(a.kind for a in d.advice if a.status == LATE) if d is not None else (),
            received=received,
            search_text=" ".join((child, ref, upn or "", school or "")).casefold()))
    return out
