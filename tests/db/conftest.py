"""Database fixtures: every test here runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from caseworker.context import AppContext, fixed_clock
from caseworker.services.actor import Actor
from caseworker.store.database import Database, open_database
from caseworker.store.models import Staff
from tests.pg import drop_pg_database, fresh_pg_database

TODAY = date(2025, 3, 1)


def _fresh_pg_database(server: str) -> str:
    """An empty database on the session's server (for tests of migrating or refusing what is there)."""
    return fresh_pg_database(server)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: empty, unless the test opens it through ``db``, when it is a copy of one the
    migrations made once (the state ``db`` would reach by migrating it, at a fraction of the cost)."""
    at_schema = "db" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "caseworker.sqlite"
        if at_schema:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("pg_server")
    url = fresh_pg_database(server, template=request.getfixturevalue("pg_template") if at_schema else None)
    yield url
    # Dropped now, not with the cluster at the end: some 9 MB a test, and deleting them all at once took
    # a minute or more of the session's teardown.
    drop_pg_database(url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def ctx(db: Database) -> AppContext:
    return AppContext(db=db, clock=fixed_clock(TODAY))


def add_staff(db: Database, username: str, role: str) -> Actor:
    with db.session() as s:
        staff = Staff(username=username, display_name=username.title(), role=role, fte=1.0, active=True)
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.username, staff.display_name, staff.role)


@pytest.fixture
def caseworker(db: Database) -> Actor:
    return add_staff(db, "jsmith", "caseworker")


@pytest.fixture
def lead(db: Database) -> Actor:
    return add_staff(db, "alead", "team_lead")


@pytest.fixture
def reader(db: Database) -> Actor:
    return add_staff(db, "viewer", "read_only")
