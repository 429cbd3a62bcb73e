"""Quit once the main window has painted: how a packaged copy is smoke-tested and its start-up timed.

With ``CASEWORKER_QUIT_AFTER_PAINT=1`` in the environment the desktop starts as usual, prints one line
to standard output when the main window has first painted, ``caseworker: first paint at monotonic
SECONDS`` (``time.monotonic``, one clock for every process on Linux, so a launcher can subtract its own
reading), and quits with status 0. Anything else, or nothing, leaves the desktop alone. Used by
tests/e2e/test_bundle.py and benchmarks/bundle.py on Qt's offscreen platform; see docs/install.md.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV_VAR = "CASEWORKER_QUIT_AFTER_PAINT"
REPORT = "caseworker: first paint at monotonic"


class FirstPaintWatch(QObject):
    """Sees the window's first Paint event (letting it through), reports it and quits right after."""

    def __init__(self, window: QWidget, quit_app: Callable[[], None]) -> None:
        super().__init__(window)  # lives as long as the window
        self._quit_app = quit_app
        self.painted_at: float | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.monotonic()
            print(f"{REPORT} {self.painted_at:.4f}", file=sys.stdout, flush=True)
            QTimer.singleShot(0, self._quit_app)  # after this paint pass is done
        return False


def quit_after_first_paint_if_asked(window: QWidget,
                                    quit_app: Callable[[], None] = QApplication.quit) -> FirstPaintWatch | None:
    """Call before ``window.show()``; does nothing unless ``CASEWORKER_QUIT_AFTER_PAINT=1``."""
    if os.environ.get(ENV_VAR, "").strip() != "1":
        return None
    return FirstPaintWatch(window, quit_app)
