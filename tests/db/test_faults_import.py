"""Fault injection: kill -9 ``caseworker import`` mid-file, on SQLite and PostgreSQL.

An import is one transaction, however many parts of the file it has read and written, so a kill at
any moment leaves the database exactly as it was before, or (once the commit is through) exactly as a
finished import leaves it: it opens, SQLite's integrity check passes, and no row is half-written.
"""

from __future__ import annotations

import csv
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from caseworker.context import AppContext, fixed_clock
from caseworker.services.actor import resolve_actor
from caseworker.services.importing import import_tracker
from caseworker.store.database import normalise_url, open_database
from tests.db.faults import sqlite_integrity
from tests.db.logins import signed_in_as
from tests.db.test_import_volume import TODAY, tracker_rows
from tests.pg import fresh_pg_database

STORED = 1_000  # cases in the database before the import
ADDED = 5_000  # new cases in the file, beside every stored one changed
KILL_AT = (0.15, 0.4, 0.65, 0.9)  # fractions of a whole import's duration, process start included
TABLES = ("staff", "child", "contact", "ehc_case", "advice_request", "allocation", "audit_event", "school",
          "advice_service")


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def fill(url: str, tracker: Path) -> None:
    """A database in use: the stored cases, imported by the team's admin."""
    db = open_database(url)
    try:
        ctx = AppContext(db, clock=fixed_clock(TODAY))
        with db.session() as s:
            actor = resolve_actor(s, "lead")
        import_tracker(ctx, actor, tracker)
    finally:
        db.dispose()


def state(url: str) -> tuple[tuple[int, ...], int, str]:
    """Rows per table, how many children have the changed surname, and one stored surname."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            counts = tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES)
            changed = conn.execute(text("SELECT count(*) FROM child WHERE surname LIKE 'Changed%'")).scalar_one()
            first = conn.execute(text("SELECT surname FROM child ORDER BY id LIMIT 1")).scalar_one()
    finally:
        engine.dispose()
    return counts, changed, first


def start_import(url: str, tracker: Path) -> subprocess.Popen[bytes]:
    url, identity = signed_in_as(url, "lead")  # the admin fill() made
    return subprocess.Popen([sys.executable, "-m", "caseworker.cli", "--database", url, *identity, "import",
                             "--today", TODAY.isoformat(), str(tracker)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.faults
def test_kill_during_an_import_leaves_all_of_it_or_none(db_url: str, tmp_path: Path) -> None:
    rows = list(tracker_rows(STORED + ADDED))
    base = write(tmp_path / "base.csv", rows[:STORED])
    changed = [{**r, "surname": f"Changed{i}"} if i < STORED else r for i, r in enumerate(rows)]
    tracker = write(tmp_path / "tracker.csv", changed)
    sqlite = db_url.startswith("sqlite")
    fill(db_url, base)
    pristine = Path(db_url.removeprefix("sqlite:///")) if sqlite else None

    def fresh(n: int) -> str:
        if pristine is not None:
            target = tmp_path / f"round{n}.sqlite"
            shutil.copy(pristine, target)
            return f"sqlite:///{target}"
        server, filled = db_url.rsplit("/", 1)
        return fresh_pg_database(server, template=filled)  # a copy of the filled one, as the file copy above

    before = state(db_url)
    timed = fresh(0)
    started = time.perf_counter()
    assert start_import(timed, tracker).wait(timeout=600) == 0
    duration = time.perf_counter() - started
    after = state(timed)
    assert after[0] != before[0] and after[1] == STORED and before[1] == 0
    outcomes = []
    for n, fraction in enumerate(KILL_AT, start=1):
        url = fresh(n)
        proc = start_import(url, tracker)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if pristine is not None:
            assert sqlite_integrity(Path(url.removeprefix("sqlite:///"))) == "ok"
        reopened = open_database(url)  # it opens, and commands work on it
        reopened.dispose()
        found = state(url)
        outcomes.append("none" if found == before else "all" if found == after else "HALF")
        assert found in (before, after), (fraction, found, before, after)
    print(f"import of {STORED + ADDED:,} rows in {duration:.1f} s; after each kill: {outcomes}")
