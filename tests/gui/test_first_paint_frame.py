"""The desktop paints its main window's frame first and builds the pages just after: what a person sees
at start is the real window (menus, toolbar, the fixed tabs, status bar) sooner by the time the pages'
modules, services and views take to import. Checked in a fresh process for what is loaded at the first
paint, and in this one for the frame turning into the window."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from caseworker.context import AppContext
from caseworker.store.database import open_database
from tests.gui.builders import isolate_settings
from tests.gui.conftest import add_staff
from ui.context import DesktopContext
from ui.main_window import FIXED_PAGES, LEAD_PAGES, MainWindow

ROOT = Path(__file__).resolve().parents[2]

# Starts the desktop as the command line does (caseworker.cli -> ui.app.run) and notes, at the main
# window's first Paint event, the modules loaded so far in the order they were loaded, and whether the
# window had its pages yet. CASEWORKER_QUIT_AFTER_PAINT=1 then ends it.
AT_FIRST_PAINT = """
import json, sys
import ui.app

seen = {}
made = ui.app.main_window

def watched(desktop):
    window = made(desktop)
    from PySide6.QtCore import QEvent, QObject

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not seen:
                seen.update(modules=list(sys.modules), has_pages=window.has_pages)
            return False

    window.watch = Watch(window)
    window.installEventFilter(window.watch)
    return window

ui.app.main_window = watched
from caseworker.cli import main
code = main(["--database", sys.argv[1], "--as", "jsmith"])
print(json.dumps(dict(seen, code=code)))
"""


def test_the_first_paint_comes_before_the_pages_and_what_they_import(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "team.sqlite"
    shutil.copyfile(sqlite_template, path)
    ctx = AppContext(db=open_database(f"sqlite:///{path}"))
    add_staff(ctx, "jsmith", "Jo Smith", "caseworker")
    ctx.db.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CASEWORKER_QUIT_AFTER_PAINT="1",
               XDG_CONFIG_HOME=str(tmp_path / "config"), CASEWORKER_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", AT_FIRST_PAINT, f"sqlite:///{path}"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0
    modules: list[str] = seen["modules"]
    assert "ui.main_window" in modules and seen["has_pages"] is False
    too_soon = [m for m in modules if m.startswith(("ui.panels", "caseworker.views", "ui.live"))
                or (m.startswith("caseworker.services.") and m != "caseworker.services.actor")]
    assert too_soon == []
    # The database was opened (SQLAlchemy loaded for it) before Qt was loaded.
    assert modules.index("sqlalchemy") < modules.index("PySide6")


def test_the_frame_becomes_the_window_after_its_first_paint(qtbot: QtBot, app_ctx: AppContext,
                                                           tmp_path: Path) -> None:
    isolate_settings(tmp_path)
    QSettings().setValue("main_window/tab", 1)  # last time the person left it on Cases
    lead = add_staff(app_ctx, "alead", "Alex Lead", "team_lead")
    desktop = DesktopContext(app_ctx, lead)
    window = MainWindow(desktop, pages_after_paint=True)
    qtbot.addWidget(window)

    assert not window.has_pages and not hasattr(window, "my_day")
    tabs = [*FIXED_PAGES, *LEAD_PAGES]  # a lead's: the frame has every tab the window will have
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == tabs
    opening = window.tabs.widget(1)
    assert isinstance(opening, QLabel) and opening.text() == "Opening Cases\u2026"
    assert window.tabs.currentIndex() == 1 and window.windowTitle() == "Caseworker"
    assert "Alex Lead (team lead)" in window.who.text()
    window.find_case()  # Find before the pages exist does nothing, rather than fail
    window.show_my_day.trigger()  # the View menu works on the frame's tabs
    assert window.tabs.currentIndex() == 0
    window.show_cases.trigger()

    with qtbot.waitSignal(window.pages_built, timeout=10_000):
        window.show()
    assert window.has_pages
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == tabs  # the tab bar kept still
    assert window.tabs.widget(0) is window.my_day and window.tabs.widget(1) is window.cases
    assert window.tabs.widget(3) is window.phase_transfers
    assert window.tabs.widget(4) is window.team and window.tabs.widget(5) is window.staff_page
    assert window.tabs.currentWidget() is window.cases  # still where the person was
    qtbot.waitUntil(lambda: window.my_day.has_loaded, timeout=10_000)  # and the day's work is read
    window.close()
    desktop.runner.wait(10_000)


def test_a_caseworkers_frame_has_no_lead_pages(qtbot: QtBot, app_ctx: AppContext, tmp_path: Path) -> None:
    isolate_settings(tmp_path)
    desktop = DesktopContext(app_ctx, add_staff(app_ctx, "acw", "Ash Worker", "caseworker"))
    window = MainWindow(desktop, pages_after_paint=True)
    qtbot.addWidget(window)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == list(FIXED_PAGES)
    with qtbot.waitSignal(window.pages_built, timeout=10_000):
        window.show()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == list(FIXED_PAGES)
    assert window.tabs.indexOf(window.team) < 0 and window.tabs.indexOf(window.staff_page) < 0
    qtbot.waitUntil(lambda: window.my_day.has_loaded, timeout=10_000)
    window.close()
    desktop.runner.wait(10_000)
