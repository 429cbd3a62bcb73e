"""A team lead allocates a case nobody holds from My day (its "Cases not allocated" list, or an
"Unallocated" row of any section) and from Cases (the Unallocated filter, several at once), through the
same Allocate dialog and service as the case record; a caseworker is offered no Allocate at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, SignalInstance
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from caseworker.reports.my_day import OVERDUE_STEPS, SECTION_ORDER
from caseworker.services.actor import resolve_actor
from caseworker.views.case_detail import load_case_detail
from tests.gui.builders import new_case, open_window, wait_idle
from ui.context import DesktopContext
from ui.dialogs.reallocate import ReallocateDialog
from ui.panels._cases_columns import UNALLOCATED as UNALLOCATED_FILTER
from ui.panels._my_day_parts import UNALLOCATED

WAIT = 10000
TODAY_LESS_50 = date(2025, 1, 12)  # 50 days before the GUI tests' today: the decision is overdue


def nobodys_case(desktop: DesktopContext, forename: str, received: date = date(2025, 2, 24)) -> int:
    """A request registered with no caseworker, for a child of its own."""
    return new_case(desktop, received, forename=forename, surname="Unheld", caseworker=None, upn=None,
                    duplicate_reason=None)


def holder(desktop: DesktopContext, case_id: int) -> str | None:
    detail = load_case_detail(desktop.ctx, case_id, desktop.today())
    assert detail is not None
    return detail.caseworker


def as_lead(desktop: DesktopContext) -> None:
    with desktop.ctx.db.sessions() as s:
        desktop.set_actor(resolve_actor(s, "alead"))


def fill_and_allocate(qtbot: QtBot, dialog: ReallocateDialog, reason: str, reloaded: SignalInstance) -> None:
    """Choose Jo Smith, type the reason, press OK and wait for the list to show the change."""
    assert dialog.windowTitle() == "Allocate cases" and dialog.letter.isHidden()
    dialog.to.setCurrentIndex(dialog.to.findData("jsmith"))
    assert dialog.to.currentData() == "jsmith"
    assert not dialog.ok.isEnabled()  # a reason first: it is kept in each case's history
    QTest.keyClicks(dialog.reason, reason)
    with qtbot.waitSignal(reloaded, timeout=WAIT):
        dialog.ok.click()


# --- My day ------------------------------------------------------------------------------------------------


def test_a_team_lead_allocates_from_my_days_cases_not_allocated(qtbot: QtBot, desktop: DesktopContext,
                                                                tmp_path: Path) -> None:
    new_case(desktop, date(2025, 2, 24), forename="Held", surname="Case", upn=None)  # Jo's: not listed
    waiting = nobodys_case(desktop, "Noah")  # received 24 Feb 2025: nothing due this week
    as_lead(desktop)
    window, failed = open_window(qtbot, desktop, tmp_path)
    day = window.my_day
    card, section = day.cards[UNALLOCATED], day.unallocated
    assert card.isVisible() and card.number.text() == "1" and card.words.text() == "Not allocated"
    assert card.accessibleName() == "Cases not allocated: 1. Go to the list"
    assert section.isVisible() and section.title.text() == "Cases not allocated (1)"
    assert [c.case_id for c in section.model.rows()] == [waiting]
    model = section.model
    assert [model.data(model.index(0, c)) for c in range(1, 5)] == [
        "Noah Unheld", "Request (deciding whether to assess)", "Decision whether to assess", "Mon 7 Apr 2025"]
    assert day.whose.text() == "Whole team \u00b7 1 thing to look at"  # the case nobody holds counts

    QTest.mouseClick(card, Qt.MouseButton.LeftButton)
    assert section.table.hasFocus() and section.chosen() == waiting
    assert section.allocate_button.isEnabled() and section.allocate_action.isEnabled()
    section.allocate_button.click()
    qtbot.waitUntil(lambda: day.allocation_dialog is not None and day.allocation_dialog.isVisible(), timeout=WAIT)
    dialog = day.allocation_dialog
    assert dialog is not None and dialog.ok_text == "Allocate"
    assert dialog.intro.text().startswith("Allocate 1 case not yet allocated")
    fill_and_allocate(qtbot, dialog, "New request: Jo has room", day.loaded)
    wait_idle(qtbot, desktop)

    assert holder(desktop, waiting) == "jsmith"
    detail = load_case_detail(desktop.ctx, waiting, desktop.today())
    assert detail is not None and detail.allocations[0].reason == "New request: Jo has room"
    assert section.isHidden() and card.number.text() == "0" and not card.isEnabled()
    assert failed.errors == []


def test_an_unallocated_row_of_any_section_offers_allocate_to_a_lead(qtbot: QtBot, desktop: DesktopContext,
                                                                     tmp_path: Path) -> None:
    late = nobodys_case(desktop, "Ava", received=TODAY_LESS_50)  # the decision is overdue: in Overdue
    new_case(desktop, TODAY_LESS_50, forename="Jos", surname="Case", upn=None)  # Jo's, overdue too
    as_lead(desktop)
    window, failed = open_window(qtbot, desktop, tmp_path)
    overdue = window.my_day.sections[OVERDUE_STEPS]
    rows = overdue.model.rows()
    assert sorted(i.child for i in rows) == ["Ava Unheld", "Jos Case"]
    held = next(n for n, i in enumerate(rows) if i.caseworker == "jsmith")
    overdue.table.selectRow(held)
    assert overdue.allocate_action.isVisible() and not overdue.allocate_action.isEnabled()  # Jo holds it
    unheld = next(n for n, i in enumerate(rows) if i.case_id == late)
    overdue.table.selectRow(unheld)
    assert overdue.allocate_action.isEnabled()
    overdue.allocate_action.trigger()
    qtbot.waitUntil(lambda: window.my_day.allocation_dialog is not None
                    and window.my_day.allocation_dialog.isVisible(), timeout=WAIT)
    dialog = window.my_day.allocation_dialog
    assert dialog is not None
    fill_and_allocate(qtbot, dialog, "Overdue decision: Jo to pick it up", window.my_day.loaded)
    wait_idle(qtbot, desktop)
    assert holder(desktop, late) == "jsmith"
    assert all(i.caseworker == "jsmith" for i in overdue.model.rows())
    assert failed.errors == []


# --- Cases -------------------------------------------------------------------------------------------------


def test_a_team_lead_allocates_several_from_cases(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    first, second = nobodys_case(desktop, "Noah"), nobodys_case(desktop, "Ruby")
    held = new_case(desktop, forename="Held", surname="Case", upn=None)
    as_lead(desktop)
    window, failed = open_window(qtbot, desktop, tmp_path)
    cases = window.cases
    window.show_cases.trigger()
    assert cases.allocate.isVisible() and not cases.allocate.isEnabled()  # nothing selected yet
    cases.caseworker.setCurrentIndex(cases.caseworker.findData(UNALLOCATED_FILTER))
    assert sorted(r.case_id for r in cases.shown_rows()) == [first, second]
    cases.table.selectAll()
    assert cases.allocate.isEnabled() and cases.allocate_action.isEnabled()
    cases.allocate.click()
    qtbot.waitUntil(lambda: cases.allocation_dialog is not None and cases.allocation_dialog.isVisible(),
                    timeout=WAIT)
    dialog = cases.allocation_dialog
    assert dialog is not None and dialog.ok.text() == "Allocate 2 cases"
    fill_and_allocate(qtbot, dialog, "Two new requests for Jo", cases.loaded)
    wait_idle(qtbot, desktop)
    assert (holder(desktop, first), holder(desktop, second), holder(desktop, held)) == ("jsmith",) * 3

    cases.caseworker.setCurrentIndex(0)  # everyone's: a held case selected leaves Allocate off
    cases.table.selectAll()
    assert cases.allocate.isVisible() and not cases.allocate.isEnabled()
    assert failed.errors == []


def test_a_selection_with_a_held_case_cannot_be_allocated(qtbot: QtBot, desktop: DesktopContext,
                                                          tmp_path: Path) -> None:
    waiting = nobodys_case(desktop, "Noah")
    new_case(desktop, forename="Held", surname="Case", upn=None)
    as_lead(desktop)
    window, _failed = open_window(qtbot, desktop, tmp_path)
    cases = window.cases
    window.show_cases.trigger()
    rows = cases.shown_rows()
    unheld = next(n for n, r in enumerate(rows) if r.case_id == waiting)
    cases.table.selectRow(unheld)
    assert cases.allocate.isEnabled()
    other = cases.model.index(1 - unheld, 0)
    cases.table.selectionModel().select(other, QItemSelectionModel.SelectionFlag.Select
                                        | QItemSelectionModel.SelectionFlag.Rows)
    assert len(cases.selected_rows()) == 2 and not cases.allocate.isEnabled()
    cases.allocate_selected()
    wait_idle(qtbot, desktop)
    assert cases.allocation_dialog is None and not holder(desktop, waiting)


# --- a caseworker ------------------------------------------------------------------------------------------


def test_a_caseworker_is_offered_no_allocate(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    waiting = nobodys_case(desktop, "Ava", received=TODAY_LESS_50)
    window, failed = open_window(qtbot, desktop, tmp_path)  # as Jo Smith, a caseworker
    day = window.my_day
    assert day.cards[UNALLOCATED].isHidden() and day.unallocated.isHidden()
    desktop.set_viewing(None)  # even looking at everyone's work
    qtbot.waitUntil(lambda: any(i.case_id == waiting for i in day.sections[OVERDUE_STEPS].model.rows()),
                    timeout=WAIT)
    wait_idle(qtbot, desktop)
    assert day.cards[UNALLOCATED].isHidden() and day.unallocated.isHidden()
    overdue = day.sections[OVERDUE_STEPS]
    overdue.table.selectRow(0)
    assert all(not day.sections[s].allocate_action.isVisible() for s in SECTION_ORDER)
    overdue.allocate_action.trigger()
    day.allocate(waiting)  # asked directly, it still does nothing for a caseworker
    window.show_cases.trigger()
    cases = window.cases
    cases.caseworker.setCurrentIndex(cases.caseworker.findData(UNALLOCATED_FILTER))
    cases.table.selectAll()
    assert cases.allocate.isHidden() and not cases.allocate_action.isVisible()
    cases.allocate_selected()
    wait_idle(qtbot, desktop)
    assert day.allocation_dialog is None and cases.allocation_dialog is None
    assert not holder(desktop, waiting) and failed.errors == []
