"""Opening the database and working out who is acting, before any window: the part of the desktop's start
that needs no widget, so that it can begin before the window's toolkit is even loaded.

On a team's server that is the keyring and a dozen round trips, made on a worker thread while the UI thread
loads Qt and builds the window's frame; on SQLite it is done at once. Only a password the server wants is
asked for, on the UI thread (``ui.sign_in``), at ``Opening.finish``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from caseworker.services.actor import Actor, acting_actor, login_name, resolve_actor, signed_in_actor
from caseworker.store.connection import server_sign_in, with_password
from caseworker.store.database import Database, DatabaseError, open_database
from caseworker.store.location import default_database_url
from caseworker.store.passwords import saved_password

T = TypeVar("T")


class Meanwhile(Generic[T]):
    """One call on a worker thread while the UI thread gets on with something else (waiting on the network
    releases the interpreter's lock). ``result()`` waits for it and raises its exception on the calling
    thread, so that thread's own error handling applies. ``on_thread=False`` runs it at once instead."""

    def __init__(self, call: Callable[[], T], *, on_thread: bool = True) -> None:
        self._call = call
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="caseworker-opening", daemon=True)
        if on_thread:
            self._thread.start()
        else:
            self._run()

    def _run(self) -> None:
        try:
            self._result = self._call()
        except BaseException as exc:  # handed to the waiting thread, which raises it
            self._error = exc

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> T:
        if self._thread.is_alive():
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._result  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class SignIn:
    """What opening the database needs before it may ask anything: the address, the name the server
    knows the person by (None: SQLite, or a password already in the address) and the password kept on
    this computer (looked up by ``with_kept_password``)."""

    url: str
    who: str | None
    kept: str | None = None


def prepare_sign_in(url: str | None) -> SignIn:
    url = url or default_database_url()
    return SignIn(url, server_sign_in(url))


def with_kept_password(sign_in: SignIn) -> SignIn:
    """The keyring's password for this login, if the server may want one. The keyring is a system service
    (it shows its own unlock prompt, if any), so this may run on a worker thread."""
    if sign_in.who is None:
        return sign_in
    return replace(sign_in, kept=saved_password(sign_in.url))


def open_without_asking(sign_in: SignIn) -> Database:
    """Open the database with what is known (the kept password, else the server's own means); asks
    nothing and touches no widget, so it may run on a worker thread. A refusal is the DatabaseError."""
    if sign_in.kept is not None:
        return open_database(with_password(sign_in.url, sign_in.kept))
    return open_database(sign_in.url)


def acting_user(db: Database, as_user: str | None, is_demo: bool) -> Actor:
    """Who is at the keyboard: the database login on a team's server (the demo there too), else as the
    command line or CASEWORKER_USER says, else the computer's login."""
    if not db.is_sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            found = signed_in_actor(conn, as_user)
        if found is not None:
            return found  # else the full working-out below, which refuses with its reasons
    with db.session() as s:
        if is_demo and as_user is None and db.is_sqlite:
            # A demo file makes the computer's login one of its team leads.
            return resolve_actor(s, login_name())
        return acting_actor(s, as_user)


@dataclass(frozen=True, slots=True)
class Opened:
    """The database open at the right schema, whether it is the demo, and who is acting."""

    db: Database
    is_demo: bool
    actor: Actor


def identify(db: Database, as_user: str | None, is_demo: bool) -> Opened:
    """Whether it is the demo and who is acting; a refusal lets go of the server's connection first."""
    try:
        is_demo = is_demo or db.meta("demo") == "1"
        return Opened(db, is_demo, acting_user(db, as_user, is_demo))
    except BaseException:
        db.dispose()
        raise


class Opening:
    """Opening the database and working out who is acting, started as soon as the address is known: on a
    team's server on a worker thread, on SQLite at once, as before."""

    def __init__(self, url: str | None, as_user: str | None, is_demo: bool) -> None:
        self.sign_in = prepare_sign_in(url)
        self.as_user, self.is_demo = as_user, is_demo
        self.work = Meanwhile(self._open, on_thread=self.sign_in.url.startswith("postgres"))

    def _open(self) -> Opened | DatabaseError:
        self.sign_in = with_kept_password(self.sign_in)  # the keyring too: loading it takes a while
        try:
            db = open_without_asking(self.sign_in)
        except DatabaseError as exc:
            return exc  # the UI thread asks for a password, or raises it when a password would not help
        return identify(db, self.as_user, self.is_demo)

    def finish(self) -> Opened | None:
        """Wait for it; ask for a password if the server wanted one (so only on the UI thread, with the
        application made). None: the person gave up signing in. A refusal (no staff record, a newer
        schema, no server) is raised here as the CaseworkerError it is."""
        opened = self.work.result()
        if not isinstance(opened, DatabaseError):
            return opened
        from ui.sign_in import ask_when_refused  # the password window: Qt, loaded by now

        db = ask_when_refused(self.sign_in, opened)
        return None if db is None else identify(db, self.as_user, self.is_demo)
