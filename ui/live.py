"""Live updates and lost contact: what other desktops change shows here without Refresh.

On the team's PostgreSQL database each commit that changes a case sends a notification
(caseworker/store/notify.py). This object LISTENs on a connection of its own, outside the pool, which
caseworker/services/live_updates.py opens and reads: a ``QSocketNotifier`` on its socket wakes the UI
thread when something arrives (no thread waits on it), and the notifications of the next fifth of a
second are gathered into one reload (an import of 500 rows is one reload, not 500). The desktop's own
changes are skipped: its windows announced them.

The same connection is how the desktop notices the server has gone (a restart, a network drop: the
socket closes, or the keepalives give up), as is any task meeting a lost connection. Then ``lost``
says when, and a new connection is tried after 1, 2, 4 ... up to 30 seconds (each attempt on a short
thread of its own, so the window never waits on the network). Once back, ``back`` is said and every
page reloads: notifications sent meanwhile were missed. A personal SQLite file has no one else: nothing
starts.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal, Slot

from caseworker.services.live_updates import (
    Change,
    Listener,
    LostContact,
    has_other_desktops,
    staff_names,
    start_listening,
    watch_for_lost_contact,
)
from ui.context import DesktopContext

GATHER_MS = 200  # notifications this close together make one reload
FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 30.0
MOST_ROWS = 50  # more cases than this in one gathering: reload every page whole


def local_time(at: datetime) -> str:
    return at.astimezone().strftime("%H:%M")


class LiveUpdates(QObject):
    lost = Signal(datetime)  # contact lost (local time when it was noticed)
    back = Signal()  # in contact again; every page is reloading
    received = Signal(object)  # each Change from another desktop, as it arrives (tests, the benchmark)
    _attempted = Signal(object)  # a Listener, or the LostContact that stopped one, from a worker
    _engine_lost = Signal()  # from whichever thread met the lost connection

    def __init__(self, desktop: DesktopContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.db = desktop.ctx.db
        self._listener: Listener | None = None
        self._socket: QSocketNotifier | None = None
        self._connecting = False
        self._stopped = False
        self._lost_at: datetime | None = None
        self._delay = FIRST_RETRY_S
        self._names: dict[int, str] = {}
        self._cases: set[int] = set()
        self._everything = False
        self._gather = QTimer(self)
        self._gather.setSingleShot(True)
        self._gather.setInterval(GATHER_MS)
        self._gather.timeout.connect(self._deliver)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._connect)
        self._attempted.connect(self._attempt_landed)
        self._engine_lost.connect(self._task_lost_contact)
        self._unwatch: Callable[[], None] | None = None

    # --- starting and stopping ---------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        """Only a shared PostgreSQL database has other desktops to hear from."""
        return has_other_desktops(self.db)

    @property
    def listening(self) -> bool:
        return self._listener is not None

    @property
    def in_contact(self) -> bool:
        return self._lost_at is None

    def start(self) -> None:
        if not self.enabled or self._unwatch is not None:
            return
        self._stopped = False
        self._unwatch = watch_for_lost_contact(self.db, self._engine_lost_somewhere)
        self._connect()

    def _engine_lost_somewhere(self) -> None:
        if shiboken6.isValid(self):
            self._engine_lost.emit()

    def stop(self) -> None:
        """Close the listening connection (the window is closing)."""
        self._stopped = True
        self._retry.stop()
        self._gather.stop()
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None
        self._drop_connection()

    def retry_now(self) -> None:
        """Try again at once (the banner's Try now)."""
        if self._lost_at is not None and not self._connecting:
            self._retry.stop()
            self._connect()

    # --- connecting --------------------------------------------------------------------------------
    def _connect(self) -> None:
        if self._connecting or self._stopped:
            return
        self._connecting = True
        threading.Thread(target=self._attempt, name="caseworker-listen", daemon=True).start()

    def _attempt(self) -> None:
        """On a short-lived thread: open the listening connection and hand it to the UI thread."""
        try:
            result: Listener | LostContact = start_listening(self.db)
        except LostContact as exc:
            result = exc
        if not self._report(result) and isinstance(result, Listener):
            result.close()  # nobody is listening any more

    def _report(self, result: Listener | LostContact) -> bool:
        """Hand an attempt's outcome to the UI thread; False when this object is gone."""
        with contextlib.suppress(RuntimeError):  # deleted between the check and the emit
            if shiboken6.isValid(self):
                self._attempted.emit(result)
                return True
        return False

    @Slot(object)
    def _attempt_landed(self, result: object) -> None:
        self._connecting = False
        if not isinstance(result, Listener):
            self._contact_lost()
            return
        if self._stopped:
            result.close()
            return
        self._listener = result
        self._names = dict(result.names)
        self._socket = QSocketNotifier(result.fileno(), QSocketNotifier.Type.Read, self)
        self._socket.activated.connect(self._readable)
        self._delay = FIRST_RETRY_S
        if self._lost_at is not None:
            self._lost_at = None
            self.back.emit()
            self.desktop.data_changed.emit(0)  # what others changed meanwhile was not heard: reload it all

    # --- hearing -----------------------------------------------------------------------------------
    @Slot()
    def _readable(self) -> None:
        if self._listener is None:
            return
        try:
            arrived = self._listener.changes()
        except LostContact:
            self._contact_lost()
            return
        for change in arrived:
            self._heard(change)

    def _heard(self, change: Change) -> None:
        self.received.emit(change)
        if "staff" in change.kinds:
            self._reload_names()
        if change.everything or "staff" in change.kinds or "settings" in change.kinds:
            self._everything = True
        else:
            self._cases.update(change.cases or ())
            who = self._names.get(change.actor_id or 0, "Someone else")
            for case_id in change.cases or ():
                self.desktop.changed_elsewhere.emit(case_id, who, local_time(change.at))
        if not self._gather.isActive():
            self._gather.start()  # not restarted by later arrivals: a long burst still shows every 0.2 s

    @Slot()
    def _deliver(self) -> None:
        cases, everything = sorted(self._cases), self._everything or len(self._cases) > MOST_ROWS
        self._cases, self._everything = set(), False
        if everything:
            self.desktop.data_changed.emit(0)
            return
        for case_id in cases:
            self.desktop.data_changed.emit(case_id)

    def _reload_names(self) -> None:
        ctx = self.desktop.ctx
        self.desktop.runner.run(lambda: staff_names(ctx), self._names.update, lambda _exc: None, owner=self)

    # --- losing contact ----------------------------------------------------------------------------
    @Slot()
    def _task_lost_contact(self) -> None:
        self.lost_contact()

    def lost_contact(self) -> None:
        """A task met a lost connection: say so and reconnect (nothing to do on SQLite, or when closing)."""
        if self.enabled and not self._stopped and not self._connecting:
            self._contact_lost()

    def _contact_lost(self) -> None:
        """Say so once, drop the dead connection and try again after a while, longer each time."""
        self._drop_connection()
        if self._stopped:
            return
        if self._lost_at is None:
            self._lost_at = datetime.now(UTC)
            self.lost.emit(self._lost_at)
        if not self._connecting and not self._retry.isActive():
            self._retry.start(int(self._delay * 1000))
            self._delay = min(self._delay * 2, LONGEST_RETRY_S)

    def _drop_connection(self) -> None:
        if self._socket is not None:
            self._socket.setEnabled(False)
            self._socket.deleteLater()
            self._socket = None
        if self._listener is not None:
            listener, self._listener = self._listener, None
            listener.close()


__all__ = ["LiveUpdates", "local_time"]
