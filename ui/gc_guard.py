"""Run Python's cyclic garbage collector on the UI thread only.

A Qt object caught in a reference cycle must be destroyed on the thread that owns it; if the
collector happens to run on a worker thread (any allocation can trigger it), the process can crash.
So automatic collection is switched off and a timer collects on the UI thread: the young generation
often, a full pass rarely (a full pass costs tens of milliseconds at a large council's scale).
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

YOUNG_THRESHOLD = 20_000
FULL_EVERY_TICKS = 60


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000,
                 busy: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self._busy = busy
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    def tick(self) -> None:
        if self._busy():
            return  # a load is landing; collecting now would freeze the window as its rows arrive
        self._ticks += 1
        if self._ticks % FULL_EVERY_TICKS == 0:
            gc.collect()
        elif gc.get_count()[0] > YOUNG_THRESHOLD:
            gc.collect(1)
