"""Every request and plan as one flat row, for the case list (search, filter, sort)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from caseworker.context import AppContext
from caseworker.reports.deadlines import next_step
from caseworker.statutory.engine import DUE_SOON, EXEMPT, LATE, OVERDUE, RequestDeadlines
from caseworker.store.models import Case, Child, Contact, School, Staff
from caseworker.store.queries import load_request_facts
from caseworker.text_folding import fold_for_search

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
    # Everything a search looks in (see ``search_text_of``), folded once here so a keystroke only compares.
    search_text: str

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


def search_text_of(words: Iterable[str | None], postcodes: Iterable[str | None]) -> str:
    """One folded text to search: names, references, identifiers, schools; contacts; postcodes.

    A postcode is there with and without its space ("hr4 9dl hr49dl"), so either way of typing it is
    found; identifiers are stored without spaces, and a typed "943 476 5919" is found a word at a time.
    """
    codes: list[str] = []
    for code in postcodes:
        if code and code not in codes:
            codes.append(code)
    parts = [*filter(None, words), *codes, *(c.replace(" ", "") for c in codes)]
    whole = " ".join(parts)
    if whole.isascii():
        return fold_for_search(whole)
    return " ".join([fold_for_search(part) for part in parts])  # only the accented parts take the long way


@dataclass(slots=True)
class _Contacts:
    names: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)


_NO_CONTACTS = _Contacts()


def contacts_by_child(s: Session) -> dict[int, _Contacts]:
    """Each child's contacts' names and postcodes, in one query for the whole list."""
    found: dict[int, _Contacts] = {}
    for child_id, name, postcode in s.execute(select(Contact.child_id, Contact.name, Contact.postcode)):
        contacts = found.get(child_id)
        if contacts is None:
            contacts = found[child_id] = _Contacts()
        contacts.names.append(name)
        if postcode:
            contacts.postcodes.append(postcode)
    return found


def load_case_rows(ctx: AppContext, today: date) -> list[CaseRow]:
    """All cases, requests evaluated as of ``today``; sorted by reference."""
    named_setting = aliased(School)
    with ctx.db.sessions() as s:
        facts = load_request_facts(s, open_only=False)
        rows = s.execute(
            select(Case.id, Case.reference, Child.id, Child.forename, Child.surname, Child.date_of_birth,
                   Child.upn, Child.nhs_number, Child.uln, Child.postcode, School.name, named_setting.name,
                   Child.primary_need, Staff.username, Staff.display_name, Case.received_on)
            .join(Child, Child.id == Case.child_id)
            .outerjoin(School, School.id == Child.school_id)
            .outerjoin(named_setting, named_setting.id == Case.named_setting_id)
            .outerjoin(Staff, Staff.id == Case.caseworker_id)
            .order_by(Case.reference)).all()
        contacts = contacts_by_child(s)
    evaluated = {d.facts.id: d for d in ctx.engine.evaluate_all(facts, today)}
    out = []
    for (cid, ref, child_id, forename, surname, dob, upn, nhs, uln, postcode, school, setting, need, username,
         name, received) in rows:
        d = evaluated.get(cid)
        stage = d.stage if d is not None else STAGE_PLAN
        step = next_step(d) if d is not None and d.is_open else None
        child = f"{forename} {surname}"
        family = contacts.get(child_id, _NO_CONTACTS)
        out.append(CaseRow(
            case_id=cid, reference=ref, child=child, date_of_birth=dob, upn=upn or "", school=school or "",
            primary_need=need or "", caseworker=username or "", caseworker_name=name or "", stage=stage,
            status=row_status(d, stage), next_step=step[0] if step else "", next_due=step[1] if step else None,
            late_advice=tuple(a.kind for a in d.advice if a.status == LATE) if d is not None else (),
            received=received,
            search_text=search_text_of((child, ref, upn, nhs, uln, school, setting if setting != school else None,
                                        *family.names),
                                       (postcode, *family.postcodes))))
    return out
