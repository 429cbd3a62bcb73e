"""The plans' read (store/plan_reads.py, its SQL written as Core selects in store/plan_selects.py) on SQLite
and on PostgreSQL: the headless report's driver connection (running the kept text) and a desktop's session
(running the selects) read the same plans, whole or narrowed to a caseworker's or to given cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.services import plan_transfers, plans
from caseworker.services.actor import Actor
from caseworker.statutory.plan_facts import PlanFacts
from caseworker.store import reads
from caseworker.store.database import Database
from caseworker.store.models import Case
from caseworker.store.plan_reads import load_plan_facts, plan_facts
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)


def team_plans(db: Database, lead: Actor) -> dict[str, int]:
    """Three plans in place: Jo's two (one with a review met and a transfer recorded), Raj's one."""
    add_staff(db, "rkhan", "caseworker")
    held = {"EHC-0001": "jsmith", "EHC-0002": "rkhan", "EHC-0003": "jsmith"}
    with db.session() as s:
        write_cases(s, [CaseRecord(reference=ref, forename="Amelia", surname=f"Child{n}",
                                   date_of_birth=date(2015, 3, 2), final_issued=date(2024, 5, 20), caseworker=who)
                        for n, (ref, who) in enumerate(held.items())], actor_id=None, today=TODAY)
        ids = {ref: cid for ref, cid in s.execute(select(Case.reference, Case.id))}
    ctx = AppContext(db=db, clock=fixed_clock(TODAY))
    plans.record_review_meeting(ctx, lead, ids["EHC-0001"], date(2026, 2, 10))
    plan_transfers.record_transfer(ctx, lead, ids["EHC-0001"], "school", date(2026, 9, 1))
    return ids


def through_the_driver(url: str, caseworker: str | None = None) -> list[PlanFacts]:
    conn, dialect = reads.connect(url)
    try:
        return load_plan_facts(conn, dialect, caseworker=caseworker)
    finally:
        conn.close()


def test_the_driver_and_a_session_read_the_same_plans(db: Database, db_url: str, lead: Actor,
                                                      caseworker: Actor) -> None:
    ids = team_plans(db, lead)
    with db.sessions() as s:
        every = plan_facts(s)
        jos = plan_facts(s, caseworker="jsmith")
        chosen = plan_facts(s, case_ids=[ids["EHC-0002"], ids["EHC-0003"]])
        none = plan_facts(s, case_ids=[])
    assert through_the_driver(db_url) == every
    assert through_the_driver(db_url, "jsmith") == jos
    assert [p.reference for p in every] == ["EHC-0001", "EHC-0002", "EHC-0003"]
    assert [p.reference for p in jos] == ["EHC-0001", "EHC-0003"]
    assert chosen == every[1:]
    assert none == []  # no cases asked for is no plans, never every plan
    first = every[0]
    assert [r.meeting for r in first.reviews] == [date(2026, 2, 10)]
    assert first.transfer is not None and first.transfer.transfer_date == date(2026, 9, 1)
    assert through_the_driver(db_url, "nobody") == []
