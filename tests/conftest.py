"""Test-wide settings: no display needed, and nothing touches the real user's data folder.

Also the session's shared databases: one throwaway PostgreSQL cluster for every directory, and a SQLite
file and a PostgreSQL database migrated once, which each test copies instead of running every migration
again (about a third of a second a test, on two cores more than the tests themselves).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

# Set before anything imports Qt or resolves the data folder.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CASEWORKER_DATA_DIR"] = tempfile.mkdtemp(prefix="caseworker-test-data-")
os.environ.pop("CASEWORKER_DATABASE_URL", None)
os.environ.pop("CASEWORKER_USER", None)

import pytest

from tests.pg import fresh_pg_database, throwaway_cluster

PG_TEMPLATE = f"cw_template_{os.getpid()}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The one PostgreSQL server of the session (a URL with no database part); every directory shares it."""
    given = os.environ.get("CASEWORKER_TEST_POSTGRES_URL")
    if given:
        yield given.rstrip("/")
        return
    try:
        with throwaway_cluster() as url:
            yield url
    except (RuntimeError, OSError) as exc:
        no_postgres(exc)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the current schema, made once by the application's own migrations."""
    from caseworker.store.database import open_database

    path = tmp_path_factory.mktemp("template") / "caseworker.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A database at the current schema that CREATE DATABASE ... TEMPLATE copies; nobody stays connected
    to it (PostgreSQL refuses to copy a database in use)."""
    from sqlalchemy import create_engine, text

    from caseworker.store.database import open_database

    url = fresh_pg_database(pg_server, name=PG_TEMPLATE)
    open_database(url).dispose()
    yield PG_TEMPLATE
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)'))
    admin.dispose()


def no_postgres(exc: BaseException) -> NoReturn:
    """A PostgreSQL server could not be started: a failure under CI (the promise is checked on every
    submission), a skip on a developer's machine without one."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI and could not be started: {exc}")
    pytest.skip(f"no PostgreSQL here ({exc}); CI runs these")
