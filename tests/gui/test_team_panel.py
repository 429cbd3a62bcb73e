"""The Team tab: who sees it, the bars in words, and the team lead's journeys: drag cases onto a colleague,
cover an absence, accept some of a balancing proposal. A screenshot of the county demo's team view.

Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/team.png.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from caseworker.context import AppContext
from caseworker.services.actor import resolve_actor
from caseworker.store.models import Allocation, AuditEvent, Case, Staff
from caseworker.views.caseload import propose
from tests.db.test_caseload_services import build_team
from tests.gui.builders import county_demo, open_window, wait_idle
from tests.gui.conftest import GUI_TODAY
from ui.context import DesktopContext
from ui.dialogs.absence import AbsenceDialog
from ui.dialogs.balance import BalanceDialog
from ui.dialogs.reallocate import ReallocateDialog
from ui.dialogs.record_absence import RecordAbsenceDialog
from ui.main_window import MainWindow
from ui.panels.team import TeamPanel
from ui.panels.team_parts import LOAD_COLUMN

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WAIT = 10000


def holders(ctx: AppContext) -> dict[str, str]:
    with ctx.db.sessions() as s:
        rows = s.execute(select(Case.reference, Staff.username).join(Staff, Staff.id == Case.caseworker_id))
        return {ref: user for ref, user in rows}


def moves_made(ctx: AppContext) -> int:
    with ctx.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "reallocate"))
                   or 0)


def as_lead(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> tuple[MainWindow, TeamPanel]:
    build_team(desktop.ctx.db, GUI_TODAY)
    with desktop.ctx.db.sessions() as s:
        desktop.set_actor(resolve_actor(s, "alead"))
    window, failed = open_window(qtbot, desktop, tmp_path)
    panel = window.team
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.team is not None and not panel.is_loading, timeout=WAIT)
    wait_idle(qtbot, desktop)
    assert failed.errors == []
    return window, panel


def person_row(panel: TeamPanel, username: str) -> int:
    return next(i for i, p in enumerate(panel.people.rows()) if p.username == username)


def test_only_team_leads_and_admins_see_the_team_tab(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    window, _ = open_window(qtbot, desktop, tmp_path)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Team" not in titles
    with desktop.ctx.db.sessions() as s:
        desktop.set_actor(resolve_actor(s, "alead"))
    assert "Team" in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    with desktop.ctx.db.sessions() as s:
        desktop.set_actor(resolve_actor(s, "jsmith"))
    assert "Team" not in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    wait_idle(qtbot, desktop)


def test_each_caseworkers_load_shows_in_words_most_loaded_first(qtbot: QtBot, desktop: DesktopContext,
                                                                tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    words = [(p.display_name, panel.people.data(panel.people.index(i, LOAD_COLUMN)))
             for i, p in enumerate(panel.people.rows())]
    assert words[:2] == [("Ali Away", "no capacity critical"), ("Sam Patel", "123% critical")]
    assert ("Jo Khan", "50% under") in words
    ali = person_row(panel, "ali")
    assert panel.people.data(panel.people.index(ali, 7)) == "absent to 18 Mar"
    assert panel.people.data(panel.people.index(ali, 5)) == "0"  # overdue
    panel.select_person("sam")
    assert panel.cases.rowCount() == 61 and panel.cases_title.text().startswith("<b>Sam Patel</b>: 61 cases")


def test_dragging_cases_onto_a_colleague_moves_them_with_a_reason(qtbot: QtBot, desktop: DesktopContext,
                                                                  tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    panel.select_person("sam")
    refs = [panel.cases.row(r).reference for r in (0, 1)]
    selection = panel.cases_table.selectionModel()
    panel.cases_table.selectRow(0)
    selection.select(panel.cases.index(1, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    assert panel.reassign.isEnabled()
    mime = panel.cases.mimeData(panel.cases_table.selectionModel().selectedIndexes())
    view = panel.people_table
    target = view.visualRect(panel.people.index(person_row(panel, "jo"), 0)).center()
    # What Qt sends the colleague's row as the cases are dragged in, over it, and let go.
    buttons, keys, move = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, Qt.DropAction.MoveAction
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(target, move, mime, buttons, keys))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(target, move, mime, buttons, keys))
    with qtbot.waitSignal(panel.dialog_opened, timeout=WAIT) as opened:
        QApplication.sendEvent(view.viewport(), QDropEvent(QPointF(target), move, mime, buttons, keys))
    dialog = opened.args[0]
    assert isinstance(dialog, ReallocateDialog)
    # The drill-down lists the nearest deadline first: two requests, 3 points each.
    assert dialog.to.currentData() == "jo" and "Jo Khan would be at 56% (under)" in dialog.after.text()
    assert not dialog.ok.isEnabled() and dialog.problem.reasons() == "Say why the cases are moving."
    dialog.reason.setText("Sam is over capacity")
    dialog.letter.setChecked(True)
    assert dialog.ok.isEnabled() and dialog.ok.text() == "Move 2 cases"
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    wait_idle(qtbot, desktop)
    assert [holders(desktop.ctx)[r] for r in refs] == ["jo", "jo"]
    with desktop.ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Allocation).where(Allocation.family_letter.is_(True))) == 2
    assert panel.team is not None and panel.team.person("jo").cases == 52


def test_a_lead_accepts_some_of_a_balancing_proposal(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    with qtbot.waitSignal(panel.dialog_opened, timeout=WAIT) as opened:
        panel.balance.click()
    dialog = opened.args[0]
    assert isinstance(dialog, BalanceDialog)
    n = dialog.model.rowCount()
    assert n == len(dialog.proposal.moves) > 2 and dialog.ok.text() == f"Make the moves: {n} cases"
    text = dialog.figures.text()
    assert text.startswith("Someone away keeps work that cannot move")  # Ali, absent, with a decision due
    assert "Busiest person at work: 123% now, 31% with every move, 31% with the moves ticked." in text
    # North: 184 points over 600 (Kim is South), if cases could be split.
    assert "could bring the busiest person at work below 30.7%; these moves reach 31.0%, 0.3 points" in text
    assert dialog.heading.text() == "Moves within teams"
    dialog.tick_none.click()
    assert not dialog.ok.isEnabled()
    assert "123% with the moves ticked" in dialog.figures.text()
    dialog.tick_all.click()
    dialog.model.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.ok.text() == f"Make the moves: {n - 1} cases"
    skipped = dialog.proposal.moves[0]
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    wait_idle(qtbot, desktop)
    assert moves_made(desktop.ctx) == n - 1
    assert holders(desktop.ctx)[skipped.reference] == skipped.from_user


def test_covering_an_absence_from_the_team_tab(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    with qtbot.waitSignal(panel.dialog_opened, timeout=WAIT) as opened:
        panel.cover.click()
    dialog = opened.args[0]
    assert isinstance(dialog, AbsenceDialog) and dialog.absent() == "ali"
    assert dialog.preview.count() == 1 and "to Jo Smith: Cover for Ali Away" in dialog.preview.item(0).text()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    wait_idle(qtbot, desktop)
    assert moves_made(desktop.ctx) == 1 and panel.team is not None and panel.team.person("jsmith").cases == 1


def test_recording_an_absence_takes_capacity_away(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    panel.select_person("jo")
    with qtbot.waitSignal(panel.dialog_opened, timeout=WAIT) as opened:
        panel.absence.click()
    dialog = opened.args[0]
    assert isinstance(dialog, RecordAbsenceDialog) and dialog.who.currentData() == "jo"
    dialog.ends.set_value(GUI_TODAY - timedelta(days=1))  # ends before it starts: refused beside the field
    assert not dialog.ok.isEnabled() and "cannot end before it starts" in dialog.ends_problem.reasons()
    dialog.ends.set_value(GUI_TODAY + timedelta(days=9))
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    assert panel.team is not None
    jo = panel.team.person("jo")
    assert jo.capacity == 0 and jo.absence is not None and jo.band == "critical"


def test_a_pinned_case_stays_out_of_the_balancing_proposal(qtbot: QtBot, desktop: DesktopContext,
                                                           tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    panel.select_person("sam")
    movable = [i for i, c in enumerate(panel.cases.rows()) if c.protected is None]
    panel.cases_table.selectRow(movable[0])
    chosen = panel.chosen_cases()[0]
    assert panel.pin.isEnabled() and not panel.unpin.isEnabled()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.pin.click()
    assert panel.team is not None
    pinned = next(c for c in panel.team.cases if c.case_id == chosen.case_id)
    assert pinned.pinned and pinned.protected == "pinned by the team lead"
    assert chosen.reference not in {m.reference for m in propose(panel.team).moves}
    panel.select_person("sam")
    row = next(i for i, c in enumerate(panel.cases.rows()) if c.case_id == chosen.case_id)
    panel.cases_table.selectRow(row)
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.unpin.click()
    assert not next(c for c in panel.team.cases if c.case_id == chosen.case_id).pinned


@pytest.mark.parametrize("scale", ["county"])
def test_screenshot_of_the_team_view(qtbot: QtBot, tmp_path: Path, scale: str) -> None:
    """The county demo's team as its lead sees it on 3 March 2025, with the most loaded person's cases."""
    ctx, lead = county_demo(tmp_path, GUI_TODAY)
    desktop = DesktopContext(ctx, lead, is_demo=True)
    try:
        window, failed = open_window(qtbot, desktop, tmp_path / "settings")
        window.tabs.setCurrentWidget(window.team)
        qtbot.waitUntil(lambda: window.team.team is not None and not window.team.is_loading, timeout=WAIT)
        wait_idle(qtbot, desktop)
        panel = window.team
        bands = {p.band for p in panel.people.rows()}
        assert {"critical", "under"} <= bands and panel.balance.isEnabled() and panel.cover.isEnabled()
        panel.people_table.selectRow(0)
        QApplication.processEvents()
        out = SCREENSHOTS if os.environ.get("CASEWORKER_SCREENSHOTS") == "1" else tmp_path
        out.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(out / "team.png"))
        assert failed.errors == []
    finally:
        desktop.runner.wait()
        ctx.db.dispose()


def test_a_lead_allocates_a_case_nobody_holds(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    from caseworker.services import steps

    _, panel = as_lead(qtbot, desktop, tmp_path)
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        steps.register_request(desktop.ctx, desktop.actor, steps.NewRequest(
            forename="Noah", surname="Price", date_of_birth=GUI_TODAY - timedelta(days=7 * 365),
            received=GUI_TODAY, reference="EHC-NEW-1"))
        desktop.data_changed.emit(0)
    assert panel.unallocated_button.isVisible() and panel.unallocated_button.text() == "Cases not allocated (1)"
    qtbot.mouseClick(panel.unallocated_button, Qt.MouseButton.LeftButton)
    assert [c.reference for c in panel.cases.rows()] == ["EHC-NEW-1"]
    assert panel.cases_title.text().startswith("<b>Not allocated</b>: 1 case.")
    panel.cases_table.selectRow(0)
    offered = panel.reassign_cases(panel.selected_cases())
    assert isinstance(offered, ReallocateDialog)
    # The first offer is the colleague with most room, and the case is named by its child too.
    loads = [offered.team.person(str(offered.to.itemData(i))).utilisation for i in range(offered.to.count())]
    assert loads == sorted(loads) and offered.to.currentIndex() == 0
    assert "EHC-NEW-1 (Noah Price)" in offered.intro.text()
    offered.reject()
    dialog = panel.reassign_cases(panel.selected_cases(), "jo")
    assert isinstance(dialog, ReallocateDialog)
    assert dialog.windowTitle() == "Allocate cases" and dialog.intro.text().startswith("Allocate 1 case not yet")
    assert dialog.letter.isHidden()
    dialog.reason.setText("New request")
    assert dialog.ok.text() == "Allocate 1 case"
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    wait_idle(qtbot, desktop)
    assert holders(desktop.ctx)["EHC-NEW-1"] == "jo" and not panel.unallocated_button.isVisible()


def test_a_lead_allocates_from_the_case_record(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    from caseworker.services import steps
    from ui.panels.case_record import CaseRecordPanel

    build_team(desktop.ctx.db, GUI_TODAY)
    with desktop.ctx.db.sessions() as s:
        desktop.set_actor(resolve_actor(s, "alead"))
    cid = steps.register_request(desktop.ctx, desktop.actor, steps.NewRequest(
        forename="Noah", surname="Price", date_of_birth=GUI_TODAY - timedelta(days=7 * 365),
        received=GUI_TODAY, reference="EHC-NEW-2"))
    panel = CaseRecordPanel(desktop, cid)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.refresh()
    assert panel.move_button.isVisible() and panel.move_button.text() == "Allocate…"
    panel.move_button.click()
    qtbot.waitUntil(lambda: panel.move_dialog is not None and panel.move_dialog.isVisible(), timeout=WAIT)
    dialog = panel.move_dialog
    assert dialog is not None and dialog.windowTitle() == "Allocate cases"
    dialog.to.setCurrentIndex(dialog.to.findData("jo"))
    dialog.reason.setText("New request")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    assert holders(desktop.ctx)["EHC-NEW-2"] == "jo" and panel.move_button.text() == "Reassign…"


def test_a_balanced_team_is_told_plainly_there_is_nothing_to_move(qtbot: QtBot, desktop: DesktopContext,
                                                                   tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    with qtbot.waitSignal(panel.dialog_opened, timeout=WAIT) as opened:
        panel.balance.click()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        opened.args[0].ok.click()  # every move proposed
    wait_idle(qtbot, desktop)
    with qtbot.waitSignal(panel.dialog_opened, timeout=WAIT) as opened:
        panel.balance.click()
    again = opened.args[0]
    assert isinstance(again, BalanceDialog) and again.model.rowCount() == 0
    assert again.intro.text().endswith("on the Team page to look for room in the other teams.")
    figures = again.figures.text()
    assert figures.endswith("Busiest person at work: 31%.")  # no "with every move", no bound to compare with
    assert not again.ok.isEnabled()
    again.reject()
