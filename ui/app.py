"""Start the desktop: open the database, work out who is acting, show the main window.

The order is the start's speed. When the command line or this computer already says which database, its
opening (on a team's server: a worker thread's dozen round trips) starts before Qt is loaded; meanwhile
the UI thread loads Qt and the window's frame, which paints as soon as the person is known; the pages
(their modules, the services and views behind them) are built just after that first paint. Nothing at
the top of this module loads Qt or SQLAlchemy: ``run`` loads them in that order, with the garbage
collector held off (start-up makes a great many objects and no garbage worth a pass).
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from typing import TYPE_CHECKING

from caseworker.errors import CaseworkerError
from caseworker.logs import start_logging
from caseworker.store.location import database_chosen, demo_database_url

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ui.context import DesktopContext
    from ui.error_reports import ErrorHooks
    from ui.main_window import MainWindow
    from ui.opening import Opening

log = logging.getLogger("caseworker.desktop")


def make_application(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from ui.icon import app_icon

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
    """The Something-went-wrong dialog for any error nobody planned for (the log file is started first,
    by ``run``, before the database's opening)."""
    from ui.error_reports import install_error_hooks

    hooks = install_error_hooks(app)
    app.aboutToQuit.connect(hooks.remove)
    return hooks


def demo_needs_building(url: str) -> bool:
    from pathlib import Path

    path = url.removeprefix("sqlite:///")
    return url.startswith("sqlite:///") and not Path(path).exists()


def build_demo_first(url: str) -> None:
    from caseworker.clock import london_today
    from caseworker.demo import build_demo
    from caseworker.services.actor import login_name

    build_demo(url, scale="county", today=london_today(), login=login_name())


def known_database(args: argparse.Namespace) -> tuple[str | None, bool] | None:
    """The database to open and whether it is the demo, when the command line or this computer already
    says (None: the first-run window must ask). A URL of None is the environment's, the remembered team
    database or the local file."""
    if args.database or args.demo:
        return args.database or demo_database_url(), bool(args.demo)
    return (None, False) if database_chosen() else None


def choose_database(args: argparse.Namespace) -> tuple[str | None, bool] | None:
    """The database to open and whether it is the demo: as the command line says, else as this computer
    already has, else as the person chooses in the first-run window (None: they closed it)."""
    known = known_database(args)
    if known is not None:
        return known
    from ui.first_run import choose_first_database

    choice = choose_first_database()
    return None if choice is None else (choice.url, choice.way == "demo")


def open_early(args: argparse.Namespace) -> Opening | CaseworkerError | None:
    """The opening started before Qt is loaded, when nothing needs asking or building first; a failure to
    start it is handed back, to be shown once there is an application to show it with."""
    from ui.opening import Opening

    known = known_database(args)
    if known is None or (known[1] and known[0] is not None and demo_needs_building(known[0])):
        return None  # the first-run window, or the demo's building, comes first
    try:
        return Opening(known[0], args.as_user, known[1])
    except CaseworkerError as exc:
        return exc


def open_after_asking(args: argparse.Namespace) -> Opening | None:
    """The opening, once the first-run window has said which database (and the demo is built)."""
    chosen = choose_database(args)
    if chosen is None:
        return None  # the person closed the first-run window
    from ui.opening import Opening

    url, is_demo = chosen
    if is_demo and url is not None and demo_needs_building(url):
        build_demo_first(url)
    return Opening(url, args.as_user, is_demo)


def import_the_window() -> None:
    """The main window's frame and what it needs: imported while the database opens (its pages are
    imported after the first paint)."""
    import ui.context
    import ui.gc_guard
    import ui.main_window  # noqa: F401


def main_window(desktop: DesktopContext) -> MainWindow:
    """The main window as the desktop opens it: its frame now, its pages just after the first paint."""
    from ui.main_window import MainWindow

    return MainWindow(desktop, pages_after_paint=True)


def run(args: argparse.Namespace) -> int:
    # No automatic collection from here on: the UI thread's collector (ui.gc_guard) takes over once the
    # window is made. Start-up's imports would otherwise pay for a few dozen passes that find nothing.
    gc.disable()
    try:
        return start_and_run(args)
    finally:
        gc.enable()


def start_and_run(args: argparse.Namespace) -> int:
    start_logging(getattr(args, "verbose", 0))
    log.info("desktop started")
    early = open_early(args)
    app = make_application()
    hooks = start_error_reporting(app, args)
    from PySide6.QtWidgets import QMessageBox

    from caseworker.context import AppContext
    from caseworker.holiday_cache import cached_calendar
    from caseworker.statutory.engine import DeadlineEngine

    try:
        if isinstance(early, CaseworkerError):
            raise early
        opening = early or open_after_asking(args)
        if opening is None:
            return 0
        engine = DeadlineEngine(calendar=cached_calendar())
        import_the_window()
        opened = opening.finish()
        if opened is None:
            return 0  # the person gave up signing in
    except CaseworkerError as exc:
        QMessageBox.critical(None, "Caseworker cannot start", str(exc))
        return 1
    from ui.context import DesktopContext
    from ui.gc_guard import UiThreadCollector
    from ui.smoke import quit_after_first_paint_if_asked

    ctx, actor, is_demo = AppContext(db=opened.db, engine=engine), opened.actor, opened.is_demo
    desktop = DesktopContext(ctx, actor, is_demo=is_demo)
    collector = UiThreadCollector(app, busy=lambda: desktop.runner.busy)
    gc.freeze()  # what start-up loaded lives as long as the app: no collection need look at it again
    collector.start()
    if desktop.can_view_team and is_demo:
        desktop.set_viewing(None)  # a team lead's morning starts on the whole team's work
    window = main_window(desktop)
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
