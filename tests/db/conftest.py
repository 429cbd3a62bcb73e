"""Database fixtures: every test here runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from caseworker.context import AppContext, fixed_clock
from caseworker.services.actor import Actor
from caseworker.store.database import Database, open_database
from caseworker.store.models import Staff
from tests.pg import throwaway_cluster

TODAY = date(2025, 3, 1)
_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    given = os.environ.get("CASEWORKER_TEST_POSTGRES_URL")
    if given:
        yield given.rstrip("/")
        return
    try:
        with throwaway_cluster() as url:
            yield url
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and could not be started: {exc}")
        pytest.skip(f"no PostgreSQL here ({exc}); CI runs these")


def _fresh_pg_database(server: str) -> str:
    name = f"cw_test_{os.getpid()}_{next(_names)}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'caseworker.sqlite'}"
    return _fresh_pg_database(request.getfixturevalue("pg_server"))


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
