"""The cases nobody holds, for a team lead's My day: read on their own, not with the whole team's caseloads.

The Team page's caseloads (``views.caseload``) also list them, but reading those means every case's points,
every plan through the plan clocks and everyone's capacity: a second on a large council's 25,000 cases, on
every load of My day. The list here needs only the cases with no caseworker (a few, normally): one statement
for them and the deadline engine's usual two for their requests. Each is described as the Team page
describes it: the caseload state of its request (or "plan in place") and the next step not done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from caseworker.caseload import state_of
from caseworker.caseload.settings import PLAN
from caseworker.caseload.weights import STATE_WORDS, next_due_work
from caseworker.context import AppContext
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.case_select import reading
from caseworker.store.caseload_reads import cases_nobody_holds
from caseworker.store.queries import load_request_facts


@dataclass(frozen=True, slots=True)
class WaitingCase:
    """A request or plan nobody holds, as the "Cases not allocated" list shows it."""

    case_id: int
    reference: str
    child: str
    state: str  # the caseload state (``caseworker.caseload.weights.STATE_WORDS``)
    next_due: date | None  # the earliest step or advice not done
    next_what: str
    overdue: bool  # a statutory step is past its date

    @property
    def state_words(self) -> str:
        return STATE_WORDS.get(self.state, self.state)


def read_waiting_cases(s: Session, engine: DeadlineEngine, today: date) -> list[WaitingCase]:
    """The cases with no caseworker that carry work (a request running or issued, or a plan in place; not one
    withdrawn or refused), by reference, through the caller's session."""
    cases = cases_nobody_holds(s)
    requested = [ref for _, ref, received, *_ in cases if received is not None]
    facts = load_request_facts(s, open_only=False, references=requested) if requested else []
    evaluated = {r.facts.id: r for r in engine.evaluate_all(facts, today)}
    waiting: list[WaitingCase] = []
    for cid, ref, _, final, child in cases:
        dl = evaluated.get(cid)
        if dl is not None:
            state = state_of(dl)
            if state is not None:
                due, what = next_due_work(dl)
                waiting.append(WaitingCase(cid, ref, child, state, due, what, any(m.breached for m in dl.milestones)))
        elif final is not None:  # a plan in place with no request on record (brought over from a tracker)
            waiting.append(WaitingCase(cid, ref, child, PLAN, None, "", False))
    return waiting


def waiting_cases(ctx: AppContext, today: date, session: Session | None = None) -> list[WaitingCase]:
    """``read_waiting_cases`` through the application's database (or the caller's ``session``)."""
    if session is not None:
        return read_waiting_cases(session, ctx.engine, today)
    with reading(ctx.db) as s:
        return read_waiting_cases(s, ctx.engine, today)
