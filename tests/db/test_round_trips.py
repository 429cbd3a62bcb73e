"""Each screen's data comes in a few statements, so a desktop on a council's network (every statement a round
trip) stays quick: opening a case in at most 3, My day, Cases and the team's caseload in at most 5 each.

Counted on the demo in SQLite, where the database itself reports every statement it runs (the ORM's and the
bulk readers' plain SQL alike); the same code sends the same statements to PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, func, select

from caseworker.caseload import default_settings
from caseworker.caseload.weights import plan_work_points
from caseworker.context import AppContext, fixed_clock
from caseworker.demo import build_demo
from caseworker.statutory.plans import clocks_for
from caseworker.store.database import Database, open_database
from caseworker.store.models import Allocation, Case, Consultation, Staff
from caseworker.store.plan_models import PhaseTransfer, PlanCease
from caseworker.store.plan_reads import plan_facts
from caseworker.views.case_detail import load_case_detail
from caseworker.views.case_list import load_case_rows
from caseworker.views.caseload import load_team_caseload, plan_work_by_case
from caseworker.views.my_day import load_my_day

TODAY = date(2026, 2, 2)


class Statements:
    """Every statement the database ran, as SQLite's trace hook reports it (housekeeping PRAGMAs left out)."""

    def __init__(self, db: Database) -> None:
        self.seen: list[str] = []
        self.on = False
        event.listen(db.engine, "connect", self._watch)
        db.engine.dispose()  # connections made before the hook was installed

    def _watch(self, conn: Any, _record: Any) -> None:
        conn.set_trace_callback(self._saw)

    def _saw(self, sql: str) -> None:
        if self.on and not sql.lstrip().upper().startswith("PRAGMA"):
            self.seen.append(sql)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.seen, self.on = [], True
        try:
            yield self.seen
        finally:
            self.on = False


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, Statements]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('trips') / 'county.sqlite'}"
    build_demo(url, scale="county", today=TODAY, login="lead")
    db = open_database(url)
    yield AppContext(db=db, clock=fixed_clock(TODAY)), Statements(db)
    db.dispose()


def some_case(ctx: AppContext, *where: Any) -> int:
    with ctx.db.sessions() as s:
        found = s.scalar(select(Case.id).where(*where).order_by(Case.id).limit(1))
    assert found is not None, "the demo has no such case"
    return found


def cases_worth_opening(ctx: AppContext) -> dict[str, int]:
    """A request with consultations, a plan with a transfer consulted on, a ceased plan, an allocated case."""
    return {
        "request consulted": some_case(ctx, Case.final_issued_on.is_(None),
                                       Case.id.in_(select(Consultation.case_id))),
        "plan with a transfer": some_case(ctx, Case.id.in_(select(PhaseTransfer.case_id).where(
            PhaseTransfer.consulted_school_id.is_not(None)))),
        "ceased plan": some_case(ctx, Case.id.in_(select(PlanCease.case_id).where(PlanCease.ceased_on.is_not(None)))),
        "allocated case": some_case(ctx, Case.id.in_(select(Allocation.case_id))),
    }


def test_opening_a_case_takes_at_most_three_statements(demo: tuple[AppContext, Statements]) -> None:
    ctx, statements = demo
    for what, case_id in cases_worth_opening(ctx).items():
        with statements.counting() as seen:
            detail = load_case_detail(ctx, case_id, TODAY)
        assert detail.case_id == case_id
        assert 1 <= len(seen) <= 3, (what, seen)


def test_the_record_read_in_three_statements_is_the_whole_record(demo: tuple[AppContext, Statements]) -> None:
    """The joined and unioned reads miss nothing: a plan's transfer, a ceased plan, a request's history."""
    ctx, _ = demo
    cases = cases_worth_opening(ctx)
    transfer = load_case_detail(ctx, cases["plan with a transfer"], TODAY).plan
    assert transfer is not None and transfer.facts is not None and transfer.facts.transfer is not None
    ceased = load_case_detail(ctx, cases["ceased plan"], TODAY).plan
    assert ceased is not None and ceased.facts is None and ceased.cease is not None
    request = load_case_detail(ctx, cases["request consulted"], TODAY)
    assert request.consultations and request.history
    assert load_case_detail(ctx, cases["allocated case"], TODAY).allocations


@pytest.mark.parametrize("one_caseworker", [False, True])
def test_my_day_takes_at_most_five_statements(demo: tuple[AppContext, Statements], one_caseworker: bool) -> None:
    ctx, statements = demo
    with ctx.db.sessions() as s:
        busiest = s.scalar(select(Staff.username).join(Case, Case.caseworker_id == Staff.id)
                           .group_by(Staff.username).order_by(func.count().desc()).limit(1))
    who = busiest if one_caseworker else None
    with statements.counting() as seen:
        day = load_my_day(ctx, TODAY, who)
    assert any(day.sections.values())
    assert 1 <= len(seen) <= 5, seen


def test_the_cases_list_takes_at_most_five_statements(demo: tuple[AppContext, Statements]) -> None:
    ctx, statements = demo
    with statements.counting() as seen:
        rows = load_case_rows(ctx, TODAY)
    assert rows
    assert 1 <= len(seen) <= 5, seen


def test_the_team_caseload_takes_at_most_five_statements(demo: tuple[AppContext, Statements]) -> None:
    ctx, statements = demo
    with statements.counting() as seen:
        team = load_team_caseload(ctx, TODAY)
    assert team.cases and team.people
    assert 1 <= len(seen) <= 5, seen


def test_the_caseload_reads_every_plan_with_work(demo: tuple[AppContext, Statements]) -> None:
    """Only the plans that may have work are read for the caseload: the same points as running the plan
    clocks over every plan in place."""
    ctx, _ = demo
    settings = default_settings()
    with ctx.db.sessions() as s:
        schedules = clocks_for(ctx.engine.rules, ctx.engine.calendar).schedule_all(plan_facts(s), TODAY)
        every = {p.facts.case_id: w for p in schedules if (w := plan_work_points(p, settings))}
        read = plan_work_by_case(s, ctx.engine, TODAY, settings)
    assert len(every) > 20  # the demo's plans have reviews due, amendments and transfers under way
    assert read == every
