"""Headless commands and the log: -v says what a command is doing, and a fault in Caseworker itself is one
line naming the log file (exit 1), with the traceback kept in that file."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

import caseworker.reports.deadlines
from caseworker import __version__
from caseworker.cli import main
from caseworker.context import AppContext, fixed_clock
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.store.database import open_database
from caseworker.store.models import Staff
from tests.log_state import logging_restored
from tests.pg import free_port

__all__ = ["logging_restored"]


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEWORKER_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "caseworker.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_a_quiet_command_says_nothing_on_stderr_and_notes_itself_in_the_log(tmp_path: Path) -> None:
    out = run(tmp_path, "deadlines", "--json")
    assert out.returncode == 0 and out.stderr == ""
    log = (tmp_path / "logs" / "caseworker.log").read_text("utf-8")
    assert "command: deadlines" in log and "finished in" in log


def a_team_with_requests(path: Path, count: int) -> str:
    url = f"sqlite:///{path}"
    db = open_database(url)
    with db.session() as s:
        s.add(Staff(username="jsmith", display_name="Jo Smith", role="caseworker", fte=1.0))
    with db.sessions() as s:
        jo = s.query(Staff).filter_by(username="jsmith").one()
        actor = Actor(jo.id, jo.username, jo.display_name, jo.role)
    ctx = AppContext(db=db, clock=fixed_clock(date(2025, 3, 1)))
    for n in range(count):
        case = steps.register_request(ctx, actor, steps.NewRequest(
            forename="Amelia", surname=f"Jones {n}", date_of_birth=date(2017, 9, 1),
            received=date(2025, 1, 6) + timedelta(days=n % 30), reference=f"EHC-{n:04d}", caseworker="jsmith"))
        steps.request_advice(ctx, actor, case, "ep", date(2025, 2, 20))
    db.dispose()
    return url


def test_a_report_longer_than_a_pipe_holds_arrives_whole_and_the_log_keeps_its_last_line(tmp_path: Path) -> None:
    # The program ends as soon as the report is out, without the interpreter's tidy-up (cli.end_now): all of
    # the report and the log's closing line must be out before it does.
    url = a_team_with_requests(tmp_path / "team.sqlite", 120)
    out = run(tmp_path, "--database", url, "deadlines", "--json", "--today", "2025-03-01")
    assert out.returncode == 0 and out.stderr == ""
    assert len(out.stdout) > 100_000 and out.stdout.endswith("]}\n")
    assert [c["reference"] for c in json.loads(out.stdout)["cases"]] == [f"EHC-{n:04d}" for n in range(120)]
    last = (tmp_path / "logs" / "caseworker.log").read_text("utf-8").splitlines()[-1]
    assert "caseworker.cli: finished in " in last and last.endswith("exit status 0")


@pytest.mark.parametrize("args", [("-v", "deadlines"), ("deadlines", "-v"), ("--verbose", "deadlines", "--json")])
def test_verbose_says_what_the_command_is_doing(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = run(tmp_path, *args)
    assert out.returncode == 0, out.stderr
    said = out.stderr.splitlines()
    assert said[0] == f"caseworker: version {__version__}, command: deadlines"
    assert f"caseworker: database: sqlite:///{tmp_path / 'caseworker.sqlite'}" in said
    assert said[-1].startswith("caseworker: finished in ") and said[-1].endswith("exit status 0")
    assert not any("Python " in line for line in said)  # the platform is -vv's


def test_twice_verbose_adds_the_platform(tmp_path: Path) -> None:
    out = run(tmp_path, "-vv", "deadlines")
    assert out.returncode == 0 and f"Python {sys.version.split()[0]}" in out.stderr


def test_verbose_never_shows_a_database_password(tmp_path: Path) -> None:
    out = run(tmp_path, "-v", "--database", f"postgresql://case:s3cret@127.0.0.1:{free_port()}/send", "caseload")
    assert out.returncode == 1
    assert "case:***@127.0.0.1" in out.stderr and "s3cret" not in out.stderr
    assert "s3cret" not in (tmp_path / "logs" / "caseworker.log").read_text("utf-8")


def test_an_unexpected_error_is_one_line_naming_the_log_and_the_traceback_is_in_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        logging_restored: None) -> None:
    def broken_table(*_args: object) -> str:
        raise ZeroDivisionError("a week with no days")

    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(caseworker.reports.deadlines, "report_table", broken_table)
    assert main(["deadlines"]) == 1
    out = capsys.readouterr()
    log_file = tmp_path / "logs" / "caseworker.log"
    assert out.out == "" and out.err == (
        "caseworker: an unexpected error stopped the command (ZeroDivisionError: a week with no days); "
        f"the details are in {log_file}\n")
    for handler in logging.getLogger().handlers:
        handler.flush()
    log = log_file.read_text("utf-8")
    assert "the command stopped on an unexpected error" in log and "Traceback (most recent call last)" in log
    assert "in cmd_deadlines" in log and "in broken_table" in log
    assert log.rstrip().endswith("ZeroDivisionError: a week with no days")


def test_a_reader_that_has_gone_away_is_still_a_quiet_exit(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (`| head`) has already stopped: every write fails with a broken pipe
    try:
        out = subprocess.run([sys.executable, "-m", "caseworker.cli", "deadlines"], stdout=write_end,
                             stderr=subprocess.PIPE, text=True, timeout=120,
                             env={**os.environ, "CASEWORKER_DATA_DIR": str(tmp_path)})
    finally:
        os.close(write_end)
    assert out.returncode == 0 and out.stderr == ""
