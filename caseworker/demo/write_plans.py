"""Writing the demo plans' histories (``plan_history``) once every plan is on record.

The plans are read back in id order, each history drawn in turn and its rows written in multi-row
inserts a part at a time, so a national demo's 640,000 plans never sit in memory at once. A move keeps
the setting consulted on its row (section I keeps naming the child's present setting until the move);
a child taught out of their year group is marked on the child.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from caseworker.demo.plan_history import (
    History,
    PlanSeed,
    ceased_with_reason,
    decided_in_window,
    draw_history,
)
from caseworker.demo.team import DemoSchool
from caseworker.store.models import Case, Child
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview
from caseworker.store.writer import bulk_insert, chunks

PART = 20_000  # plans drawn and written at a time
SHOWN_AFTER = 730  # days: a plan at least this old shows each ceasing example


@dataclass
class PlanCounts:
    """What the histories hold, for the demo's summary."""

    reviews: int = 0
    amendments: int = 0
    transfers: int = 0
    transfers_done: int = 0
    ceasing: int = 0  # proposed, decided or under appeal
    ceased: int = 0
    out_of_year_group: int = 0


class _Rows:
    """A part's rows by table, and what the plans' cases and children need changing."""

    def __init__(self) -> None:
        self.by_model: dict[Any, list[dict[str, Any]]] = {}
        self.behind: list[int] = []
        self.clear()

    def clear(self) -> None:
        self.by_model = {PlanReview: [], PlanAmendment: [], PhaseTransfer: [], PlanCease: []}
        self.behind = []

    def write(self, session: Session) -> None:
        for model, rows in self.by_model.items():
            for batch in chunks(rows, 5_000):
                session.execute(bulk_insert(model), list(batch))
        for part in chunks(self.behind):
            session.execute(update(Child).where(Child.id.in_(list(part))).values(year_group_offset=1))
        self.clear()


def write_plan_histories(session: Session, *, today: date, seed: int, scale: str, schools: Sequence[DemoSchool],
                         school_ids: dict[str, int]) -> PlanCounts:
    """Draw and write every plan's history; ``school_ids`` by URN, as the writer added the schools."""
    rng = random.Random(f"caseworker-demo-plans:{seed}:{scale}")
    by_phase: dict[str, list[int]] = {}
    phase_of: dict[int, str] = {}
    for school in schools:
        sid = school_ids[school.record.urn or school.name]
        by_phase.setdefault(school.phase, []).append(sid)
        phase_of[sid] = school.phase
    counts = PlanCounts()
    rows = _Rows()
    examples = ["window", "ceased"]  # each shown on the first plan old enough (and able) to show it
    for n, (plan, own_school) in enumerate(_plans(session, phase_of), start=1):
        forced = _example(rng, plan, today, examples[0]) if examples else None
        if forced is not None:
            examples.pop(0)
        h = draw_history(rng, plan, today, forced_cease=forced)
        _add(rows, counts, plan, own_school, h, rng, by_phase)
        if n % PART == 0:
            rows.write(session)
    rows.write(session)
    return counts


def _plans(session: Session, phase_of: dict[int, str]) -> Iterator[tuple[PlanSeed, int | None]]:
    """Every issued plan, oldest case first, with the child's own school."""
    stmt = (select(Case.id, Case.final_issued_on, Child.date_of_birth, Child.id, Child.school_id)
            .join(Child, Child.id == Case.child_id).where(Case.final_issued_on.is_not(None)).order_by(Case.id))
    for cid, issued, born, child_id, school_id in session.execute(stmt).all():
        assert issued is not None  # the query asks for issued plans only
        yield PlanSeed(cid, issued, born, child_id, phase_of.get(school_id) if school_id else None), school_id


def _example(rng: random.Random, plan: PlanSeed, today: date, which: str) -> dict[str, Any] | None:
    if (today - plan.issued).days < SHOWN_AFTER:
        return None
    return decided_in_window(plan, today) if which == "window" else ceased_with_reason(rng, plan, today)


def _add(rows: _Rows, counts: PlanCounts, plan: PlanSeed, own_school: int | None, h: History, rng: random.Random,
         by_phase: dict[str, list[int]]) -> None:
    cid = plan.case_id
    rows.by_model[PlanReview] += [{"case_id": cid, **r} for r in h.reviews]
    rows.by_model[PlanAmendment] += [{"case_id": cid, **a} for a in h.amendments]
    counts.reviews += len(h.reviews)
    counts.amendments += len(h.amendments)
    if h.transfer is not None:
        choices = by_phase.get(h.next_setting_phase or "", [])
        consulted = rng.choice(choices) if h.next_setting_phase and choices else own_school
        if h.transfer["consultation_sent_on"] is None:
            consulted = None  # not consulted yet
        rows.by_model[PhaseTransfer].append({"case_id": cid, "consulted_school_id": consulted, **h.transfer})
        counts.transfers += 1
        if h.transfer["done_on"] is not None:
            counts.transfers_done += 1
    if h.cease is not None:
        rows.by_model[PlanCease].append({"case_id": cid, **h.cease})
        if h.cease["ceased_on"] is not None:
            counts.ceased += 1
        elif h.cease["withdrawn_on"] is None:
            counts.ceasing += 1
    if h.year_group_offset:
        rows.behind.append(plan.child_id)
        counts.out_of_year_group += 1


def describe_plans(session: Session, today: date) -> list[str]:
    """The demo's plans as the engine sees them on ``today``, for the summary the demo prints."""
    from collections import Counter

    from caseworker.statutory.plans import CEASE_DECIDED, plan_schedule
    from caseworker.store.plan_reads import plan_facts

    reviews: Counter[str] = Counter()
    amendments: Counter[str] = Counter()
    transfers: Counter[str] = Counter()
    in_comments = window = 0
    ceased = session.scalar(select(func.count()).select_from(PlanCease).where(PlanCease.ceased_on.is_not(None)))
    for facts in plan_facts(session):
        s = plan_schedule(facts, today)
        reviews[s.review.status] += 1
        if s.amendment is not None and s.amendment.done is None:
            amendments[s.amendment.status] += 1
            in_comments += today <= s.amendment.comments_until
        if s.transfer is not None:
            transfers["done" if s.transfer.done else s.transfer.status] += 1
        window += s.cease is not None and s.cease.state == CEASE_DECIDED and not s.cease.may_cease(today)
    return [f"  plans: reviews {reviews['overdue']:,} overdue, {reviews['due_soon']:,} due within 8 weeks; amendments "
            f"open {sum(amendments.values()):,} ({in_comments:,} in the family's 15 days, {amendments['overdue']:,} "
            f"overdue)",
            f"  phase transfers recorded {sum(transfers.values()):,} ({transfers['done']:,} done, "
            f"{transfers['overdue']:,} overdue, {transfers['due_soon']:,} due within 4 weeks); "
            f"{window:,} plans in a cease decision's appeal window, {ceased:,} ceased"]
