"""The pool of a team database's connections: an idle connection the server has dropped is replaced before
use (pinged only after a pause, so opening a case spends no round trip on it), and no statement is prepared
on the server (preparing costs a round trip of its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from caseworker.store import database as store
from caseworker.store.database import Database, open_database
from tests.db.conftest import _fresh_pg_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def team_db(pg_server: str) -> Iterator[Database]:
    db = open_database(_fresh_pg_database(pg_server))
    yield db
    db.dispose()


def _backend_pid(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")))


def _end_backend(db: Database, pid: int) -> None:
    other = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with other.connect() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}) is True
    finally:
        other.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(team_db: Database,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pid = _backend_pid(team_db)  # now idle in the pool
    _end_backend(team_db, pid)
    monkeypatch.setattr(store, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has been idle long enough to be pinged

    assert _backend_pid(team_db) != pid  # the ping failed, the pool connected afresh, the read worked


def test_a_connection_used_a_moment_ago_is_not_pinged(team_db: Database) -> None:
    pid = _backend_pid(team_db)
    _end_backend(team_db, pid)

    # Within the pause no ping is spent, so the dropped connection's statement fails (once) ...
    with pytest.raises(OperationalError):
        _backend_pid(team_db)
    # ... and the pool has let it go: the next read is on a new connection.
    assert _backend_pid(team_db) != pid


def test_statements_run_often_are_not_prepared_on_the_server(team_db: Database) -> None:
    with team_db.engine.connect() as conn:
        for n in range(8):  # psycopg prepares a statement on its fifth run by default
            conn.execute(text("SELECT :n + 1"), {"n": n})
        assert conn.scalar(text("SELECT count(*) FROM pg_prepared_statements")) == 0


def test_the_desktops_connections_do_not_jit_compile_but_a_dbas_choice_wins(team_db: Database) -> None:
    with team_db.engine.connect() as conn:
        assert conn.scalar(text("SHOW jit")) == "off"
    chosen = open_database(team_db.engine.url.update_query_dict({"options": "-c jit=on"})
                           .render_as_string(hide_password=False))
    try:
        with chosen.engine.connect() as conn:
            assert conn.scalar(text("SHOW jit")) == "on"
    finally:
        chosen.dispose()
