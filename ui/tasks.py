"""The one way the desktop runs database work off the UI thread.

Each task is a plain function run on a worker thread with its own session (the services open one per
call); writes are serialised; the result, or the exception, comes back to the UI thread by a queued
signal. Tasks hand back plain dataclasses, never live ORM objects.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from caseworker.errors import CaseworkerError
from caseworker.logs import record_unexpected

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


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


class TaskRunner(QObject):
    """Runs functions on a small thread pool and calls back on the UI thread."""

    _done = Signal(int, object)
    _failed = Signal(int, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._write_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Done, Failed | None]] = {}
        self._done.connect(self._on_done)
        self._failed.connect(self._on_failed)
        self.default_error: Failed | None = None

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed | None = None, *,
            write: bool = False) -> int:
        task_id = next(self._ids)
        was_busy = self.busy
        self._pending[task_id] = (on_done, on_error)
        self._pool.start(_Job(self, task_id, fn, self._write_lock if write else None))
        if not was_busy:
            self.busy_changed.emit(True)
        return task_id

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every queued task has run (tests and shutdown only)."""
        return self._pool.waitForDone(msecs)

    def _finish(self, task_id: int) -> tuple[Done, Failed | None] | None:
        callbacks = self._pending.pop(task_id, None)
        if not self._pending:
            self.busy_changed.emit(False)
        return callbacks

    @Slot(int, object)
    def _on_done(self, task_id: int, result: Any) -> None:
        callbacks = self._finish(task_id)
        if callbacks is not None:
            callbacks[0](result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: BaseException) -> None:
        callbacks = self._finish(task_id)
        handler = (callbacks[1] if callbacks else None) or self.default_error
        if handler is None:
            raise exc  # to sys.excepthook: the log and the error dialog (ui/error_reports.py)
        if not isinstance(exc, CaseworkerError):  # a fault, whatever the screen says of it: its traceback kept
            record_unexpected(exc, "a background task failed")
        handler(exc)
