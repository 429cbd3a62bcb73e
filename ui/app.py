"""Start the desktop: open the database, work out who is acting, show the main window."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError
from caseworker.holiday_cache import cached_calendar
from caseworker.logs import start_logging
from caseworker.services.actor import Actor, acting_actor, login_name, resolve_actor, signed_in_actor
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.database import Database, DatabaseError
from caseworker.store.location import database_chosen, demo_database_url
from ui.error_reports import ErrorHooks, install_error_hooks
from ui.icon import app_icon
from ui.sign_in import ask_when_refused, open_without_asking, prepare_sign_in, with_kept_password
from ui.smoke import quit_after_first_paint_if_asked

log = logging.getLogger("caseworker.desktop")


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName("Caseworker")
    QCoreApplication.setApplicationName("Caseworker")
    app = QApplication(argv or sys.argv[:1])
    app.setApplicationDisplayName("Caseworker")
    app.setWindowIcon(app_icon())
    return app


def start_error_reporting(app: QApplication, args: argparse.Namespace) -> ErrorHooks:
    """The log file, and the Something-went-wrong dialog for any error nobody planned for."""
    start_logging(getattr(args, "verbose", 0))
    hooks = install_error_hooks(app)
    app.aboutToQuit.connect(hooks.remove)
    log.info("desktop started")
    return hooks


def demo_needs_building(url: str) -> bool:
    from pathlib import Path

    path = url.removeprefix("sqlite:///")
    return url.startswith("sqlite:///") and not Path(path).exists()


def build_demo_first(url: str) -> None:
    from caseworker.clock import london_today
    from caseworker.demo import build_demo

    build_demo(url, scale="county", today=london_today(), login=login_name())


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


def choose_database(args: argparse.Namespace) -> tuple[str | None, bool] | None:
    """The database to open and whether it is the demo: as the command line says, else as this computer
    already has, else as the person chooses in the first-run window (None: they closed it)."""
    if args.database or args.demo:
        return args.database or demo_database_url(), bool(args.demo)
    if database_chosen():
        return None, False  # the environment's URL, the remembered team database, or the local file
    from ui.first_run import choose_first_database

    choice = choose_first_database()
    return None if choice is None else (choice.url, choice.way == "demo")


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

    def result(self) -> T:
        if self._thread.is_alive():
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._result  # type: ignore[return-value]


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
    """Opening the database and working out who is acting, started as soon as the address is known. On a
    team's server that is the keyring and a dozen round trips, made on a worker thread while the UI thread
    imports what needs no data; on SQLite it is done at once, as before. A password the server wants is
    asked for on the UI thread, at ``finish``."""

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
        """Wait for it; ask for a password if the server wanted one. None: the person gave up signing in.
        A refusal (no staff record, a newer schema, no server) is raised here as the CaseworkerError it is."""
        opened = self.work.result()
        if not isinstance(opened, DatabaseError):
            return opened
        db = ask_when_refused(self.sign_in, opened)
        return None if db is None else identify(db, self.as_user, self.is_demo)


def import_the_window() -> None:
    """The main window's modules (its pages and what they import): imported while the database opens."""
    import ui.context
    import ui.gc_guard
    import ui.main_window  # noqa: F401


def run(args: argparse.Namespace) -> int:
    app = make_application()
    hooks = start_error_reporting(app, args)
    try:
        chosen = choose_database(args)
        if chosen is None:
            return 0  # the person closed the first-run window, or gave up signing in
        url, is_demo = chosen
        if is_demo and url is not None and demo_needs_building(url):
            build_demo_first(url)
        opening = Opening(url, args.as_user, is_demo)
        engine = DeadlineEngine(calendar=cached_calendar())
        import_the_window()
        opened = opening.finish()
        if opened is None:
            return 0
    except CaseworkerError as exc:
        QMessageBox.critical(None, "Caseworker cannot start", str(exc))
        return 1
    from ui.context import DesktopContext
    from ui.gc_guard import UiThreadCollector
    from ui.main_window import MainWindow

    ctx, actor, is_demo = AppContext(db=opened.db, engine=engine), opened.actor, opened.is_demo
    desktop = DesktopContext(ctx, actor, is_demo=is_demo)
    collector = UiThreadCollector(app, busy=lambda: desktop.runner.busy)
    collector.start()
    if desktop.can_view_team and is_demo:
        desktop.set_viewing(None)  # a team lead's morning starts on the whole team's work
    window = MainWindow(desktop)
    # A background task's unplanned failure, with no handler of its own, gets the error dialog (ui/tasks.py
    # has logged it); the window's own message stays for the errors Caseworker explains itself.
    desktop.runner.default_error = lambda exc: (window.show_error(exc) if isinstance(exc, CaseworkerError)
                                                else hooks.reporter.show(exc))
    quit_after_first_paint_if_asked(window)  # CASEWORKER_QUIT_AFTER_PAINT=1: the bundle's smoke test
    window.show()
    code = app.exec()
    desktop.runner.wait(5000)
    collector.stop()
    return int(code)

