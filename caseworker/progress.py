"""How far a long piece of work has got, and whether the person waiting for it has asked it to stop.

A service doing long work (a batch of letters, an export) takes a ``Progress`` and reports to it as it
goes; it never needs to know who is listening. The desktop listens on its UI thread (ui/tasks.py); the
command line may pass none at all. Safe to use from any thread: reporting calls the listener on the
worker's own thread, and cancelling is a flag the work reads between steps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from caseworker.errors import CaseworkerError

Listener = Callable[[int, int, str], None]


class Cancelled(CaseworkerError):
    """The person waiting asked the work to stop; what it had done is not kept."""

    def __init__(self, message: str = "cancelled: nothing was kept") -> None:
        super().__init__(message)


class Progress:
    """Reports of ``done`` out of ``total`` (with a few words), and a stop request the work honours."""

    def __init__(self, listener: Listener | None = None) -> None:
        self._listener = listener
        self._stop = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Tell the listener how far the work has got (runs on the worker's thread)."""
        if self._listener is not None:
            self._listener(done, total, text)

    def step(self, done: int, total: int, text: str = "") -> bool:
        """Report, then say whether to carry on: the shape of a service's ``progress(done, total)`` hook."""
        self.report(done, total, text)
        return not self.cancelled

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next step (from any thread)."""
        self._stop.set()

    def check(self) -> None:
        """Stop here if cancelled: raises ``Cancelled``, which a service's transaction rolls back on."""
        if self.cancelled:
            raise Cancelled


__all__ = ["Cancelled", "Listener", "Progress"]
