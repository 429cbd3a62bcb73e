"""Exceptions and reg 8(2) excuses in the window: the days the circumstances began and ended, typed with the
keyboard, refused beside their fields when impossible; what each excuses, on the form and on the record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from caseworker.reports.my_day import LATE_EP
from caseworker.services import steps
from caseworker.views.case_detail import load_case_detail
from caseworker.views.my_day import load_my_day
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_record import mid_assessment_case, new_case, open_panel, submit, table_texts
from tests.gui.test_step_dialogs import row_problem, shown, type_date
from ui.context import DesktopContext
from ui.dialogs.base import StepDialog
from ui.dialogs.excuses import AdviceExcuseDialog, ExceptionDialog

RECEIVED = date(2025, 1, 6)  # decision due Mon 17 Feb, week 16 Mon 28 Apr, final plan Mon 26 May 2025


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, StepDialog) and widget.isVisible():
            widget.done(0)


def test_an_exception_takes_the_days_its_circumstances_began_and_ended(qtbot: QtBot,
                                                                        desktop: DesktopContext) -> None:
    cid = new_case(desktop, RECEIVED)
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2025, 1, 20))
    panel = open_panel(qtbot, desktop, cid)
    dialog = panel.run_step("exception")
    assert isinstance(dialog, ExceptionDialog)
    dialog.ground.setCurrentIndex(dialog.ground.findData("b"))
    assert dialog.began.value() == GUI_TODAY and dialog.ended.value() is None  # began: today unless told

    type_date(qtbot, dialog.began, "04", "03")  # after the day it is recorded (today)
    assert row_problem(dialog, dialog.began) == "4 Mar 2025 is after the day it was recorded (3 Mar 2025)."
    assert not dialog.ok.isEnabled()
    type_date(qtbot, dialog.began, "01", "02")
    assert dialog.began.value() == date(2025, 2, 1) and row_problem(dialog, dialog.began) == ""
    # Ground b is not a reg 5(4) ground: it never excuses the decision whether to assess.
    assert dialog.consequence.text().startswith(
        "Ground (b) can excuse the decision whether to issue and the final plan, but only a deadline due on or "
        "after the day the circumstances began (Sat 1 February 2025). Here: the decision whether to issue (due Mon "
        "28 April 2025) and the final plan (due Mon 26 May 2025).")

    dialog.ended.given.setChecked(True)
    type_date(qtbot, dialog.ended.edit, "31", "01")
    assert row_problem(dialog, dialog.ended) == "31 Jan 2025 is before the day the circumstances began (1 Feb 2025)."
    assert not dialog.ok.isEnabled()
    type_date(qtbot, dialog.ended.edit, "14", "02")
    assert dialog.ended.value() == date(2025, 2, 14) and dialog.ok.isEnabled()
    dialog.note.setText("Nursery closed for refurbishment")
    submit(qtbot, panel, dialog)

    [e] = load_case_detail(desktop.ctx, cid, GUI_TODAY).exceptions
    assert (e.ground, e.began, e.ended, e.recorded) == ("b", date(2025, 2, 1), date(2025, 2, 14), GUI_TODAY)
    assert table_texts(panel.exceptions_table) == [[
        "(b) Early-years provider closure", "1 Feb 2025", "14 Feb 2025", "3 Mar 2025", "Decision to issue, Final plan",
        "Nursery closed for refurbishment"]]
    assert "Decision whether to assess" not in panel.exceptions_table.rows_model.columns[4].text(
        panel.exceptions_table.rows_model.row(0))


def test_an_exception_that_ended_before_the_request_excuses_nothing(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, RECEIVED)
    steps.record_exception(desktop.ctx, desktop.actor, cid, "d", GUI_TODAY, "Abroad over Christmas",
                           began_on=date(2024, 12, 1), ended_on=date(2024, 12, 20))
    panel = open_panel(qtbot, desktop, cid)
    [row] = table_texts(panel.exceptions_table)
    assert row[1:5] == ["1 Dec 2024", "20 Dec 2024", "3 Mar 2025", "Nothing on this request"]
    # The decision to assess (due 17 Feb) is overdue: the exception ended before the request came in.
    assert panel.detail is not None and panel.detail.deadlines is not None
    assert panel.detail.deadlines.milestone("decision_to_assess").status == "overdue"


def test_an_adviser_is_excused_from_the_advice_tab(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = mid_assessment_case(desktop)  # EP advice asked 6 Jan 2025, due 17 Feb, 14 days late
    panel = open_panel(qtbot, desktop, cid)
    tab = panel.advice_tab
    panel.tabs.setCurrentWidget(tab)
    model = tab.table.rows_model
    ep_row = next(i for i, a in enumerate(model.rows()) if a.kind == "ep")
    health_row = next(i for i, a in enumerate(model.rows()) if a.kind == "health")
    tab.table.setCurrentIndex(model.index(health_row, 0))
    assert not tab.excuse_button.isEnabled()  # received: nothing to excuse
    tab.table.setCurrentIndex(model.index(ep_row, 0))
    assert tab.excuse_button.isEnabled() and tab.received_button.isEnabled()
    tab.excuse_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, AdviceExcuseDialog) and dialog.isVisible()
    assert dialog.advice.currentText().startswith("EP (educational psychology), County EP Service: requested 6 Jan")
    dialog.ground.setCurrentIndex(dialog.ground.findData("missed_appointment"))
    assert "did not keep an appointment" in dialog.ground_text.text() and "8(2)(c)" in dialog.ground_text.text()

    type_date(qtbot, dialog.began, "20", "02")
    assert row_problem(dialog, dialog.began) == ("Circumstances that began after the advice was due (17 Feb 2025) "
                                                 "cannot excuse it.")
    assert not dialog.ok.isEnabled()
    type_date(qtbot, dialog.began, "10", "02")
    assert dialog.consequence.text().startswith(
        "The EP (educational psychology) advice from County EP Service (due Mon 17 February 2025) will show as "
        "excused and will not be chased.")
    dialog.note.setText("Amelia was unwell on the day of the appointment")
    submit(qtbot, panel, dialog)

    detail = load_case_detail(desktop.ctx, cid, GUI_TODAY)
    ep = next(a for a in detail.advice if a.kind == "ep")
    assert (ep.status, ep.excused_ground, ep.excused_from, ep.excused_to) == (
        "excused", "missed_appointment", date(2025, 2, 10), None)
    texts = {row[0]: row for row in table_texts(tab.table)}
    assert texts["EP (educational psychology)"][6:] == ["Excused (reg 8(2))", ""]
    assert panel.tabs.tabText(panel.tabs.indexOf(tab)) == "&Advice (4)"  # no longer late
    assert "excuse_advice" not in panel.available_steps()  # the only outstanding adviser is excused
    assert load_my_day(desktop.ctx, GUI_TODAY, "jsmith").sections[LATE_EP] == []  # and never chased
    tip = model.columns[0].tooltip(next(a for a in model.rows() if a.kind == "ep"))  # type: ignore[misc]
    assert "Excused under reg 8(2): Missed appointment, from Mon 10 February 2025, still going on." in tip


def test_the_excuse_form_refuses_an_end_before_the_adviser_had_the_request(
        qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = mid_assessment_case(desktop)
    ep = next(a for a in load_case_detail(desktop.ctx, cid, GUI_TODAY).advice if a.kind == "ep")
    dialog = shown(qtbot, AdviceExcuseDialog(desktop, load_case_detail(desktop.ctx, cid, GUI_TODAY), advice_id=ep.id))
    dialog.began.set_value(date(2025, 1, 1))
    dialog.ended.set_value(date(2025, 1, 3))
    assert row_problem(dialog, dialog.ended) == ("Circumstances that ended before the adviser had the request "
                                                 "(6 Jan 2025) cannot excuse it.")
    dialog.ended.set_value(None)
    assert dialog.problem_text() == "" and dialog.ok.isEnabled()
