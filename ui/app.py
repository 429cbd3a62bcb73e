"""Start the desktop: open the database, work out who is acting, show the main window."""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError
from caseworker.holiday_cache import cached_calendar
from caseworker.logs import start_logging
from caseworker.services.actor import Actor, acting_actor, login_name, resolve_actor, signed_in_actor
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.database import Database
from caseworker.store.location import database_chosen, demo_database_url
from ui.error_reports import ErrorHooks, install_error_hooks
from ui.icon import app_icon
from ui.sign_in import open_with_sign_in
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
        db = open_with_sign_in(url)
        if db is None:
            return 0
        ctx = AppContext(db=db, engine=DeadlineEngine(calendar=cached_calendar()))
        is_demo = is_demo or ctx.db.meta("demo") == "1"
        actor = acting_user(ctx.db, args.as_user, is_demo)
    except CaseworkerError as exc:
        QMessageBox.critical(None, "Caseworker cannot start", str(exc))
        return 1
    from ui.context import DesktopContext
    from ui.gc_guard import UiThreadCollector
    from ui.main_window import MainWindow

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

