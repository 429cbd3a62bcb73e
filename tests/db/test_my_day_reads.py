"""My day's reads started early (``store.my_day_reads``): the same advice returns and plans as the reads
through the session, for the whole team and one caseworker; on SQLite on a connection of its own, given back
to the pool whether the rows were taken or not; a statement that fails says so when its rows are asked for."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from caseworker.context import AppContext, fixed_clock
from caseworker.statutory.plan_facts import MAINTAIN
from caseworker.statutory.risk import typical_turnaround
from caseworker.store.case_select import reading
from caseworker.store.database import Database
from caseworker.store.models import AdviceRequest, AdviceService, Case
from caseworker.store.my_day_reads import MyDayReads
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanReview
from caseworker.store.plan_reads import plan_facts
from caseworker.store.queries import advice_returns
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.my_day import may_have_work
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)


def add_plans(db: Database, n: int) -> None:
    """``n`` plans over two caseworkers, issued every 9 days back from ``TODAY``, with reviews (some
    decided), amendments and transfers on some."""
    records = [CaseRecord(reference=f"EHC-{k:04d}", forename="Amelia", surname=f"Jones{k}",
                          date_of_birth=TODAY - timedelta(days=1500 + 37 * k),
                          final_issued=TODAY - timedelta(days=9 * k),
                          caseworker=("jsmith", "akhan")[k % 2]) for k in range(n)]
    with db.session() as s:
        write_cases(s, records, actor_id=None, today=TODAY)
        for k, case_id in enumerate(s.scalars(select(Case.id).order_by(Case.reference))):
            issued = TODAY - timedelta(days=9 * k)
            if k % 3 == 0:
                decided = k % 2 == 1
                s.add(PlanReview(case_id=case_id, meeting_on=issued + timedelta(days=300),
                                 notified_on=issued + timedelta(days=320) if decided else None,
                                 decision=MAINTAIN if decided else None))
            if k % 4 == 1:
                s.add(PlanAmendment(case_id=case_id, notice_sent_on=TODAY - timedelta(days=k)))
            if k % 5 == 2:
                s.add(PhaseTransfer(case_id=case_id, kind="school", transfer_date=date(2026, 9, 1)))
        services = [AdviceService(name=f"Service {n}", kind="ep") for n in range(3)]
        s.add_all(services)
        s.flush()
        for k, case_id in enumerate(s.scalars(select(Case.id).order_by(Case.reference))):
            for again in range(2):  # some services return more than their latest few in the year
                asked = TODAY - timedelta(days=30 + 3 * k + again)
                s.add(AdviceRequest(case_id=case_id, kind="ep", service_id=services[k % 3].id, requested_on=asked,
                                    received_on=asked + timedelta(days=20 + k % 30) if k % 4 else None))


@pytest.mark.parametrize("caseworker", [None, "akhan"])
def test_the_same_plans_as_through_the_session(db: Database, caseworker: str | None) -> None:
    for who in ("jsmith", "akhan"):
        add_staff(db, who, "caseworker")
    add_plans(db, 80)
    among = may_have_work(AppContext(db=db, clock=fixed_clock(TODAY)).engine.rules, TODAY)
    rules = AppContext(db=db, clock=fixed_clock(TODAY)).engine.rules
    with reading(db) as s:
        expected = plan_facts(s, caseworker=caseworker, among=among, latest_reviews=True)
        returns = advice_returns(s, since=TODAY - timedelta(days=365), latest=rules.turnaround_window)
        early = MyDayReads(s, since=TODAY - timedelta(days=365), latest=rules.turnaround_window,
                           caseworker=caseworker, among=among)
        assert sorted(early.returns(), key=repr) == sorted(returns, key=repr)
        assert early.plans() == expected
        assert early.turnaround(rules) == typical_turnaround(returns, rules)
    assert len(returns) == 3 * rules.turnaround_window  # each service's latest returns, no more
    assert early.turnaround(rules)  # the services returned enough for a figure
    assert expected and all(p.caseworker == caseworker for p in expected if caseworker)
    assert {p.caseworker for p in expected} == ({"jsmith", "akhan"} if caseworker is None else {caseworker})


def test_the_connection_goes_back_whether_or_not_the_plans_are_taken(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_plans(db, 10)
    pool = db.engine.pool
    with reading(db) as s:
        before = pool.checkedout()  # type: ignore[attr-defined]
        MyDayReads(s, since=TODAY, latest=20).close()
        assert pool.checkedout() == before  # type: ignore[attr-defined]
        early = MyDayReads(s, since=TODAY, latest=20)
        assert len(early.plans()) == 10
        assert pool.checkedout() == before  # type: ignore[attr-defined]


def test_a_failed_statement_is_raised_when_the_plans_are_asked_for(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_plans(db, 3)
    with db.session() as s:
        s.execute(text("DROP TABLE plan_cease"))
    with reading(db) as s:
        early = MyDayReads(s, since=TODAY - timedelta(days=365), latest=20)
        assert len(early.returns()) == 4  # read before the statement that fails
        with pytest.raises(DBAPIError, match="plan_cease"):
            early.plans()
        early.close()  # again: nothing left to let go


def test_a_database_in_memory_is_read_through_the_session() -> None:
    """A second connection to SQLite in memory would open another, empty database: read through the session."""
    db = Database("sqlite:///:memory:")
    db.ensure_schema()
    add_staff(db, "jsmith", "caseworker")
    add_plans(db, 4)
    with reading(db) as s:
        early = MyDayReads(s, since=TODAY - timedelta(days=365), latest=20)
        assert len(early.plans()) == 4
        assert len(early.returns()) == 2 * 3  # received, of the 8 asked for
