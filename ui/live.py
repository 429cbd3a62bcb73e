"""Live updates and lost contact: what other desktops change shows here without Refresh.

On the team's PostgreSQL database each commit that changes a case sends a notification
(caseworker/store/notify.py). This object LISTENs on a connection of its own, outside the pool: a
``QSocketNotifier`` on its socket wakes the UI thread when something arrives (no thread waits on it),
and the notifications of the next fifth of a second are gathered into one reload (an import of 500
rows is one reload, not 500). The desktop's own changes are skipped: its windows announced them.

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
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal, Slot
from sqlalchemy import event

from caseworker.store.database import NETWORK_LIMITS
from caseworker.store.notify import CHANNEL, Change, is_lost_contact, read_payload
from ui.context import DesktopContext

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import ExceptionContext

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
    _attempted = Signal(object, object)  # (connection, staff names) or (exception, None), from a worker
    _engine_lost = Signal()  # from whichever thread met the lost connection

    def __init__(self, desktop: DesktopContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.db = desktop.ctx.db
        self._conn: psycopg.Connection[Any] | None = None
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
        self._watcher: Callable[[ExceptionContext], None] | None = None

    # --- starting and stopping ---------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        """Only a shared PostgreSQL database has other desktops to hear from."""
        return not self.db.is_sqlite

    @property
    def listening(self) -> bool:
        return self._conn is not None

    @property
    def in_contact(self) -> bool:
        return self._lost_at is None

    def start(self) -> None:
        if not self.enabled or self._watcher is not None:
            return
        self._stopped = False

        def seen(context: ExceptionContext) -> None:
            if context.is_pre_ping:
                return  # the pool replaces a dead connection by itself
            if (context.is_disconnect or is_lost_contact(context.original_exception)) and shiboken6.isValid(self):
                self._engine_lost.emit()

        self._watcher = seen
        event.listen(self.db.engine, "handle_error", seen)
        self._connect()

    def stop(self) -> None:
        """Close the listening connection (the window is closing)."""
        self._stopped = True
        self._retry.stop()
        self._gather.stop()
        if self._watcher is not None:
            event.remove(self.db.engine, "handle_error", self._watcher)
            self._watcher = None
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
        args, params = self.db.engine.dialect.create_connect_args(self.db.engine.url)
        params = {**NETWORK_LIMITS, **params}
        threading.Thread(target=self._attempt, args=(list(args), params), name="caseworker-listen",
                         daemon=True).start()

    def _attempt(self, args: list[Any], params: dict[str, Any]) -> None:
        """On a short-lived thread: open the listening connection and read the staff names."""
        import psycopg

        try:
            conn = psycopg.connect(*args, **params, autocommit=True)
        except psycopg.Error as exc:
            self._report(exc, None)
            return
        try:
            conn.execute(f"LISTEN {CHANNEL}")
            names = {int(i): str(n) for i, n in conn.execute("SELECT id, display_name FROM staff")}
        except psycopg.Error as exc:
            conn.close()
            self._report(exc, None)
            return
        if not self._report(conn, names):
            conn.close()  # nobody is listening any more

    def _report(self, result: object, names: dict[int, str] | None) -> bool:
        """Hand an attempt's outcome to the UI thread; False when this object is gone."""
        with contextlib.suppress(RuntimeError):  # deleted between the check and the emit
            if shiboken6.isValid(self):
                self._attempted.emit(result, names)
                return True
        return False

    @Slot(object, object)
    def _attempt_landed(self, result: object, names: object) -> None:
        self._connecting = False
        if isinstance(result, BaseException):
            self._contact_lost()
            return
        if self._stopped:
            result.close()  # type: ignore[attr-defined]
            return
        import psycopg

        assert isinstance(result, psycopg.Connection) and isinstance(names, dict)
        self._conn = result
        self._names = names
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
        import psycopg

        conn = self._conn
        if conn is None:
            return
        try:
            arrived = [n.payload for n in conn.notifies(timeout=0)]
        except psycopg.Error:
            self._contact_lost()
            return
        for payload in arrived:
            change = read_payload(payload)
            if change is not None and change.origin != self.db.origin:
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

        def names() -> dict[int, str]:
            from sqlalchemy import select

            from caseworker.store.models import Staff

            with ctx.db.sessions() as s:
                return {i: n for i, n in s.execute(select(Staff.id, Staff.display_name))}

        self.desktop.runner.run(names, self._names.update, lambda _exc: None, owner=self)

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
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):  # a dead connection may fail even to close: gone either way
                conn.close()


__all__ = ["LiveUpdates", "local_time"]
