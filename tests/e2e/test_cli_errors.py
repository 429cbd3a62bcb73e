"""Every bad or unreachable database, and every impossible argument, is one line on standard error and
a documented exit code (README, "Headless commands"): never a traceback, and nothing is created or changed."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.e2e.in_process import run_cli
from tests.pg import free_port


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def one_line(out: subprocess.CompletedProcess[str]) -> str:
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    return lines[0]


@pytest.mark.parametrize(("url", "says"), [
    ("nonsense", "is not a database address"),
    ("mysql://user@localhost/cases", "works with SQLite files and PostgreSQL"),
    ("sqlite:///", "give the SQLite file's path"),
    ("postgresql://[bad", "cannot use the database"),
    # A port free at collection: its id is fixed, so parallel test workers collect the same tests.
    pytest.param(f"postgresql://nobody@127.0.0.1:{free_port()}/cases", "cannot use the database",
                 id="no-server-on-that-port"),
    ("postgresql://nobody@no-such-host.invalid/cases", "cannot use the database"),
])
@pytest.mark.parametrize("command", [("deadlines", "--json"), ("caseload",), ("db", "upgrade")])
def test_a_bad_or_unreachable_database_is_one_line_and_exit_1(url: str, says: str, command: tuple[str, ...]) -> None:
    out = run("--database", url, *command)
    assert out.returncode == 1 and out.stdout == ""
    assert says in one_line(out)


def test_a_missing_folder_is_not_created(tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such" / "folder"
    out = run("--database", f"sqlite:///{folder / 'x.sqlite'}", "deadlines", "--json")
    assert out.returncode == 1 and "does not exist" in one_line(out)
    assert not (tmp_path / "no").exists()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Ring Ms Price about the EP visit\n" * 50, "utf-8")
    before = digest(notes)
    out = run("--database", f"sqlite:///{notes}", "deadlines", "--json")
    assert out.returncode == 1 and "not a SQLite database" in one_line(out)
    assert digest(notes) == before


def test_another_programs_sqlite_file_gets_no_tables_of_ours(tmp_path: Path) -> None:
    other = tmp_path / "invoices.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = digest(other)
    for command in (("deadlines",), ("demo",), ("db", "upgrade")):
        out = run("--database", f"sqlite:///{other}", *command)
        assert out.returncode == 1 and "another program's tables" in one_line(out)
    assert digest(other) == before


@pytest.mark.parametrize("args", [
    ("deadlines", "--today", "0001-01-01"),
    ("deadlines", "--today", "9999-12-31"),
    ("--as", "", "caseload"),
    ("--as", "   ", "caseload"),
])
def test_impossible_arguments_are_usage_errors(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = run("--database", f"sqlite:///{tmp_path / 'c.sqlite'}", *args)
    assert out.returncode == 2 and out.stdout == ""
    one_line(out)
