"""Every request and plan as one flat row, for the case list (search, filter, sort)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, Subquery, func, select
from sqlalchemy.orm import aliased

from caseworker.context import AppContext
from caseworker.reports.deadlines import next_step
from caseworker.statutory.engine import DUE_SOON, EXEMPT, LATE, OVERDUE, RequestDeadlines
from caseworker.store.case_select import reading
from caseworker.store.models import Case, Child, Contact, School, Staff
from caseworker.store.queries import load_request_facts
from caseworker.text_folding import fold_for_search
from caseworker.views.case_list_plans import PlanListFacts, plan_list_facts

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
    # A plan in place (see case_list_plans): its next annual review and its next phase transfer.
    next_review: date | None = None
    review: str = ""  # overdue, due_soon or pending; "" with no plan maintained
    transfer_on: date | None = None
    transfer_to: str = ""

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


def contacts_by_child() -> Subquery:
    """Each child's contacts' names (space-separated) and postcodes ("|"-separated), one row a child
    (group_concat on SQLite, string_agg on PostgreSQL)."""
    return (select(Contact.child_id, func.aggregate_strings(Contact.name, " ").label("names"),
                    func.aggregate_strings(Contact.postcode, "|").label("postcodes"))
            .group_by(Contact.child_id).subquery())


def case_list_query() -> Select[*tuple[Any, ...]]:
    """Every case with its child, school, named setting, caseworker and family, in one query (in the
    order ``case_row`` reads them)."""
    setting, family = aliased(School), contacts_by_child()
    return (select(Case.id, Case.reference, Case.received_on, Child.forename, Child.surname, Child.date_of_birth,
                   Child.upn, Child.nhs_number, Child.uln, Child.postcode, Child.primary_need,
                   School.name.label("school"), setting.name.label("setting"), Staff.username,
                   Staff.display_name, family.c.names.label("family"), family.c.postcodes.label("family_postcodes"))
            .join(Child, Child.id == Case.child_id)
            .outerjoin(School, School.id == Child.school_id)
            .outerjoin(setting, setting.id == Case.named_setting_id)
            .outerjoin(Staff, Staff.id == Case.caseworker_id)
            .outerjoin(family, family.c.child_id == Child.id)
            .order_by(Case.reference))


def case_row(r: Sequence[Any], d: RequestDeadlines | None, plan: PlanListFacts | None = None) -> CaseRow:
    """One row of the list from the query's row and, for a request, its deadlines; for a plan, its review
    and transfer."""
    (case_id, reference, received, forename, surname, born, upn, nhs, uln, postcode, need, school, setting,
     username, caseworker_name, family, family_postcodes) = r
    stage = d.stage if d is not None else STAGE_PLAN
    step = next_step(d) if d is not None and d.is_open else None
    child = f"{forename} {surname}"
    return CaseRow(
        case_id=case_id, reference=reference, child=child, date_of_birth=born, upn=upn or "", school=school or "",
        primary_need=need or "", caseworker=username or "", caseworker_name=caseworker_name or "", stage=stage,
        status=row_status(d, stage), next_step=step[0] if step else "", next_due=step[1] if step else None,
        late_advice=tuple(a.kind for a in d.advice if a.status == LATE) if d is not None else (),
        received=received,
        next_review=plan.next_review if plan else None, review=plan.review if plan else "",
        transfer_on=plan.transfer_on if plan else None, transfer_to=plan.transfer_to if plan else "",
        search_text=search_text_of(
            (child, reference, upn, nhs, uln, school, setting if setting != school else None, family),
            (postcode, *(family_postcodes.split("|") if family_postcodes else ()))))


def load_case_rows(ctx: AppContext, today: date) -> list[CaseRow]:
    """All cases, requests evaluated as of ``today``; sorted by reference."""
    with reading(ctx.db) as s:
        facts = load_request_facts(s, open_only=False)
        evaluated = {d.facts.id: d for d in ctx.engine.evaluate_all(facts, today)}
        plans = plan_list_facts(s, ctx.engine, today)
        # SQLite: a batch at a time as the rows are made, so the query's rows are never all held at once.
        # PostgreSQL: in one go, as the driver holds them anyway; batches there would be a server cursor and
        # a round trip for each.
        query = case_list_query()
        if ctx.db.is_sqlite:
            query = query.execution_options(yield_per=2000)
        result = s.execute(query)
        return [case_row(r, evaluated.get(r[0]), plans.get(r[0])) for r in result]


def load_case_rows_for(ctx: AppContext, today: date, case_ids: Iterable[int]) -> list[CaseRow]:
    """The rows of the cases named (the ones still on record), as ``load_case_rows`` makes them: what the
    list reloads when another desktop changes a few cases."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    with ctx.db.sessions() as s:
        found = s.execute(case_list_query().where(Case.id.in_(ids))).all()
        references = [r[1] for r in found]
        facts = load_request_facts(s, open_only=False, references=references) if references else []
        evaluated = {d.facts.id: d for d in ctx.engine.evaluate_all(facts, today)}
        plans = plan_list_facts(s, ctx.engine, today, case_ids=ids)
        return [case_row(r, evaluated.get(r[0]), plans.get(r[0])) for r in found]
