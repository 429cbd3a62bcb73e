"""Start the desktop: open the database, work out who is acting, show the main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError
from caseworker.holiday_cache import cached_calendar
from caseworker.services.actor import Actor, login_name, resolve_actor
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.database import Database, open_database
from caseworker.store.location import demo_database_url


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName("Caseworker")
    QCoreApplication.setApplicationName("Caseworker")
    app = QApplication(argv or sys.argv[:1])
    app.setApplicationDisplayName("Caseworker")
    return app


def demo_needs_building(url: str) -> bool:
    from pathlib import Path

    path = url.removeprefix("sqlite:///")
    return url.startswith("sqlite:///") and not Path(path).exists()


def build_demo_first(url: str) -> None:
    from caseworker.clock import london_today
    from caseworker.demo import build_demo

    build_demo(url, scale="county", today=london_today(), login=login_name())


def acting_user(db: Database, as_user: str | None, is_demo: bool) -> Actor:
    with db.session() as s:
        if is_demo and as_user is None:
            # The demo makes the computer's login one of its team leads.
            return resolve_actor(s, login_name())
        return resolve_actor(s, as_user)


def run(args: argparse.Namespace) -> int:
    app = make_application()
    url = args.database or (demo_database_url() if args.demo else None)
    is_demo = bool(args.demo)
    try:
        if is_demo and url is not None and demo_needs_building(url):
            build_demo_first(url)
        ctx = AppContext(db=open_database(url), engine=DeadlineEngine(calendar=cached_calendar()))
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
    window.show()
    code = app.exec()
    desktop.runner.wait(5000)
    collector.stop()
    return int(code)

