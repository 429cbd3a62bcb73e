"""My day: the sections a caseworker sees in the morning, opening a case, the team view, the demo."""

from __future__ import annotations

import gc
import os
import weakref
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from caseworker.context import AppContext, fixed_clock
from caseworker.reports.my_day import (
    ADVICE_DUE_SOON,
    DUE_THIS_WEEK,
    LATE_EP,
    LATE_HEALTH,
    OVERDUE_STEPS,
    SECTION_ORDER,
    WorkItem,
)
from caseworker.services.actor import Actor, resolve_actor
from caseworker.services.steps import NewRequest, record_decision_to_assess, register_request, request_advice
from caseworker.store.database import open_database
from tests.gui.conftest import GUI_TODAY
from ui.context import DesktopContext
from ui.panels._my_day_parts import ItemModel
from ui.panels.my_day import EMPTY_TEXT, MyDayPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def days_ago(n: int) -> date:
    return GUI_TODAY - timedelta(days=n)


def new_case(dc: DesktopContext, forename: str, surname: str, *, received: date, caseworker: str = "jsmith",
             assess_on: date | None = None, advice: tuple[tuple[str, date], ...] = ()) -> int:
    ctx, actor = dc.ctx, dc.actor
    case_id = register_request(ctx, actor, NewRequest(forename, surname, date(2015, 5, 1), received,
                                                      caseworker=caseworker))
    if assess_on is not None:
        record_decision_to_assess(ctx, actor, case_id, True, assess_on)
    for kind, on in advice:
        request_advice(ctx, actor, case_id, kind, on)
    return case_id


def open_panel(qtbot: QtBot, dc: DesktopContext) -> MyDayPanel:
    panel = MyDayPanel(dc)
    qtbot.addWidget(panel)
    panel.resize(1400, 850)
    panel.show()
    wait_loaded(qtbot, panel)
    return panel


def wait_loaded(qtbot: QtBot, panel: MyDayPanel) -> None:
    qtbot.waitUntil(lambda: not panel.is_loading, timeout=10000)


def double_click(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    """A real double-click is a click then a double-click event (a lone DblClick has no pressed index)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def items(panel: MyDayPanel, section: str) -> list[WorkItem]:
    return [r for r in panel.section_rows(section) if isinstance(r, WorkItem)]


def cell(panel: MyDayPanel, section: str, row: int, column: int) -> str:
    model = panel.sections[section].model
    return str(model.data(model.index(row, column)))


def test_empty_day_says_so(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = MyDayPanel(desktop)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.is_loading and panel.busy.isVisible()  # "Loading…" until the runner answers
    wait_loaded(qtbot, panel)
    assert not panel.busy.isVisible()
    assert panel.heading.text() == "My day \u2014 Monday 3 March 2025"
    assert panel.whose.text() == "Jo Smith"
    assert panel.empty.isVisible() and EMPTY_TEXT in panel.empty.text()
    assert not panel.summary.isVisible()
    assert not any(s.isVisible() for s in panel.sections.values())


def test_overdue_decision_is_in_overdue(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = new_case(desktop, "Amara", "Okafor", received=days_ago(50))  # decision was due 8 days ago
    panel = open_panel(qtbot, desktop)
    [item] = items(panel, OVERDUE_STEPS)
    assert (item.case_id, item.child, item.what) == (case_id, "Amara Okafor", "Decide whether to assess")
    assert cell(panel, OVERDUE_STEPS, 0, ItemModel.WHEN) == "8 days late"
    assert panel.sections[OVERDUE_STEPS].isVisible() and not panel.empty.isVisible()
    assert panel.cards[OVERDUE_STEPS].number.text() == "1" and panel.cards[OVERDUE_STEPS].isEnabled()
    assert not panel.cards[LATE_EP].isEnabled()
    assert panel.whose.text() == "Jo Smith \u00b7 1 thing to look at"


def test_ep_advice_is_late_only_after_six_weeks(qtbot: QtBot, desktop: DesktopContext) -> None:
    due_today = new_case(desktop, "Due", "Today", received=days_ago(60), assess_on=days_ago(45),
                         advice=(("ep", days_ago(42)),))
    late = new_case(desktop, "One", "Daylate", received=days_ago(60), assess_on=days_ago(45),
                    advice=(("ep", days_ago(43)),))
    panel = open_panel(qtbot, desktop)
    assert [i.case_id for i in items(panel, LATE_EP)] == [late]
    assert cell(panel, LATE_EP, 0, ItemModel.WHEN) == "1 day late"
    soon = [i for i in items(panel, ADVICE_DUE_SOON) if i.case_id == due_today]
    assert len(soon) == 1 and soon[0].what.startswith("EP advice")
    row = items(panel, ADVICE_DUE_SOON).index(soon[0])
    assert cell(panel, ADVICE_DUE_SOON, row, ItemModel.WHEN) == "due today"
    assert not items(panel, LATE_HEALTH)


def test_health_advice_has_its_own_section(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = new_case(desktop, "Health", "Late", received=days_ago(70), assess_on=days_ago(55),
                       advice=(("health", days_ago(50)), ("ep", days_ago(20))))
    panel = open_panel(qtbot, desktop)
    [item] = items(panel, LATE_HEALTH)
    assert item.case_id == case_id and item.what.startswith("Health advice")
    assert cell(panel, LATE_HEALTH, 0, ItemModel.WHEN) == "8 days late"
    assert not items(panel, LATE_EP)
    section = panel.sections[LATE_HEALTH]
    assert section.isVisible() and section.title.text() == "Late health advice (1)"
    assert section.table.accessibleName() == "Late health advice: 1 item"


def test_whole_team_shows_everyones_work_with_caseworker(qtbot: QtBot, desktop: DesktopContext) -> None:
    new_case(desktop, "Mine", "Case", received=days_ago(50))
    theirs = new_case(desktop, "Their", "Case", received=days_ago(45), caseworker="alead")
    panel = open_panel(qtbot, desktop)
    assert [i.child for i in items(panel, OVERDUE_STEPS)] == ["Mine Case"]
    caseworker_col = 6
    assert panel.sections[OVERDUE_STEPS].table.isColumnHidden(caseworker_col)

    desktop.set_viewing(None)
    assert panel.whose.text() == "Whole team"
    qtbot.waitUntil(lambda: len(items(panel, OVERDUE_STEPS)) == 2, timeout=10000)
    wait_loaded(qtbot, panel)
    assert panel.whose.text().startswith("Whole team")
    assert not panel.sections[OVERDUE_STEPS].table.isColumnHidden(caseworker_col)
    row = next(n for n, i in enumerate(items(panel, OVERDUE_STEPS)) if i.case_id == theirs)
    assert cell(panel, OVERDUE_STEPS, row, caseworker_col) == "Alex Lead"
    # Most overdue first: "Mine" (8 days late) before "Their" (3 days late).
    assert [cell(panel, OVERDUE_STEPS, r, ItemModel.WHEN) for r in range(2)] == ["8 days late", "3 days late"]


def test_open_case_on_double_click_and_enter(qtbot: QtBot, desktop: DesktopContext) -> None:
    first = new_case(desktop, "First", "Child", received=days_ago(50))
    second = new_case(desktop, "Second", "Child", received=days_ago(46))
    panel = open_panel(qtbot, desktop)
    table = panel.sections[OVERDUE_STEPS].table
    rect = table.visualRect(table.model().index(1, 1))
    with qtbot.waitSignal(panel.open_case, timeout=2000) as opened:
        double_click(qtbot, table.viewport(), rect.center())
    assert opened.args == [second]

    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    with qtbot.waitSignal(panel.open_case, timeout=2000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [first]


def test_summary_card_jumps_to_its_section(qtbot: QtBot, desktop: DesktopContext) -> None:
    new_case(desktop, "Health", "Late", received=days_ago(70), assess_on=days_ago(55),
             advice=(("health", days_ago(50)),))
    panel = open_panel(qtbot, desktop)
    card = panel.cards[LATE_HEALTH]
    assert card.accessibleName() == "Late health advice: 1. Go to the list"
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    table = panel.sections[LATE_HEALTH].table
    assert table.hasFocus() and table.currentIndex().row() == 0


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_return_on_a_summary_card_jumps_as_a_click_does(qtbot: QtBot, desktop: DesktopContext, key: Qt.Key) -> None:
    new_case(desktop, "Health", "Late", received=days_ago(70), assess_on=days_ago(55),
             advice=(("health", days_ago(50)),))
    panel = open_panel(qtbot, desktop)
    card = panel.cards[LATE_HEALTH]
    card.setFocus()
    with qtbot.waitSignal(card.chosen, timeout=2000) as chosen:
        qtbot.keyClick(card, key)
    assert chosen.args == [LATE_HEALTH]
    table = panel.sections[LATE_HEALTH].table
    assert table.hasFocus() and table.currentIndex().row() == 0


def test_changes_and_due_this_week_reload(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop)
    assert not items(panel, DUE_THIS_WEEK)
    new_case(desktop, "Soon", "Due", received=days_ago(40))  # decision due in 2 days
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        desktop.data_changed.emit(0)
    [item] = items(panel, DUE_THIS_WEEK)
    assert cell(panel, DUE_THIS_WEEK, 0, ItemModel.WHEN) == "due in 2 days"
    assert item.child == "Soon Due"


def test_hidden_panel_reloads_when_shown(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop)
    panel.hide()
    new_case(desktop, "Later", "Case", received=days_ago(50))
    desktop.data_changed.emit(0)
    assert not panel.is_loading  # nothing loads for a page nobody is looking at
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.show()
    assert [i.child for i in items(panel, OVERDUE_STEPS)] == ["Later Case"]


def county_desktop(tmp_path: Path) -> tuple[AppContext, Actor]:
    demo = pytest.importorskip("caseworker.demo")
    url = f"sqlite:///{tmp_path / 'county.sqlite'}"
    demo.build_demo(url, scale="county", today=GUI_TODAY, login="alead")
    ctx = AppContext(db=open_database(url), clock=fixed_clock(GUI_TODAY))
    with ctx.db.session() as s:
        return ctx, resolve_actor(s, "alead")


def test_county_demo_renders(qtbot: QtBot, tmp_path: Path) -> None:
    """A busy caseworker's morning at the county demo; CASEWORKER_SCREENSHOTS=1 saves docs/screenshots."""
    ctx, lead = county_desktop(tmp_path)
    try:
        dc = DesktopContext(ctx, lead)
        dc.set_viewing("zprosser")
        panel = open_panel(qtbot, dc)
        assert panel.whose.text().startswith("Zoë Prosser \u00b7 ")
        assert items(panel, LATE_EP) and items(panel, LATE_HEALTH)
        assert sum(len(items(panel, s)) for s in SECTION_ORDER) > 20
        out = SCREENSHOTS if os.environ.get("CASEWORKER_SCREENSHOTS") else tmp_path
        out.mkdir(parents=True, exist_ok=True)
        qtbot.wait(100)  # let the sections take their heights before the picture
        assert panel.grab().save(str(out / "my-day.png"))
        dc.set_viewing(None)
        qtbot.waitUntil(lambda: panel.whose.text().startswith("Whole team \u00b7"), timeout=10000)
        qtbot.wait(100)  # let the new layout settle before the picture
        panel.show_section(LATE_HEALTH)
        assert panel.grab().save(str(out / "my-day-team.png"))
        dc.runner.wait()
    finally:
        ctx.db.dispose()


def test_summary_cards_are_reachable_by_tab(qtbot: QtBot, desktop: DesktopContext) -> None:
    new_case(desktop, "Tab", "Order", received=days_ago(50))
    panel = open_panel(qtbot, desktop)
    panel.reload.setFocus()
    assert panel.reload.nextInFocusChain() is panel.cards[SECTION_ORDER[0]]


def test_panel_is_freed_without_the_cycle_collector(qtbot: QtBot, desktop: DesktopContext) -> None:
    """No reference cycles: a dropped panel goes at once on the UI thread, never later from a worker
    thread's garbage collection (which deletes Qt objects on the wrong thread and crashes)."""
    panel = MyDayPanel(desktop)
    panel.show()
    wait_loaded(qtbot, panel)
    gone = weakref.ref(panel)
    gc.disable()
    try:
        del panel
        assert gone() is None
    finally:
        gc.enable()
