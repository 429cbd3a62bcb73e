"""The main window: its fixed tabs and shortcuts, one tab per open case, the Case menu following the case,
New request, the remembered layout, and a picture of the whole window on the county demo.

Every window here keeps its settings in the test's own folder (tests.gui.builders.isolate_settings).
Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/main-window.png and new-request.png.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QToolBar
from pytestqt.qtbot import QtBot

from caseworker.reports.my_day import LATE_EP
from tests.gui.builders import (
    ChildDetails,
    county_demo,
    current_panel,
    fill_new_request,
    isolate_settings,
    mid_assessment_case,
    new_case,
    open_window,
    wait_idle,
)
from tests.gui.conftest import GUI_TODAY, add_staff
from ui.context import DesktopContext
from ui.main_window import MainWindow
from ui.panels.case_record import CaseRecordPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WAIT = 10000


def menu_texts(window: MainWindow, title: str) -> list[str]:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == title]
    assert isinstance(menu, QMenu)
    return [a.text() for a in menu.actions()]


def open_from_cases(qtbot: QtBot, window: MainWindow, case_id: int) -> CaseRecordPanel:
    """Select the case's row in the Cases list and press Enter, as a user does."""
    window.show_cases.trigger()
    table = window.cases.table
    assert table.select_case(case_id)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    panel = current_panel(window)
    assert panel.case_id == case_id
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=WAIT)
    wait_idle(qtbot, window.desktop)
    return panel


def case_tabs(window: MainWindow) -> list[CaseRecordPanel]:
    pages = (window.tabs.widget(i) for i in range(window.tabs.count()))
    return [p for p in pages if isinstance(p, CaseRecordPanel)]


# --- the frame -------------------------------------------------------------------------------------------


def test_the_window_has_my_day_and_cases_and_a_new_request_command(qtbot: QtBot, desktop: DesktopContext,
                                                                   tmp_path: Path) -> None:
    window, failed = open_window(qtbot, desktop, tmp_path)
    assert window.windowTitle() == "Caseworker"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["My day", "Cases", "Letters to send",
                                                                         "Phase transfers"]
    assert window.tabs.currentWidget() is window.my_day
    bar = window.tabs.tabBar()
    assert all(bar.tabButton(i, bar.ButtonPosition.RightSide) is None for i in range(4))  # they cannot close
    assert menu_texts(window, "&File") == ["&New request…", "Council &settings…", "", "&Quit"]
    assert not window.council_settings_action.isVisible()  # an admin's errand
    assert window.new_request_action.shortcut() == QKeySequence("Ctrl+N")
    toolbar = window.findChild(QToolBar, "main_toolbar")
    assert isinstance(toolbar, QToolBar) and toolbar.actions()[0] is window.new_request_action
    assert window.who.text().startswith("Jo Smith (caseworker)")
    assert failed.errors == []


def test_ctrl_1_and_ctrl_2_switch_pages_and_ctrl_f_finds_a_case(qtbot: QtBot, desktop: DesktopContext,
                                                               tmp_path: Path) -> None:
    window, _ = open_window(qtbot, desktop, tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.cases
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.my_day
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.cases
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cases.search, timeout=WAIT)


def test_a_case_opens_in_one_tab_and_ctrl_w_closes_it(qtbot: QtBot, desktop: DesktopContext,
                                                      tmp_path: Path) -> None:
    cid = new_case(desktop)
    other = new_case(desktop, forename="Ben")
    window, failed = open_window(qtbot, desktop, tmp_path)
    assert not window.close_case.isEnabled()
    panel = open_from_cases(qtbot, window, cid)
    assert window.tabs.count() == 5 and window.tabs.tabText(4) == "EHC-2024-0001 Amelia Jones"
    assert window.close_case.isEnabled()
    assert open_from_cases(qtbot, window, cid) is panel and window.tabs.count() == 5  # the same tab again
    open_from_cases(qtbot, window, other)
    assert [p.case_id for p in case_tabs(window)] == [cid, other]
    window.tabs.setCurrentWidget(panel)
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert [p.case_id for p in case_tabs(window)] == [other]
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 4 and not window.close_case.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # the fixed pages stay
    assert window.tabs.count() == 4
    assert failed.errors == []


def test_the_case_menu_offers_only_the_steps_the_current_case_can_take(qtbot: QtBot, desktop: DesktopContext,
                                                                       tmp_path: Path) -> None:
    waiting = new_case(desktop, date(2025, 1, 6))
    assessing = mid_assessment_case(desktop)
    window, _ = open_window(qtbot, desktop, tmp_path)

    def enabled() -> set[str]:
        return {name for name, action in window.step_actions.items() if action.isEnabled()}

    assert enabled() == set()  # My day: no case
    open_from_cases(qtbot, window, waiting)  # only its received date is recorded: it can be corrected, not undone
    assert enabled() == {"decision_to_assess", "request_advice", "exception", "withdraw", "correct_step"}
    open_from_cases(qtbot, window, assessing)
    assert enabled() == {"request_advice", "advice_received", "excuse_advice", "decision_to_issue", "exception",
                         "withdraw", "correct_step", "undo_step"}
    window.show_my_day.trigger()
    assert enabled() == set()
    window.tabs.setCurrentIndex(5)  # the second case (after My day, Cases, Letters to send, Phase transfers)
    assert enabled() == {"request_advice", "advice_received", "excuse_advice", "decision_to_issue", "exception",
                         "withdraw", "correct_step", "undo_step"}
    window.step_actions["decision_to_assess"].trigger()  # disabled for this case: triggering does nothing
    assert current_panel(window).dialog is None

    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    assert enabled() == set() and not window.new_request_action.isEnabled()
    assert window.new_request() is None
    assert window.who.text().startswith("Val Viewer (read only)")


def test_new_request_registers_a_case_and_opens_its_tab(qtbot: QtBot, desktop: DesktopContext,
                                                        tmp_path: Path) -> None:
    window, failed = open_window(qtbot, desktop, tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.new_request_dialog
    assert dialog is not None and dialog.isVisible() and dialog.parent() is window
    assert window.new_request() is dialog  # a second Ctrl+N raises the open form
    fill_new_request(dialog)
    with qtbot.waitSignal(window.my_day.loaded, timeout=WAIT):  # My day is on show: it reloads at once
        dialog.ok.click()
    panel = current_panel(window)
    assert panel.case_id == dialog.case_id and not dialog.isVisible()
    qtbot.waitUntil(lambda: window.tabs.tabText(4) == "EHC-2025-0001 Zoë Ó Súilleabháin", timeout=WAIT)
    assert {n for n, a in window.step_actions.items() if a.isEnabled()} == {"decision_to_assess", "request_advice",
                                                                            "exception", "withdraw", "correct_step"}
    with qtbot.waitSignal(window.cases.loaded, timeout=WAIT):  # the hidden Cases list reloads when shown
        window.show_cases.trigger()
    assert [r.child for r in window.cases.shown_rows()] == ["Zoë Ó Súilleabháin"]
    assert failed.errors == []


# --- the remembered layout -------------------------------------------------------------------------------


def test_the_window_remembers_its_size_place_and_page(qtbot: QtBot, desktop: DesktopContext,
                                                      tmp_path: Path) -> None:
    first, _ = open_window(qtbot, desktop, tmp_path, size=(1100, 700))
    first.show_cases.trigger()
    saved = first.saveGeometry()
    first.close()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files and all(tmp_path in p.parents for p in files)  # written to the test's own folder only
    assert QSettings().value("main_window/geometry") == saved
    second = MainWindow(desktop)
    qtbot.addWidget(second)
    # The offscreen test screen is 800 px square: Qt fits a restored width to it (then to the 900 px
    # minimum), so the height is where the remembered size shows; a fresh window would be 1400 x 850.
    assert second.height() == 700 and second.width() < 1100
    assert second.tabs.currentWidget() is second.cases
    wait_idle(qtbot, desktop)
    second.show_my_day.trigger()
    second.resize(1000, 640)
    second.close()
    third = MainWindow(desktop)
    qtbot.addWidget(third)
    assert third.height() == 640 and third.tabs.currentWidget() is third.my_day
    wait_idle(qtbot, desktop)


# --- a picture of the whole window -----------------------------------------------------------------------


def test_screenshots_of_the_window_and_the_new_request_form(qtbot: QtBot, tmp_path: Path) -> None:
    """The county demo as its team lead sees the whole team on 3 March 2025."""
    pytest.importorskip("caseworker.demo")
    ctx, lead = county_demo(tmp_path, GUI_TODAY)
    desktop = DesktopContext(ctx, lead, is_demo=True)
    try:
        desktop.set_viewing(None)
        window, failed = open_window(qtbot, desktop, tmp_path / "settings")
        qtbot.waitUntil(lambda: window.my_day.whose.text().startswith("Whole team \u00b7"), timeout=WAIT)
        assert window.viewing.currentText() == "Whole team" and window.my_day.sections[LATE_EP].isVisible()
        assert window.windowTitle() == "Caseworker (demo)" and window.acting_as.isVisible()
        QApplication.processEvents()
        picture = window.grab()
        assert (picture.width(), picture.height()) == (1400, 850)
        out = SCREENSHOTS if os.environ.get("CASEWORKER_SCREENSHOTS") == "1" else tmp_path
        out.mkdir(parents=True, exist_ok=True)
        assert picture.save(str(out / "main-window.png"))

        dialog = window.new_request()
        assert dialog is not None
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitActive(dialog)
        fill_new_request(dialog, ChildDetails(postcode="HR2 7AB"), received=date(2025, 2, 26))
        dialog.caseworker.setCurrentIndex(dialog.caseworker.findData("zprosser"))
        QApplication.processEvents()
        assert dialog.ok.isEnabled() and "Zoë Prosser will be the caseworker." in dialog.consequence.text()
        assert dialog.grab().save(str(out / "new-request.png"))
        dialog.reject()
        assert failed.errors == []
    finally:
        desktop.runner.wait()
        ctx.db.dispose()


def test_the_toolbar_does_not_move_when_the_staff_list_loads(qtbot: QtBot, desktop: DesktopContext,
                                                             tmp_path: Path) -> None:
    add_staff(desktop.ctx, "a.long-name", "Alexandra Montgomery-Fitzwilliam", "team_lead")
    isolate_settings(tmp_path)
    window = MainWindow(desktop)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1400, 850)
    window.show()
    qtbot.waitExposed(window)
    assert window.acting_as.count() == 1  # only the acting person until the staff are read
    before = (window.acting_as.width(), window.viewing.width(), window.today_label.x())
    qtbot.waitUntil(lambda: window.acting_as.findData("a.long-name") >= 0, timeout=WAIT)
    wait_idle(qtbot, desktop)
    QApplication.processEvents()
    assert (window.acting_as.width(), window.viewing.width(), window.today_label.x()) == before
