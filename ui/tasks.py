"""The one way the desktop runs database work off the UI thread.

Each task is a plain function run on a worker thread with its own session (the services open one per
call); writes are serialised; the result, or the exception, comes back to the UI thread by a queued
signal. Tasks hand back plain dataclasses, never live ORM objects.

A task may name its ``owner`` (the window or panel whose callbacks they are): once Qt has deleted the
owner its callbacks are dropped, so no callback ever touches a closed window. ``latest`` names a kind
of load of that owner ("notes"): only the newest of that kind delivers, an older result arriving late
is dropped. Long work runs with ``run_with_progress``: it reports through a ``Progress`` (delivered in
order on the UI thread) and stops when its ``TaskHandle`` is cancelled.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from caseworker.errors import CaseworkerError
from caseworker.logs import record_unexpected
from caseworker.progress import Progress

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progressed = Callable[[int, int, str], None]


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Callable[[], Any], lock: threading.Lock | None):
        super().__init__()
        self._runner, self._id, self._fn, self._lock = runner, task_id, fn, lock
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            if self._lock is not None:
                with self._lock:
                    result = self._fn()
            else:
                result = self._fn()
        except BaseException as exc:  # handed to the UI thread, which shows it
            self._runner._failed.emit(self._id, exc)
        else:
            self._runner._done.emit(self._id, result)


@dataclass(eq=False)
class _Pending:
    """A task not finished yet: who its result goes to, and whether anyone still wants it."""

    on_done: Done | None
    on_error: Failed | None
    owner: QObject | None = None
    latest: str | None = None
    announce: Done | None = None
    on_progress: Progressed | None = None
    progress: Progress | None = None
    watch: Callable[..., None] | None = None  # the slot on the owner's ``destroyed``, undone when the task ends
    dropped: bool = False

    def supersedes(self, owner: QObject | None, latest: str | None) -> bool:
        """True when a new task of this owner and kind makes this one stale."""
        return latest is not None and not self.dropped and self.latest == latest and self.owner is owner

    def wanted(self) -> bool:
        return not self.dropped and (self.owner is None or shiboken6.isValid(self.owner))

    def drop(self) -> None:
        """Nobody gets this task's result; its owner's methods are let go at once."""
        self.dropped = True
        self.on_done = self.on_error = self.on_progress = None


@dataclass(frozen=True)
class TaskHandle:
    """A long task under way: cancel it (it stops at its next step), or ask whether it was.

    Keep it while the task runs if a signal is connected to ``cancel``: Qt holds only a weak reference to
    a method connected to a signal, so a handle nobody keeps takes its connection with it."""

    task_id: int
    progress: Progress

    def cancel(self) -> None:
        self.progress.cancel()

    @property
    def cancelled(self) -> bool:
        return self.progress.cancelled


class TaskRunner(QObject):
    """Runs functions on a small thread pool and calls back on the UI thread."""

    _done = Signal(int, object)
    _failed = Signal(int, object)
    _progressed = Signal(int, int, int, str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._write_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._done.connect(self._on_done)
        self._failed.connect(self._on_failed)
        self._progressed.connect(self._on_progress)
        self.default_error: Failed | None = None

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, fn: Callable[[], Any], on_done: Done | None, on_error: Failed | None = None, *,
            owner: QObject | None = None, latest: str | None = None, write: bool = False,
            announce: Done | None = None) -> int:
        """Run ``fn`` off the UI thread; ``on_done(result)`` (if given) or ``on_error(exc)`` on the UI thread.

        With an ``owner``, neither is called once the owner has been deleted. With ``latest`` too, a
        newer task of the same owner and kind drops this one's result. ``announce(result)`` is called
        on success even when the owner is gone: news for the rest of the desktop (data_changed), never
        for the owner's own widgets.
        """
        task_id = next(self._ids)
        entry = _Pending(on_done, on_error, owner, latest, announce)
        self._start(task_id, entry, fn, write)
        return task_id

    def run_with_progress(self, fn: Callable[[Progress], Any], on_done: Done, on_error: Failed | None = None, *,
                          owner: QObject | None = None, on_progress: Progressed | None = None,
                          write: bool = False) -> TaskHandle:
        """Run long work that reports ``(done, total, text)`` to ``on_progress`` and can be cancelled.

        ``fn`` is given the task's ``Progress``; it should stop (raise ``Cancelled`` or return) once
        ``progress.cancelled``. The owner's deletion cancels the work as well as dropping its callbacks.
        """
        task_id = next(self._ids)
        progress = Progress(partial(self._progressed.emit, task_id))
        entry = _Pending(on_done, on_error, owner, on_progress=on_progress, progress=progress)
        self._start(task_id, entry, partial(fn, progress), write)
        return TaskHandle(task_id, progress)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every queued task has run (tests and shutdown only)."""
        return self._pool.waitForDone(msecs)

    def _start(self, task_id: int, entry: _Pending, fn: Callable[[], Any], write: bool) -> None:
        for other in self._pending.values():
            if other.supersedes(entry.owner, entry.latest):
                other.drop()
        if entry.owner is not None:
            entry.watch = partial(self._owner_gone, task_id)
            entry.owner.destroyed.connect(entry.watch)
        was_busy = self.busy
        self._pending[task_id] = entry
        self._pool.start(_Job(self, task_id, fn, self._write_lock if write else None))
        if not was_busy:
            self.busy_changed.emit(True)

    def _owner_gone(self, task_id: int, *_: object) -> None:
        """The owner is being deleted: forget its callbacks now, and stop its long work."""
        entry = self._pending.get(task_id)
        if entry is None:
            return
        entry.drop()
        entry.owner = entry.watch = None  # Qt drops the connection with the owner
        if entry.progress is not None:
            entry.progress.cancel()

    def _finish(self, task_id: int) -> _Pending | None:
        entry = self._pending.pop(task_id, None)
        if entry is not None and entry.watch is not None and entry.owner is not None \
                and shiboken6.isValid(entry.owner):
            entry.owner.destroyed.disconnect(entry.watch)
        if not self._pending:
            self.busy_changed.emit(False)
        return entry

    @Slot(int, int, int, str)
    def _on_progress(self, task_id: int, done: int, total: int, text: str) -> None:
        entry = self._pending.get(task_id)
        if entry is not None and entry.on_progress is not None and entry.wanted():
            entry.on_progress(done, total, text)

    @Slot(int, object)
    def _on_done(self, task_id: int, result: Any) -> None:
        entry = self._finish(task_id)
        if entry is None:
            return
        if entry.announce is not None:
            entry.announce(result)
        if entry.on_done is not None and entry.wanted():
            entry.on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: BaseException) -> None:
        entry = self._finish(task_id)
        if entry is not None and not entry.wanted():
            if not isinstance(exc, CaseworkerError):  # nobody to tell, but a fault is still a fault
                record_unexpected(exc, "a background task failed after its window closed")
            return
        handler = (entry.on_error if entry else None) or self.default_error
        if handler is None:
            raise exc  # to sys.excepthook: the log and the error dialog (ui/error_reports.py)
        if not isinstance(exc, CaseworkerError):  # a fault, whatever the screen says of it: its traceback kept
            record_unexpected(exc, "a background task failed")
        handler(exc)


def alive(obj: QObject) -> bool:
    """False once Qt has deleted the widget (a task can finish after its window was closed). Here, not in
    ui.dialogs.base, so the pages shown at start need not import the dialogs' code to use it."""
    return shiboken6.isValid(obj)
