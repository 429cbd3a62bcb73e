"""The requests' read (store/reads.py, its SQL compiled from store/request_selects.py) on SQLite and on
PostgreSQL: the nightly report's driver connection and a desktop's session read the same requests, with
their advice and exceptions, narrowed by open requests, caseworker and references."""

from __future__ import annotations

from datetime import date

from caseworker.context import AppContext
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.statutory.engine import RequestFacts
from caseworker.store import reads
from caseworker.store.database import Database
from caseworker.store.queries import load_request_facts
from tests.db.conftest import add_staff


def register(ctx: AppContext, actor: Actor, reference: str, caseworker: str, surname: str) -> int:
    return steps.register_request(ctx, actor, steps.NewRequest(
        forename="Amelia", surname=surname, date_of_birth=date(2016, 3, 14), received=date(2024, 11, 4),
        reference=reference, caseworker=caseworker))


def team_requests(ctx: AppContext, lead: Actor) -> None:
    """Three requests: Jo's open one with advice and exceptions, Jo's withdrawn one, Raj's open one."""
    add_staff(ctx.db, "rkhan", "caseworker")
    open_one = register(ctx, lead, "EHC-0001", "jsmith", "Jones")
    steps.record_decision_to_assess(ctx, lead, open_one, True, date(2024, 12, 9))
    steps.request_advice(ctx, lead, open_one, "health", date(2024, 12, 10), sent_by="post")
    steps.request_advice(ctx, lead, open_one, "ep", date(2024, 12, 11))
    steps.record_exception(ctx, lead, open_one, "c", date(2025, 1, 20), "in hospital", began_on=date(2025, 1, 6))
    steps.record_exception(ctx, lead, open_one, "d", date(2025, 1, 20), began_on=date(2024, 12, 1),
                           ended_on=date(2024, 12, 20))
    gone = register(ctx, lead, "EHC-0002", "jsmith", "Brown")
    steps.withdraw(ctx, lead, gone, date(2025, 1, 10), "the family moved away")
    register(ctx, lead, "EHC-0003", "rkhan", "Patel")


def through_the_driver(url: str, **narrowed: object) -> list[RequestFacts]:
    conn, dialect = reads.connect(url)
    try:
        return reads.load_request_facts(conn, dialect, **narrowed)  # type: ignore[arg-type]
    finally:
        conn.close()


def test_the_driver_and_a_session_read_the_same_requests(ctx: AppContext, db: Database, db_url: str,
                                                         lead: Actor, caseworker: Actor) -> None:
    team_requests(ctx, lead)
    with db.session() as s:
        in_session = load_request_facts(s, open_only=False)
    assert through_the_driver(db_url, open_only=False) == in_session
    assert [f.reference for f in in_session] == ["EHC-0001", "EHC-0002", "EHC-0003"]
    first = in_session[0]
    assert (first.child, first.caseworker, first.decision_to_assess) == ("Amelia Jones", "jsmith", True)
    assert [(a.kind, a.requested, a.sent_by) for a in first.advice] == [
        ("health", date(2024, 12, 10), "post"), ("ep", date(2024, 12, 11), "email")]
    assert [(e.ground, e.began, e.ended, e.note) for e in first.exceptions] == [
        ("c", date(2025, 1, 6), None, "in hospital"), ("d", date(2024, 12, 1), date(2024, 12, 20), "")]
    assert in_session[1].withdrawn == date(2025, 1, 10) and in_session[1].advice == []


def test_open_requests_one_caseworkers_and_given_references(ctx: AppContext, db: Database, db_url: str,
                                                            lead: Actor, caseworker: Actor) -> None:
    team_requests(ctx, lead)

    def refs(**narrowed: object) -> list[str]:
        return [f.reference for f in through_the_driver(db_url, **narrowed)]

    assert refs() == ["EHC-0001", "EHC-0003"]
    assert refs(caseworker="jsmith") == ["EHC-0001"]
    assert refs(open_only=False, caseworker="jsmith") == ["EHC-0001", "EHC-0002"]
    assert refs(open_only=False, references=["EHC-0003", "EHC-0002", "EHC-9999"]) == ["EHC-0002", "EHC-0003"]
    assert refs(open_only=False, references=[]) == []
    assert refs(caseworker="rkhan", references=["EHC-0001"]) == []
    [only] = through_the_driver(db_url, references=["EHC-0001"])
    assert len(only.advice) == 2 and len(only.exceptions) == 2  # the events narrowed the same way
