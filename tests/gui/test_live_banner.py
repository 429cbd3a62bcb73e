"""The banner's words and life, and a personal SQLite file: no listener, no banner, nothing to tell."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.builders import open_window, wait_idle
from ui.banner import BACK_WORDS, ContactBanner
from ui.context import DesktopContext
from ui.live import local_time


def test_the_banner_says_when_contact_was_lost_then_that_it_is_back(qtbot: QtBot) -> None:
    banner = ContactBanner()
    qtbot.addWidget(banner)
    at = datetime(2025, 3, 3, 10, 42, tzinfo=UTC)
    banner.show_lost(at)
    assert banner.words() == (f"Lost contact with the team database at {local_time(at)}; trying again\u2026 "
                              "Anything you are typing is kept: save it once back in contact.")
    assert banner.retry.isVisible()
    with qtbot.waitSignal(banner.try_now, timeout=1000):
        banner.retry.click()
    banner.back_shown_ms = 50  # not six seconds in a test
    banner.show_back()
    assert banner.words() == BACK_WORDS and not banner.retry.isVisible()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=2000)


def test_a_personal_file_starts_no_listener(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    window, failed = open_window(qtbot, desktop, tmp_path)
    wait_idle(qtbot, desktop)
    assert not window.live.enabled and not window.live.listening and window.live.in_contact
    window.live.lost_contact()  # nothing to lose on a file: no banner, no retrying
    assert window.banner.words() == "" and window.live.in_contact
    assert failed.errors == []
