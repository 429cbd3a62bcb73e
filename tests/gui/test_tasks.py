"""The task runner: results reach only windows still open, only the newest load of a kind lands, long work
reports its progress in order on the UI thread and stops when cancelled, and ``busy`` always comes back."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from caseworker import logs
from caseworker.errors import NotFound
from caseworker.progress import Cancelled, Progress
from tests.log_state import logging_restored
from ui.tasks import TaskRunner

__all__ = ["logging_restored"]

WAIT = 5000


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    made = TaskRunner()
    shown: list[BaseException] = []
    made.default_error = shown.append  # nothing in these tests may reach the error dialog unasked
    yield made
    made.wait()
    assert shown == []


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logging_restored: None) -> Path:
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path))
    path = logs.start_logging()
    assert path is not None
    return path


def logged_text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8") if path.exists() else ""  # the log file is made at its first line


def held(gate: threading.Event, value: object) -> object:
    """A task that waits for the test to let it finish (so the test can act while it is running)."""
    assert gate.wait(WAIT / 1000)
    return value


def fail_unexpectedly(gate: threading.Event) -> None:
    assert gate.wait(WAIT / 1000)
    raise LookupError("template chase_ep has no paragraph 3")


def wait_idle(qtbot: QtBot, runner: TaskRunner) -> None:
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)


def delete(obj: QObject) -> None:
    shiboken6.delete(obj)
    assert not shiboken6.isValid(obj)


def test_a_result_reaches_its_owner_while_it_is_there(qtbot: QtBot, runner: TaskRunner) -> None:
    owner, got = QObject(), list[object]()
    runner.run(lambda: 7, got.append, owner=owner)
    wait_idle(qtbot, runner)
    assert got == [7]


def test_an_owner_deleted_before_the_result_arrives_is_not_called(qtbot: QtBot, runner: TaskRunner) -> None:
    owner, gate = QObject(), threading.Event()
    got: list[object] = []
    errors: list[BaseException] = []
    runner.run(lambda: held(gate, "loaded"), got.append, errors.append, owner=owner)
    runner.run(lambda: held(gate, "other"), got.append)  # no owner: delivered as ever
    delete(owner)
    gate.set()
    wait_idle(qtbot, runner)
    assert got == ["other"] and errors == []


def test_an_owner_deleted_after_the_result_was_sent_is_not_called_either(qtbot: QtBot, runner: TaskRunner) -> None:
    """The result is already queued for the UI thread when the owner goes: delivery still checks."""
    owner, got = QObject(), list[object]()
    runner.run(lambda: "late", got.append, owner=owner)
    runner.wait()  # the worker has finished and queued its result; the UI thread has not run it
    delete(owner)
    wait_idle(qtbot, runner)
    assert got == []


def test_announce_is_called_even_once_the_owner_is_gone(qtbot: QtBot, runner: TaskRunner) -> None:
    owner, gate = QObject(), threading.Event()
    told: list[object] = []
    got: list[object] = []
    runner.run(lambda: held(gate, 41), got.append, owner=owner, announce=told.append, write=True)
    delete(owner)
    gate.set()
    wait_idle(qtbot, runner)
    assert told == [41] and got == []


def test_a_dropped_task_that_fails_is_logged_but_shown_to_nobody(qtbot: QtBot, runner: TaskRunner,
                                                                   log_file: Path) -> None:
    owner, gate = QObject(), threading.Event()
    errors: list[BaseException] = []
    runner.run(lambda: fail_unexpectedly(gate), print, errors.append, owner=owner)
    delete(owner)
    gate.set()
    wait_idle(qtbot, runner)
    assert errors == []  # and the runner fixture checks the default error handler saw nothing
    log = logged_text(log_file)
    assert "after its window closed" in log and "in fail_unexpectedly" in log


def test_a_dropped_refusal_is_neither_shown_nor_logged(qtbot: QtBot, runner: TaskRunner, log_file: Path) -> None:
    owner, gate = QObject(), threading.Event()

    def refused() -> None:
        assert gate.wait(WAIT / 1000)
        raise NotFound("no case with id 12")

    errors: list[BaseException] = []
    runner.run(refused, print, errors.append, owner=owner)
    delete(owner)
    gate.set()
    wait_idle(qtbot, runner)
    assert errors == [] and "no case with id 12" not in logged_text(log_file)


def test_only_the_newest_load_of_a_kind_delivers(qtbot: QtBot, runner: TaskRunner) -> None:
    owner, slow = QObject(), threading.Event()
    got: list[object] = []
    runner.run(lambda: held(slow, "old notes"), got.append, owner=owner, latest="notes")
    runner.run(lambda: "new notes", got.append, owner=owner, latest="notes")
    qtbot.waitUntil(lambda: got == ["new notes"], timeout=WAIT)
    slow.set()  # the older load finishes after the newer one: its result is stale
    wait_idle(qtbot, runner)
    assert got == ["new notes"]


def test_a_stale_load_that_fails_is_not_shown(qtbot: QtBot, runner: TaskRunner) -> None:
    owner, slow = QObject(), threading.Event()
    errors: list[BaseException] = []
    got: list[object] = []

    def old() -> None:
        assert slow.wait(WAIT / 1000)
        raise NotFound("the case was closed")

    runner.run(old, got.append, errors.append, owner=owner, latest="letters")
    runner.run(lambda: "fresh", got.append, errors.append, owner=owner, latest="letters")
    qtbot.waitUntil(lambda: got == ["fresh"], timeout=WAIT)
    slow.set()
    wait_idle(qtbot, runner)
    assert errors == []


def test_latest_keeps_other_kinds_and_other_owners(qtbot: QtBot, runner: TaskRunner) -> None:
    one, two, gate = QObject(), QObject(), threading.Event()
    got: list[object] = []
    runner.run(lambda: held(gate, "one notes"), got.append, owner=one, latest="notes")
    runner.run(lambda: held(gate, "one documents"), got.append, owner=one, latest="documents")
    runner.run(lambda: held(gate, "two notes"), got.append, owner=two, latest="notes")
    runner.run(lambda: held(gate, "no kind"), got.append, owner=one)
    runner.run(lambda: held(gate, "no kind again"), got.append, owner=one)
    gate.set()
    wait_idle(qtbot, runner)
    assert sorted(map(str, got)) == ["no kind", "no kind again", "one documents", "one notes", "two notes"]


def test_busy_comes_back_after_dropped_tasks(qtbot: QtBot, runner: TaskRunner) -> None:
    owner, gate = QObject(), threading.Event()
    changes: list[bool] = []
    runner.busy_changed.connect(changes.append)
    runner.run(lambda: held(gate, 1), print, owner=owner, latest="notes")
    runner.run(lambda: held(gate, 2), print, owner=owner, latest="notes")
    runner.run(lambda: held(gate, 3), print, owner=owner)
    delete(owner)
    assert runner.busy  # the tasks are still running, whoever wanted them
    gate.set()
    wait_idle(qtbot, runner)
    assert changes == [True, False]


def test_progress_reaches_the_ui_thread_in_order_before_the_result(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: list[tuple[int, int, str]] = []
    threads: set[bool] = set()
    got: list[object] = []
    ui_thread = QApplication.instance().thread()  # type: ignore[union-attr]

    def count(progress: Progress) -> str:
        for n in range(1, 41):
            progress.report(n, 40, f"letter {n}")
        return "made"

    def step(done: int, total: int, text: str) -> None:
        threads.add(QThread.currentThread() is ui_thread)
        seen.append((done, total, text))

    def done(result: object) -> None:
        got.append((result, len(seen)))

    runner.run_with_progress(count, done, owner=QObject(), on_progress=step)
    wait_idle(qtbot, runner)
    assert seen == [(n, 40, f"letter {n}") for n in range(1, 41)]
    assert threads == {True} and got == [("made", 40)]


def test_cancel_stops_long_work(qtbot: QtBot, runner: TaskRunner) -> None:
    started = threading.Event()
    errors: list[BaseException] = []
    steps: list[int] = []

    def endless(progress: Progress) -> None:
        n = 0
        while n < 1_000_000:  # far longer than the test waits, unless it is stopped
            n += 1
            started.set()
            progress.report(n, 1_000_000)
            progress.check()
            QThread.msleep(1)

    handle = runner.run_with_progress(endless, print, errors.append, on_progress=lambda d, _t, _x: steps.append(d))
    assert started.wait(WAIT / 1000)
    assert not handle.cancelled
    handle.cancel()
    wait_idle(qtbot, runner)
    assert handle.cancelled
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)
    assert steps and steps[-1] < 1_000_000


def test_deleting_the_owner_cancels_its_long_work(qtbot: QtBot, runner: TaskRunner) -> None:
    owner, started = QObject(), threading.Event()
    stopped_at: list[int] = []
    got: list[object] = []

    def endless(progress: Progress) -> int:
        for n in range(1, 1_000_000):
            started.set()
            if not progress.step(n, 1_000_000):
                stopped_at.append(n)
                return n
            QThread.msleep(1)
        return -1

    runner.run_with_progress(endless, got.append, owner=owner, on_progress=lambda *_: got.append("step"))
    assert started.wait(WAIT / 1000)
    delete(owner)
    wait_idle(qtbot, runner)
    assert len(stopped_at) == 1 and got == []  # stopped early, and nothing delivered to a deleted owner
