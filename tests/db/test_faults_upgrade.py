"""Fault injection: kill -9 during a schema upgrade, on SQLite and PostgreSQL.

An upgrade is one transaction, so a kill at any moment leaves either the old schema or the new one,
never a mixture; the next start finishes the job and every row is still there.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from caseworker.store.database import normalise_url, open_database
from caseworker.store.location import SCHEMA_REVISION
from caseworker.store.migrate import upgrade
from tests.db.faults import sqlite_integrity
from tests.pg import fresh_pg_database

ROWS = 30_000
FIRST = "0001_initial"
KILL_AT = (0.2, 0.4, 0.55, 0.7, 0.85, 0.95)  # fractions of an upgrade's own duration, process start included


def fill(url: str) -> None:
    """A first-release database in use: staff, children, requests, advice and exceptions."""
    engine = create_engine(normalise_url(url))
    upgrade(engine, FIRST)
    series = f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS})"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff (id, username, display_name, role, fte, active, version) "
                          "VALUES (1, 'jsmith', 'Jo Smith', 'caseworker', 1.0, TRUE, 1)"))
        conn.execute(text(f"INSERT INTO child (forename, surname, date_of_birth, version) {series} "
                          "SELECT 'Child' || i, 'Jones', '2015-01-01', 1 FROM n"))
        conn.execute(text("INSERT INTO ehc_case (reference, child_id, caseworker_id, received_on, keyed_on, version) "
                          "SELECT 'EHC-' || id, id, 1, '2025-01-06', '2025-01-06', 1 FROM child"))
        conn.execute(text("INSERT INTO advice_request (case_id, kind, requested_on, version) "
                          "SELECT id, 'ep', '2025-02-11', 1 FROM ehc_case"))
        conn.execute(text("INSERT INTO statutory_exception (case_id, ground, recorded_on, note, version) "
                          "SELECT id, 'c', '2025-02-05', '', 1 FROM ehc_case"))
    engine.dispose()


def start_upgrade(url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "caseworker.cli", "--database", url, "db", "upgrade"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def revision_and_counts(url: str) -> tuple[str, tuple[int, ...]]:
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        counts = tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                       for t in ("child", "ehc_case", "advice_request", "statutory_exception"))
    engine.dispose()
    return rev, counts


def fresh_copy(db_url: str, pristine: Path | None, tmp_path: Path, n: int) -> str:
    """A new first-release database for one round: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL."""
    if pristine is not None:
        target = tmp_path / f"round{n}.sqlite"
        shutil.copy(pristine, target)
        return f"sqlite:///{target}"
    server, filled = db_url.rsplit("/", 1)
    return fresh_pg_database(server, template=filled)  # a copy of the filled one, as the file copy above


@pytest.mark.faults
def test_kill_during_an_upgrade_leaves_the_old_schema_or_the_new(db_url: str, tmp_path: Path) -> None:
    fill(db_url)
    pristine = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None
    expected = (ROWS, ROWS, ROWS, ROWS)
    timed = fresh_copy(db_url, pristine, tmp_path, 0)
    started = time.perf_counter()
    assert start_upgrade(timed).wait(timeout=120) == 0
    duration = time.perf_counter() - started
    outcomes = []
    for n, fraction in enumerate(KILL_AT, start=1):
        url = fresh_copy(db_url, pristine, tmp_path, n)
        proc = start_upgrade(url)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        rev, counts = revision_and_counts(url)
        outcomes.append(rev)
        assert rev in (FIRST, SCHEMA_REVISION) and counts == expected, (fraction, rev, counts)
        if pristine is not None:
            assert sqlite_integrity(Path(url.removeprefix("sqlite:///"))) == "ok"
        reopened = open_database(url)  # the next start finishes the upgrade
        assert reopened.stored_revision() == SCHEMA_REVISION
        reopened.dispose()
        assert revision_and_counts(url) == (SCHEMA_REVISION, expected)
    print(f"revision found after each kill: {outcomes}")


def test_a_copy_is_taken_before_upgrading_a_sqlite_file_with_data(tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite"
    fill(f"sqlite:///{path}")
    db = open_database(f"sqlite:///{path}", migrate=False)
    copy = db.upgrade()
    db.dispose()
    assert copy is not None and copy.parent == tmp_path and FIRST in copy.name
    assert revision_and_counts(f"sqlite:///{copy}") == (FIRST, (ROWS, ROWS, ROWS, ROWS))
    assert revision_and_counts(f"sqlite:///{path}") == (SCHEMA_REVISION, (ROWS, ROWS, ROWS, ROWS))


def test_no_copy_of_a_new_empty_database(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'new.sqlite'}", migrate=False)
    assert db.upgrade() is None
    db.dispose()
    assert [p.name for p in tmp_path.iterdir() if "before-upgrade" in p.name] == []
