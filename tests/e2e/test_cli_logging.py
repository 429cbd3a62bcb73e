"""Headless commands and the log: -v says what a command is doing, and a fault in Caseworker itself is one
line naming the log file (exit 1), with the traceback kept in that file."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import caseworker.reports.deadlines
from caseworker import __version__
from caseworker.cli import main
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
