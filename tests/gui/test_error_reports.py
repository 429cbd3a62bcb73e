"""An error nobody planned for, in the desktop: its traceback goes to the log and the user sees one short
dialog (Copy details, Open log folder), however many errors arrive and from whichever thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from caseworker import logs
from tests.log_state import logging_restored
from ui.dialogs.error_dialog import ErrorDialog
from ui.error_reports import ErrorHooks, install_error_hooks
from ui.tasks import TaskRunner

__all__ = ["logging_restored"]


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logging_restored: None) -> Path:
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path))
    path = logs.start_logging()
    assert path is not None
    return path


@pytest.fixture
def hooks(qtbot: QtBot, log_file: Path) -> Iterator[ErrorHooks]:
    installed = install_error_hooks()
    yield installed
    installed.remove()
    if installed.reporter.dialog is not None:
        installed.reporter.dialog.close()


def logged_text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8")


def open_dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]


def make_a_letter() -> None:
    raise LookupError("template chase_ep has no paragraph 3")


def raise_and_hook(hooks: ErrorHooks) -> None:
    try:
        make_a_letter()
    except LookupError as exc:
        hooks.on_exception(type(exc), exc, exc.__traceback__)


def test_an_error_escaping_a_slot_is_logged_and_shown_once(qtbot: QtBot, log_file: Path) -> None:
    # pytest-qt puts its own hook in place for this block; ours goes over it, as the desktop's does.
    with qtbot.capture_exceptions() as seen_by_pytest_qt:
        hooks = install_error_hooks()
        try:
            QTimer.singleShot(0, make_a_letter)  # PySide6 hands an exception in a callback to sys.excepthook
            qtbot.waitUntil(lambda: bool(open_dialogs()), timeout=5000)
        finally:
            hooks.remove()
    assert seen_by_pytest_qt == []  # ours took it
    [dialog] = open_dialogs()
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Something went wrong" in text and "Your work up to the last save is kept" in text
    assert str(log_file) in text
    log = logged_text(log_file)
    assert "Traceback (most recent call last)" in log and "in make_a_letter" in log
    assert "LookupError: template chase_ep has no paragraph 3" in log
    dialog.close()


def test_copy_details_puts_the_traceback_version_and_platform_on_the_clipboard(
        qtbot: QtBot, hooks: ErrorHooks, log_file: Path) -> None:
    QGuiApplication.clipboard().setText("")
    raise_and_hook(hooks)
    [dialog] = open_dialogs()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"Caseworker {logs.installed_version()}\nPython ")
    assert "System: " in copied and "Qt 6." in copied and f"Log file: {log_file}" in copied
    assert "in make_a_letter" in copied and copied.rstrip().endswith("template chase_ep has no paragraph 3")
    assert "copied" in dialog.status.text()


def test_more_errors_while_the_dialog_is_open_join_it(qtbot: QtBot, hooks: ErrorHooks) -> None:
    for _ in range(3):
        raise_and_hook(hooks)
    [dialog] = open_dialogs()
    assert dialog.more.isVisible() and dialog.more.text().startswith("2 more errors happened")
    dialog.copy_details()
    assert QGuiApplication.clipboard().text().count("Traceback (most recent call last)") == 3
    dialog.close()
    qtbot.waitUntil(lambda: hooks.reporter.dialog is None)
    raise_and_hook(hooks)  # after closing it, the next error gets a dialog of its own again
    assert len(open_dialogs()) == 1 and open_dialogs()[0] is not dialog


def test_an_error_in_a_worker_thread_reaches_the_dialog_on_the_ui_thread(
        qtbot: QtBot, hooks: ErrorHooks, log_file: Path) -> None:
    worker = threading.Thread(target=make_a_letter, name="letters-batch")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(open_dialogs()), timeout=5000)
    assert "an unexpected error in letters-batch" in logged_text(log_file)


class FolderOpener(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def show_folder(self, url: QUrl) -> None:
        self.opened.append(url)


def test_open_log_folder_asks_the_system_to_show_the_folder(qtbot: QtBot, hooks: ErrorHooks, log_file: Path) -> None:
    raise_and_hook(hooks)
    [dialog] = open_dialogs()
    opener = FolderOpener()
    QDesktopServices.setUrlHandler("file", opener, "show_folder")  # instead of a real file manager
    try:
        dialog.folder_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [Path(url.toLocalFile()) for url in opener.opened] == [log_file.parent]


def test_a_task_failure_a_panel_explains_is_still_logged_with_its_traceback(qtbot: QtBot, log_file: Path) -> None:
    runner = TaskRunner()
    shown: list[BaseException] = []
    runner.run(make_a_letter, lambda _r: None, shown.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    log = logged_text(log_file)
    assert "a background task failed" in log and "in make_a_letter" in log
