"""The log file: where it lives, what a line holds, rotation, and what happens when it cannot be made."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import pytest

from caseworker import __version__, logs
from tests.log_state import logging_restored

__all__ = ["logging_restored"]
pytestmark = pytest.mark.usefixtures("logging_restored")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path))
    return tmp_path


def flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_a_line_in_the_log_has_its_time_the_version_and_any_script(data_dir: Path) -> None:
    path = logs.start_logging()
    logging.getLogger("caseworker.letters").info("made a letter for Zoë Ahmed and علي")
    flush()
    assert path == data_dir / "logs" / "caseworker.log" == logs.log_file()
    line = path.read_text("utf-8").splitlines()[-1]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO ", line), line
    assert f"[{__version__}]" in line and line.endswith("made a letter for Zoë Ahmed and علي")


def test_without_a_data_folder_the_log_is_in_the_users_log_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("CASEWORKER_DATA_DIR")
    assert logs.log_dir() == Path(platformdirs.user_log_dir("Caseworker", False))


def test_the_log_rolls_over_and_keeps_a_fixed_number_of_old_files(data_dir: Path) -> None:
    path = logs.start_logging(max_bytes=2_000, backups=2)
    assert path is not None
    writer = logging.getLogger("caseworker.test")
    for n in range(200):
        writer.info("line %03d %s", n, "x" * 60)
    flush()
    kept = sorted(p.name for p in path.parent.iterdir())
    assert kept == ["caseworker.log", "caseworker.log.1", "caseworker.log.2"]
    assert all(p.stat().st_size <= 2_000 for p in path.parent.iterdir())
    assert "line 199" in path.read_text("utf-8")  # the newest in the current file, the oldest gone
    assert "line 000" not in "".join(p.read_text("utf-8") for p in path.parent.iterdir())


def test_a_log_left_nearly_full_by_an_earlier_run_rolls_over_at_the_next_runs_first_line(data_dir: Path) -> None:
    path = data_dir / "logs" / "caseworker.log"
    path.parent.mkdir()
    earlier = "2025-03-03 09:14:02,118 INFO [0.1.0] caseworker.cli: finished in 0.28 s, exit status 0\n"
    path.write_text(earlier * 20, "utf-8")  # 1,760 bytes: the next line would pass 1,800
    assert logs.start_logging(max_bytes=1_800, backups=3) == path
    logging.getLogger("caseworker.cli").info("version %s, command: deadlines", __version__)
    flush()
    assert (data_dir / "logs" / "caseworker.log.1").read_text("utf-8") == earlier * 20
    assert path.read_text("utf-8").splitlines()[-1].endswith("command: deadlines")
    assert len(path.read_text("utf-8").splitlines()) == 1


def test_a_log_that_cannot_be_renamed_keeps_growing_and_loses_no_line(data_dir: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = logs.start_logging(max_bytes=500, backups=1)
    assert path is not None
    (path.parent / "caseworker.log.1").mkdir()  # in the way of the roll-over, as a file held open is on Windows
    writer = logging.getLogger("caseworker.test")
    for n in range(20):
        writer.info("line %02d %s", n, "x" * 60)
    flush()
    lines = path.read_text("utf-8").splitlines()
    assert [line[-63:-61] for line in lines] == [f"{n:02d}" for n in range(20)]
    assert capsys.readouterr().err == ""


def test_starting_the_log_twice_writes_each_message_once(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs.start_logging()
    path = logs.start_logging()
    assert path is not None
    logging.getLogger("caseworker.test").warning("the council's logo is missing")
    flush()
    assert path.read_text("utf-8").count("the council's logo is missing") == 1
    assert capsys.readouterr().err == "caseworker: the council's logo is missing\n"


def test_a_log_folder_that_cannot_be_made_is_one_line_and_the_screen_still_works(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("a file where the data folder should be", "utf-8")
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(in_the_way))
    assert logs.start_logging() is None and logs.log_file() is None
    logging.getLogger("caseworker.test").warning("still said")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith(f"caseworker: cannot keep a log in {in_the_way / 'logs'} (")
    assert err[1] == "caseworker: still said"


def fail_somewhere() -> None:
    raise KeyError("no such template: chase_ep")


def test_an_unexpected_error_goes_to_the_log_with_its_traceback_not_the_screen(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs.start_logging(verbosity=2)
    try:
        fail_somewhere()
    except KeyError as exc:
        path = logs.record_unexpected(exc)
    flush()
    assert path is not None and capsys.readouterr().err == ""
    text = path.read_text("utf-8")
    assert "Traceback (most recent call last)" in text and "in fail_somewhere" in text
    assert "KeyError: 'no such template: chase_ep'" in text and f"Python {sys.version.split()[0]}" in text


def test_with_no_log_file_the_traceback_goes_to_the_screen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data").write_text("in the way", "utf-8")
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path / "data"))
    logs.start_logging()
    try:
        fail_somewhere()
    except KeyError as exc:
        assert logs.record_unexpected(exc) is None
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in fail_somewhere" in err


def test_error_details_name_the_version_the_system_and_the_traceback() -> None:
    try:
        fail_somewhere()
    except KeyError as exc:
        details = logs.error_details(exc, ["Qt 6.11.3"])
    head = details.splitlines()
    assert head[0] == f"Caseworker {logs.installed_version()}" and head[1].startswith("Python ")
    assert head[2].startswith("System: ") and head[3] == "Qt 6.11.3"
    assert details.rstrip().endswith("KeyError: 'no such template: chase_ep'")


def test_one_line_takes_the_first_line_of_a_long_message() -> None:
    assert logs.one_line(ValueError("bad value\nsecond line")) == "ValueError: bad value"
    assert logs.one_line(RuntimeError()) == "RuntimeError"


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://case:s3cret@db.council.local/send", "postgresql://case:***@db.council.local/send"),
    ("postgresql+psycopg://case:p@ss@db/send", "postgresql+psycopg://case:***@db/send"),
    ("postgresql://case@db/send?password=s3cret&sslmode=require",
     "postgresql://case@db/send?password=***&sslmode=require"),
    ("postgresql://db/send", "postgresql://db/send"),
    ("sqlite:////home/jo@council/caseworker.sqlite", "sqlite:////home/jo@council/caseworker.sqlite"),
])
def test_a_database_password_never_reaches_the_log(url: str, shown: str) -> None:
    assert logs.without_password(url) == shown
