"""Errors nobody planned for, from any thread: written to the log, then one dialog on the UI thread.

``install_error_hooks`` replaces ``sys.excepthook`` (an exception escaping a slot or an event handler;
PySide6 hands those to it) and ``threading.excepthook`` (a Python worker thread). Like the task runner
(ui/tasks.py), a worker's error travels to the UI thread by a queued signal, since only that thread may
show a window.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

import PySide6
from PySide6.QtCore import QObject, Signal, Slot, qVersion
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from caseworker.logs import error_details, log_file, record_unexpected
from ui.dialogs.error_dialog import ErrorDialog

PASSED_ON = (KeyboardInterrupt, SystemExit)  # not faults: left to Python's own handling


def details_of(exc: BaseException) -> str:
    path = log_file()
    return error_details(exc, [f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
                               f"Log file: {path if path else '(none could be written)'}"])


class ErrorReporter(QObject):
    """Shows each unexpected error in the one Something-went-wrong dialog (made when the first arrives)."""

    _arrived = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: ErrorDialog | None = None
        self._arrived.connect(self._show)

    def report(self, exc: BaseException, what: str = "an unexpected error") -> None:
        """Log the error with its traceback and show it; safe from any thread."""
        record_unexpected(exc, what)
        self._arrived.emit(exc)

    def show(self, exc: BaseException) -> None:
        """Show an error that is already in the log."""
        self._arrived.emit(exc)

    @Slot(object)
    def _show(self, exc: BaseException) -> None:
        details = details_of(exc)
        if self.dialog is not None:
            self.dialog.add_error(details)
            return
        self.dialog = ErrorDialog(details, log_file(), main_window())
        self.dialog.finished.connect(self._closed)
        self.dialog.open()

    @Slot()
    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None


def main_window() -> QWidget | None:
    """The dialog's owner: the main window when there is one (not a form that may close under it)."""
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()), None)


class ErrorHooks:
    """The installed hooks and what they replaced, so a test (or shutdown) can put them back."""

    def __init__(self, reporter: ErrorReporter) -> None:
        self.reporter = reporter
        self.previous = sys.excepthook
        self.previous_thread = threading.excepthook
        self._handling = False

    def on_exception(self, kind: type[BaseException], exc: BaseException | None,
                     tb: TracebackType | None) -> None:
        if exc is None or isinstance(exc, PASSED_ON) or self._handling:
            # A fault while an error is being reported must not loop: Python prints it instead.
            self.previous(kind, exc if exc is not None else kind(), tb)
            return
        self._handling = True
        try:
            self.reporter.report(exc.with_traceback(tb))
        finally:
            self._handling = False

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        exc = args.exc_value
        if exc is None or isinstance(exc, PASSED_ON):
            self.previous_thread(args)
            return
        name = args.thread.name if args.thread is not None else "a worker"
        self.reporter.report(exc.with_traceback(args.exc_traceback), f"an unexpected error in {name}")

    def remove(self) -> None:
        sys.excepthook = self.previous
        threading.excepthook = self.previous_thread


def install_error_hooks(parent: QObject | None = None) -> ErrorHooks:
    hooks = ErrorHooks(ErrorReporter(parent))
    sys.excepthook = hooks.on_exception
    threading.excepthook = hooks.on_thread_exception
    return hooks
