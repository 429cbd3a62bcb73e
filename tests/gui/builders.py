"""Helpers the window tests share: cases built with the services, the main window on isolated settings,
letting time pass, filling the New request form and reading My day.

The case builders live in tests/gui/test_case_record.py (other tests import them from there); they are
re-exported here so newer tests have one place to import from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from pytestqt.qtbot import QtBot

from caseworker.context import AppContext, fixed_clock
from caseworker.services.actor import Actor, resolve_actor
from caseworker.store.database import open_database
from tests.gui.test_case_record import mid_assessment_case, new_case, plan_in_place, submit, table_texts
from ui.context import DesktopContext
from ui.dialogs.new_request import NewRequestDialog
from ui.main_window import MainWindow
from ui.panels._my_day_parts import when_words
from ui.panels.case_record import CaseRecordPanel

__all__ = ["ChildDetails", "FailedTasks", "county_demo", "current_panel", "fill_new_request", "isolate_settings",
           "mid_assessment_case", "my_day_items", "new_case", "open_window", "plan_in_place", "refresh_my_day",
           "set_today", "submit", "table_texts", "wait_idle"]

WAIT = 10000  # ms: long enough for a loaded CI machine, short enough to fail a hung test


def isolate_settings(folder: Path) -> Path:
    """Point every QSettings at ``folder`` under a test-only name: nothing reaches the user's settings.

    QSettings has no getter for its path, so the change is not undone; each test that builds a main
    window calls this with its own temporary folder first.
    """
    QCoreApplication.setOrganizationName("CaseworkerTests")
    QCoreApplication.setApplicationName("CaseworkerTests")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder))
    QSettings().clear()
    return folder


@dataclass
class FailedTasks:
    """Collects background errors that would otherwise open a modal message box and hang the test."""

    errors: list[BaseException] = field(default_factory=list)

    def __call__(self, exc: BaseException) -> None:
        self.errors.append(exc)


def open_window(qtbot: QtBot, desktop: DesktopContext, settings: Path, *, size: tuple[int, int] = (1400, 850),
                ) -> tuple[MainWindow, FailedTasks]:
    """A shown main window with My day, Cases and the staff pickers loaded."""
    isolate_settings(settings)
    window = MainWindow(desktop)
    qtbot.addWidget(window)
    failed = FailedTasks()
    desktop.runner.default_error = failed
    window.setWindowState(Qt.WindowState.WindowNoState)  # not maximised on the small offscreen screen
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    # The window reads nothing until it has painted, then My day; Cases and the staff once My day is shown
    # (a turn of the event loop later: until then the runner can be idle with the Cases list not yet asked for).
    qtbot.waitUntil(lambda: window.reading_started and window.my_day.has_loaded and window.cases.has_loaded,
                    timeout=WAIT)
    wait_idle(qtbot, desktop)
    return window, failed


def wait_idle(qtbot: QtBot, desktop: DesktopContext, timeout: int = WAIT) -> None:
    """Wait until every background task has finished and its result has reached the window."""
    qtbot.waitUntil(lambda: not desktop.runner.busy, timeout=timeout)


def set_today(desktop: DesktopContext, day: date) -> None:
    """Let time pass: every part of the window reads today through the context's clock."""
    desktop.ctx.clock = fixed_clock(day)


def refresh_my_day(qtbot: QtBot, window: MainWindow) -> None:
    """Show My day and reload everything (as F5 does) for the context's today."""
    window.show_my_day.trigger()
    with qtbot.waitSignal(window.my_day.loaded, timeout=WAIT):
        window.refresh_action.trigger()
    wait_idle(qtbot, window.desktop)


def my_day_items(window: MainWindow, section: str) -> list[tuple[str, str, str]]:
    """(child, what, when in words) of each row of a My day section, as the table shows them."""
    return [(i.child, i.what, when_words(i)) for i in window.my_day.sections[section].model.rows()]


def current_panel(window: MainWindow) -> CaseRecordPanel:
    panel = window.current_case()
    assert panel is not None, "no case tab is current"
    return panel


@dataclass(frozen=True)
class ChildDetails:
    forename: str = "Zoë"
    surname: str = "Ó Súilleabháin"
    born: date = date(2016, 5, 4)
    upn: str = "B801200005001"
    postcode: str = "hr2 7ab"  # the form tidies it to HR2 7AB
    need: str = "ASD"
    source: str = "parent"
    contact: str = "Siobhán Ó Súilleabháin"
    contact_title: str = ""
    relationship: str = "parent"
    address: str = "12 Bath Street\nHereford"
    contact_postcode: str = "HR1 2HQ"
    email: str = "siobhan@example.org"


def fill_new_request(dialog: NewRequestDialog, child: ChildDetails = ChildDetails(),
                     received: date | None = None) -> None:
    """Fill the form through its widgets (setText and friends: no key clicks, so any name works)."""
    dialog.forename.setText(child.forename)
    dialog.surname.setText(child.surname)
    dialog.date_of_birth.set_value(child.born)
    dialog.upn.setText(child.upn)
    dialog.postcode.setText(child.postcode)
    dialog.primary_need.setCurrentIndex(dialog.primary_need.findData(child.need))
    if received is not None:
        dialog.received.set_value(received)
    dialog.source.setCurrentIndex(dialog.source.findData(child.source))
    forename, _, surname = child.contact.partition(" ")  # "Siobhán" and "Ó Súilleabháin"
    dialog.contact_title.setEditText(child.contact_title)
    dialog.contact_forename.setText(forename)
    dialog.contact_surname.setText(surname)
    dialog.contact_role.setCurrentIndex(dialog.contact_role.findData(child.relationship))
    dialog.contact_address.setPlainText(child.address)
    dialog.contact_postcode.setText(child.contact_postcode)
    dialog.contact_email.setText(child.email)


def county_demo(folder: Path, today: date, login: str = "alead") -> tuple[AppContext, Actor]:
    """The county demo team on a fresh SQLite file, acting as ``login`` (a team lead)."""
    from caseworker.demo import build_demo

    url = f"sqlite:///{folder / 'county.sqlite'}"
    build_demo(url, scale="county", today=today, login=login)
    ctx = AppContext(db=open_database(url), clock=fixed_clock(today))
    with ctx.db.session() as s:
        return ctx, resolve_actor(s, login)
