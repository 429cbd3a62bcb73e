"""The case list: instant search, filters, sorting, the count, opening a case, the keyboard."""

from __future__ import annotations

import gc
import os
import weakref
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.identifiers import upn_check_letter
from caseworker.services.actor import resolve_actor
from caseworker.services.steps import NewRequest, record_decision_to_assess, register_request, request_advice
from caseworker.store.database import open_database
from caseworker.store.models import Case, Child, School
from tests.gui.conftest import GUI_TODAY
from ui.context import DesktopContext
from ui.panels._cases_columns import UNALLOCATED
from ui.panels.cases import CasesPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BODY = "884200616001"
UPN = upn_check_letter(BODY) + BODY


def days_ago(n: int) -> date:
    return GUI_TODAY - timedelta(days=n)


def add(dc: DesktopContext, forename: str, surname: str, received: date, *, upn: str | None = None,
        need: str | None = None, caseworker: str | None = "jsmith", assess_on: date | None = None,
        advice: tuple[tuple[str, date], ...] = ()) -> int:
    ctx, actor = dc.ctx, dc.actor
    case_id = register_request(ctx, actor, NewRequest(forename, surname, date(2014, 9, 1), received, upn=upn,
                                                      primary_need=need, caseworker=caseworker))
    if assess_on is not None:
        record_decision_to_assess(ctx, actor, case_id, True, assess_on)
    for kind, on in advice:
        request_advice(ctx, actor, case_id, kind, on)
    return case_id


@pytest.fixture
def team(desktop: DesktopContext) -> dict[str, int]:
    """Four requests: overdue, late EP advice, on track (unallocated), and one at Oak Hill school."""
    ids = {
        "zoe": add(desktop, "Zoë", "Ångström", days_ago(50), upn=UPN, need="ASD"),  # decision overdue
        "late": add(desktop, "Lateef", "Adeyemi", days_ago(60), need="SEMH", assess_on=days_ago(45),
                    advice=(("ep", days_ago(50)),)),
        "new": add(desktop, "Nia", "Evans", days_ago(3), caseworker=None),
        "oak": add(desktop, "Oscar", "Price", days_ago(10), need="ASD"),
    }
    with desktop.ctx.db.session() as s:
        school = School(name="Oak Hill Primary School")
        s.add(school)
        s.flush()
        case = s.get(Case, ids["oak"])
        assert case is not None
        child = s.scalar(select(Child).where(Child.id == case.child_id))
        assert child is not None
        child.school_id = school.id
    return ids


def open_panel(qtbot: QtBot, dc: DesktopContext, *, everyone: bool = True) -> CasesPanel:
    """The panel loaded; ``everyone``: the whole team's cases (a caseworker's list opens on their own)."""
    panel = CasesPanel(dc)
    qtbot.addWidget(panel)
    panel.resize(1400, 850)
    panel.show()
    wait_loaded(qtbot, panel)
    if everyone:
        choose(panel, "caseworker", "")
    return panel


def wait_loaded(qtbot: QtBot, panel: CasesPanel) -> None:
    qtbot.waitUntil(lambda: not panel.is_loading, timeout=10000)


def children(panel: CasesPanel) -> list[str]:
    return [r.child for r in panel.shown_rows()]


def choose(combo_owner: CasesPanel, combo_name: str, value: str) -> None:
    combo = getattr(combo_owner, combo_name)
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not a choice of {combo_name}"
    combo.setCurrentIndex(index)


def test_search_by_name_reference_upn_and_school(qtbot: QtBot, desktop: DesktopContext,
                                                 team: dict[str, int]) -> None:
    panel = open_panel(qtbot, desktop)
    assert panel.count.text() == "Showing 4 of 4 cases"
    panel.search.setText("ÅNGSTRÖM")  # case-blind, accents kept
    assert children(panel) == ["Zoë Ångström"]
    assert panel.count.text() == "Showing 1 of 4 cases"
    panel.search.setText("zoë ång")
    assert children(panel) == ["Zoë Ångström"]
    reference = next(r.reference for r in panel.model.rows() if r.child == "Zoë Ångström")
    panel.search.setText(reference.lower())
    assert children(panel) == ["Zoë Ångström"]
    panel.search.setText(UPN.lower())
    assert children(panel) == ["Zoë Ångström"]
    panel.search.setText("oak hill")
    assert children(panel) == ["Oscar Price"]
    panel.search.setText("nobody like this")
    assert children(panel) == [] and panel.count.text() == "Showing 0 of 4 cases"
    panel.search.clear()
    assert len(children(panel)) == 4


def test_filters_combine_with_search(qtbot: QtBot, desktop: DesktopContext, team: dict[str, int]) -> None:
    panel = open_panel(qtbot, desktop)
    choose(panel, "stage", "assessment")
    assert children(panel) == ["Lateef Adeyemi"]
    panel.clear_filters()
    choose(panel, "status", "overdue")
    assert children(panel) == ["Zoë Ångström"]
    assert panel.status.currentText() == "Overdue" and not panel.status.itemIcon(panel.status.currentIndex()).isNull()
    panel.clear_filters()
    panel.late_only.setChecked(True)
    assert children(panel) == ["Lateef Adeyemi"]
    assert panel.model.row(0).late_advice == ("ep",)
    late_col = panel.column_of("Late advice")
    assert panel.model.data(panel.model.index(0, late_col)) == "EP"
    panel.clear_filters()
    choose(panel, "need", "ASD")
    assert sorted(children(panel)) == ["Oscar Price", "Zoë Ångström"]
    panel.search.setText("price")
    assert children(panel) == ["Oscar Price"] and panel.count.text() == "Showing 1 of 4 cases"
    panel.clear_filters()
    choose(panel, "caseworker", UNALLOCATED)
    assert children(panel) == ["Nia Evans"]
    choose(panel, "caseworker", "jsmith")
    assert "Nia Evans" not in children(panel) and len(children(panel)) == 3
    panel.clear_filters()
    assert panel.count.text() == "Showing 4 of 4 cases" and not panel.clear.isEnabled()


def test_sort_by_status_and_reference(qtbot: QtBot, desktop: DesktopContext, team: dict[str, int]) -> None:
    panel = open_panel(qtbot, desktop)
    # Most urgent first by default: overdue, then late advice, then on track.
    statuses = [r.status for r in panel.shown_rows()]
    assert statuses[:2] == ["overdue", "late_advice"] and set(statuses[2:]) == {"on_track"}
    status_col = panel.column_of("Status")
    assert panel.model.data(panel.model.index(0, status_col)) == "Overdue"
    assert panel.model.data(panel.model.index(0, status_col), Qt.ItemDataRole.DecorationRole) is not None
    panel.sort_by("Status", Qt.SortOrder.DescendingOrder)
    assert [r.status for r in panel.shown_rows()][-1] == "overdue"
    panel.sort_by("Reference")
    refs = [r.reference for r in panel.shown_rows()]
    assert refs == sorted(refs)
    panel.sort_by("Reference", Qt.SortOrder.DescendingOrder)
    assert [r.reference for r in panel.shown_rows()] == sorted(refs, reverse=True)
    # A header click sorts too.
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(status_col) + header.sectionSize(status_col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert panel.shown_rows()[0].status == "overdue"
    # The filter keeps the sort.
    panel.search.setText("a")
    shown = [r.status_rank for r in panel.shown_rows()]
    assert shown == sorted(shown)


def test_open_case_by_double_click_enter_and_search(qtbot: QtBot, desktop: DesktopContext,
                                                    team: dict[str, int]) -> None:
    panel = open_panel(qtbot, desktop)
    panel.sort_by("Reference")
    table = panel.table
    rect = table.visualRect(panel.model.index(2, 1))
    with qtbot.waitSignal(panel.open_case, timeout=2000) as opened:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [panel.model.row(2).case_id]

    # Ctrl+F's target, then Down into the list and Enter to open.
    panel.focus_search()
    qtbot.keyClicks(panel.search, "price")
    assert panel.search.hasFocus() and children(panel) == ["Oscar Price"]
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert table.hasFocus() and table.currentIndex().row() == 0
    with qtbot.waitSignal(panel.open_case, timeout=2000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [team["oak"]]
    # Enter in the search box opens the only match straight away.
    panel.focus_search()
    with qtbot.waitSignal(panel.open_case, timeout=2000) as opened:
        qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert opened.args == [team["oak"]]
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    assert panel.search.text() == "" and len(children(panel)) == 4


def test_reloads_on_data_changed_keeping_filter_and_selection(qtbot: QtBot, desktop: DesktopContext,
                                                              team: dict[str, int]) -> None:
    panel = open_panel(qtbot, desktop)
    panel.search.setText("a")
    panel.table.select_case(team["late"])
    add(desktop, "Anna", "Kowalska", days_ago(1))
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        desktop.data_changed.emit(0)
    assert "Anna Kowalska" in children(panel)
    assert panel.count.text() == f"Showing {len(children(panel))} of 5 cases"
    assert panel.table.current_case() == team["late"]


def test_accessible_names(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop)
    for widget in (panel.search, panel.table, panel.stage, panel.caseworker, panel.status, panel.need,
                   panel.late_only, panel.clear, panel.export):
        assert widget.accessibleName()
    assert panel.count.text() == "Showing 0 of 0 cases"


def test_county_demo_renders(qtbot: QtBot, tmp_path: Path) -> None:
    """The county demo's list; CASEWORKER_SCREENSHOTS=1 saves docs/screenshots/cases.png."""
    demo = pytest.importorskip("caseworker.demo")
    url = f"sqlite:///{tmp_path / 'county.sqlite'}"
    demo.build_demo(url, scale="county", today=GUI_TODAY, login="alead")
    ctx = AppContext(db=open_database(url), clock=fixed_clock(GUI_TODAY))
    try:
        with ctx.db.session() as s:
            dc = DesktopContext(ctx, resolve_actor(s, "alead"))
        panel = open_panel(qtbot, dc)
        assert panel.model.total > 1000 and panel.shown_rows()[0].status == "overdue"
        out = SCREENSHOTS if os.environ.get("CASEWORKER_SCREENSHOTS") else tmp_path
        out.mkdir(parents=True, exist_ok=True)
        assert panel.grab().save(str(out / "cases.png"))
        panel.search.setText("ho")
        panel.late_only.setChecked(True)
        assert 0 < panel.model.rowCount() < panel.model.total
        QApplication.processEvents()
        assert panel.grab().save(str(out / "cases-search.png"))
        dc.runner.wait()
    finally:
        ctx.db.dispose()


def test_panel_is_freed_without_the_cycle_collector(qtbot: QtBot, desktop: DesktopContext) -> None:
    """No reference cycles: a dropped panel goes at once on the UI thread, not from a worker's gc."""
    panel = CasesPanel(desktop)  # not given to qtbot, which would keep it
    panel.show()
    wait_loaded(qtbot, panel)
    gone = weakref.ref(panel)
    gc.disable()
    try:
        del panel
        assert gone() is None
    finally:
        gc.enable()


def test_says_loading_once_at_first_and_beside_the_list_when_reloading(qtbot: QtBot, desktop: DesktopContext,
                                                                          team: dict[str, int]) -> None:
    panel = CasesPanel(desktop)
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    # First load: the count says it; a second "Loading…" beside it would only repeat it.
    assert panel.is_loading and panel.count.text() == "Loading cases…" and not panel.busy.isVisible()
    wait_loaded(qtbot, panel)
    assert panel.count.text().startswith("Showing")
    panel.refresh()
    # Later loads keep the rows and count on screen, so the busy label is what says a load is under way.
    assert panel.is_loading and panel.busy.isVisible() and panel.count.text().startswith("Showing")
    wait_loaded(qtbot, panel)
    assert not panel.busy.isVisible()
