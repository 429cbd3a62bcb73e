"""Every commit that changes a case tells the other desktops, on PostgreSQL: the payload names the case
and who acted, a rolled-back change sends nothing, and a SQLite file installs nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from sqlalchemy import insert, text

from caseworker.context import AppContext
from caseworker.errors import ValidationError
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.store.database import Database, open_database
from caseworker.store.models import AuditEvent, School
from caseworker.store.notify import CHANNEL, Change, read_payload
from tests.db.test_services import new_request


def listening(db: Database) -> psycopg.Connection:
    cargs, cparams = db.engine.dialect.create_connect_args(db.engine.url)
    conn = psycopg.connect(*cargs, **cparams, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def received(conn: psycopg.Connection, wait: float = 2.0) -> list[Change]:
    changes = [read_payload(n.payload) for n in conn.notifies(timeout=wait, stop_after=1)]
    changes += [read_payload(n.payload) for n in conn.notifies(timeout=0.2)]  # anything right behind it
    return [c for c in changes if c is not None]


@pytest.fixture
def listener(db: Database) -> Iterator[psycopg.Connection]:
    if db.is_sqlite:
        pytest.skip("a personal SQLite file has no other desktops to tell")
    conn = listening(db)
    yield conn
    conn.close()


def test_a_step_saved_names_its_case_and_who_acted(ctx: AppContext, caseworker: Actor,
                                                   listener: psycopg.Connection) -> None:
    case_id = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0101"))
    [registered] = received(listener)
    assert registered.cases == (case_id,) and registered.actor_id == caseworker.id
    assert registered.origin == ctx.db.origin and "case" in registered.kinds

    steps.record_decision_to_assess(ctx, caseworker, case_id, True, date(2025, 2, 10))
    [decided] = received(listener)
    with ctx.db.session() as s:  # a Core insert through the session: its rows name the case
        s.execute(insert(AuditEvent), [{"at": decided.at, "actor_id": None, "action": "note", "entity": "case",
                                        "case_id": case_id}])
    [inserted] = received(listener)
    assert inserted.cases == (case_id,)
    assert decided.cases == (case_id,)
    assert decided.at >= registered.at


def test_a_refused_step_sends_nothing(ctx: AppContext, caseworker: Actor, listener: psycopg.Connection) -> None:
    case_id = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0102"))
    received(listener)
    with pytest.raises(ValidationError):
        steps.record_decision_to_assess(ctx, caseworker, case_id, True, date(2024, 1, 1))  # before the request
    assert received(listener, wait=0.5) == []


def test_a_rolled_back_write_sends_nothing(db: Database, listener: psycopg.Connection, caseworker: Actor) -> None:
    received(listener)  # the fixture's own staff row
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(School(name="Riverside Primary"))
        s.flush()  # written, then undone
        raise RuntimeError("changed our mind")
    assert received(listener, wait=0.5) == []


def test_a_change_tied_to_no_case_asks_for_everything(db: Database, listener: psycopg.Connection) -> None:
    with db.session() as s:
        s.execute(text("SELECT 1"))
    assert received(listener, wait=0.5) == []  # reading is not changing
    with db.session() as s:
        s.add(School(name="Riverside Primary"))
    [change] = received(listener)
    assert change.everything


def test_sqlite_installs_nothing(tmp_path: object) -> None:
    from caseworker.store.notify import PENDING

    db = open_database(f"sqlite:///{tmp_path}/personal.sqlite")
    try:
        with db.sessions() as s:
            s.add(School(name="Riverside Primary"))
            s.flush()
            assert PENDING not in s.info  # no hooks: nothing is collected on a personal file
            s.commit()
    finally:
        db.dispose()
