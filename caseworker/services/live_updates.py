"""Hearing what other desktops change, for the window's live updates (ui/live.py).

On the team's PostgreSQL database every commit that changes a case sends a notification
(caseworker/store/notify.py). Hearing them needs a connection of its own, outside the pool, held open
in LISTEN: a ``Listener``. Its socket is handed to the window, which waits on it without a thread and
asks for the news when the socket is readable. Anything that says the server cannot be reached (on the
listener or on any other statement) is ``LostContact``, so the window can say so and try again.
A personal SQLite file has no other desktops: nobody listens there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select

from caseworker.context import AppContext
from caseworker.store.database import NETWORK_LIMITS, Database
from caseworker.store.models import Staff
from caseworker.store.notify import CHANNEL, Change, is_lost_contact, read_payload

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import ExceptionContext


class LostContact(Exception):
    """The database server could not be reached, or the listening connection has gone."""


def has_other_desktops(db: Database) -> bool:
    """Only a shared PostgreSQL database has other desktops to hear from."""
    return not db.is_sqlite


class Listener:
    """One connection LISTENing for the team's changes, with the staff names the news is told with."""

    def __init__(self, conn: psycopg.Connection[Any], origin: str, names: dict[int, str]) -> None:
        self._conn = conn
        self._origin = origin
        self.names = names

    def fileno(self) -> int:
        """The socket to wait on: readable when news has arrived, or when the server has gone."""
        return self._conn.fileno()

    def changes(self) -> list[Change]:
        """Every change that has arrived from other desktops, without waiting (this one's own are left
        out: its windows announced them already)."""
        import psycopg

        try:
            arrived = [n.payload for n in self._conn.notifies(timeout=0)]
        except psycopg.Error as exc:
            raise LostContact(str(exc)) from exc
        found = (read_payload(payload) for payload in arrived)
        return [c for c in found if c is not None and c.origin != self._origin]

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a dead connection may fail even to close: gone either way
            self._conn.close()


def start_listening(db: Database) -> Listener:
    """Open a listening connection to ``db``'s server (blocks on the network: call it off the UI thread).

    Raises LostContact when the server cannot be reached or refuses."""
    import psycopg

    args, params = db.engine.dialect.create_connect_args(db.engine.url)
    try:
        conn = psycopg.connect(*args, **{**NETWORK_LIMITS, **params}, autocommit=True)
    except psycopg.Error as exc:
        raise LostContact(str(exc)) from exc
    try:
        conn.execute(f"LISTEN {CHANNEL}")
        names = {int(i): str(n) for i, n in conn.execute("SELECT id, display_name FROM staff")}
    except psycopg.Error as exc:
        conn.close()
        raise LostContact(str(exc)) from exc
    return Listener(conn, db.origin, names)


def staff_names(ctx: AppContext) -> dict[int, str]:
    """Each member of staff's name by id (a change's news says who made it)."""
    with ctx.db.sessions() as s:
        return {i: n for i, n in s.execute(select(Staff.id, Staff.display_name))}


def watch_for_lost_contact(db: Database, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` (on whichever thread met it) when any statement or new connection finds the server
    cannot be reached; returns what stops the watching. The pool's own check of an idle connection is not
    counted: it replaces a dead connection by itself."""

    def seen(context: ExceptionContext) -> None:
        if context.is_pre_ping:
            return
        if context.is_disconnect or is_lost_contact(context.original_exception):
            callback()

    event.listen(db.engine, "handle_error", seen)
    return lambda: event.remove(db.engine, "handle_error", seen)


__all__ = ["Change", "Listener", "LostContact", "has_other_desktops", "is_lost_contact", "staff_names",
           "start_listening", "watch_for_lost_contact"]
