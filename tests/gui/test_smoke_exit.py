"""The smoke-test hook: with CASEWORKER_QUIT_AFTER_PAINT=1 the window reports its first paint and quits."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.smoke import ENV_VAR, REPORT, quit_after_first_paint_if_asked


def test_the_first_paint_is_reported_once_then_the_app_quits(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV_VAR, "1")
    window = QLabel("Caseworker")
    qtbot.addWidget(window)
    quits: list[float] = []
    before = time.monotonic()
    watch = quit_after_first_paint_if_asked(window, lambda: quits.append(time.monotonic()))
    assert watch is not None
    window.show()
    qtbot.waitUntil(lambda: bool(quits))
    window.repaint()  # a later paint is neither reported nor quits again
    qtbot.wait(20)
    assert watch.painted_at is not None and before <= watch.painted_at <= quits[0]
    assert len(quits) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line == f"{REPORT} {watch.painted_at:.4f}"


@pytest.mark.parametrize("value", [None, "", "0", "yes"])
def test_without_the_setting_the_window_is_left_alone(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(ENV_VAR, value)
    window = QLabel("Caseworker")
    qtbot.addWidget(window)
    quits: list[float] = []
    assert quit_after_first_paint_if_asked(window, lambda: quits.append(time.monotonic())) is None
    window.show()
    qtbot.waitExposed(window)
    window.repaint()
    qtbot.wait(20)
    assert quits == [] and capsys.readouterr().out == ""
