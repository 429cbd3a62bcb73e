"""The date field every form uses, driven by real keystrokes: a whole date typed over a selection is
taken whole, day first; it is read back in words; a wrong one is refused beside the field with OK off;
the arrow keys and the mouse wheel never change it; the calendar does, when the user opens it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from caseworker.views.caseload import load_team_caseload
from tests.gui.builders import wait_idle
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_record import new_case
from tests.gui.test_step_dialogs import detail_of, shown
from ui.context import DesktopContext
from ui.dialogs.case_recipient import AddRecipientDialog
from ui.dialogs.decisions import DecisionToAssessDialog
from ui.dialogs.excuses import ExceptionDialog
from ui.dialogs.fields import DateBox, DateEdit
from ui.dialogs.new_request import NewRequestDialog
from ui.dialogs.record_absence import RecordAbsenceDialog
from ui.dialogs.setting import ConsultDialog

START = date(2025, 3, 10)
FIRST_OF_SEPTEMBER = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)


KEEP: list[QWidget] = []  # pytest-qt holds its widgets weakly: a page made in a helper would be collected


@pytest.fixture(autouse=True)
def _drop_pages() -> Iterator[None]:
    yield
    KEEP.clear()


def field_on_screen(qtbot: QtBot, value: date | None = START) -> DateEdit:
    page = QWidget()
    KEEP.append(page)
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    edit = DateEdit(value, page)
    layout.addWidget(edit)
    layout.addWidget(QLineEdit(page))  # somewhere for Tab to go
    page.resize(520, 80)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # Tab moves focus only within the active window
    edit.setFocus()
    return edit


def type_over(qtbot: QtBot, edit: DateEdit, text: str) -> None:
    """Select everything in the field (Ctrl+A) and type, key by key."""
    edit.setFocus()
    qtbot.keyClick(edit.box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit.box, text)


def test_a_whole_date_typed_over_the_selection_is_taken_whole(qtbot: QtBot) -> None:
    """The bug a new user hit: 01/09/2026 typed over a selected date gave 10/09/2026."""
    edit = field_on_screen(qtbot, date(2026, 9, 10))
    heard: list[date | None] = []
    edit.dateChanged.connect(heard.append)
    type_over(qtbot, edit, "01/09/2026")
    assert edit.value() == FIRST_OF_SEPTEMBER and heard[-1] == FIRST_OF_SEPTEMBER
    assert edit.words.text() == "Tuesday 1 September 2026" and edit.words.isVisible()
    assert edit.problem() is None and not edit.problem_label.isVisible()


def test_tabbing_into_the_field_selects_it_so_typing_replaces_the_date(qtbot: QtBot) -> None:
    before = field_on_screen(qtbot)
    edit = DateEdit(START, before.parentWidget())
    layout = before.parentWidget().layout()
    assert layout is not None
    layout.addWidget(edit)
    qtbot.waitUntil(edit.isVisible)
    before.setFocus()
    qtbot.keyClick(before.box, Qt.Key.Key_Tab)
    plain = QApplication.focusWidget()
    assert isinstance(plain, QLineEdit) and not isinstance(plain, DateBox)  # the plain box the page also has
    qtbot.keyClick(plain, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is edit.box and edit.box.selectedText() == "10/03/2025"
    qtbot.keyClicks(edit.box, "01092026")
    assert edit.value() == FIRST_OF_SEPTEMBER


@pytest.mark.parametrize("typed", ["01/09/2026", "1/9/26", "01092026", "2026-09-01", "1.9.2026", "1 Sep 2026",
                                   "1 September 2026", "1-9-2026"])
def test_each_way_of_typing_a_date(qtbot: QtBot, typed: str) -> None:
    edit = field_on_screen(qtbot)
    type_over(qtbot, edit, typed)
    assert edit.value() == FIRST_OF_SEPTEMBER and edit.typed() == FIRST_OF_SEPTEMBER
    assert edit.words.text() == "Tuesday 1 September 2026"


def test_moving_on_shows_what_was_understood(qtbot: QtBot) -> None:
    edit = field_on_screen(qtbot)
    type_over(qtbot, edit, "1/9/26")
    assert edit.text() == "1/9/26"  # left alone while typing
    qtbot.keyClick(edit.box, Qt.Key.Key_Tab)
    assert edit.text() == "01/09/2026" and edit.value() == FIRST_OF_SEPTEMBER


def test_the_tooltip_says_two_digit_years_are_this_century(qtbot: QtBot) -> None:
    edit = field_on_screen(qtbot)
    assert "26 is 2026" in edit.box.toolTip() and "day first" in edit.box.toolTip()


@pytest.mark.parametrize("key", [Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown])
def test_arrow_keys_never_change_the_date(qtbot: QtBot, key: Qt.Key) -> None:
    edit = field_on_screen(qtbot)
    with qtbot.assertNotEmitted(edit.dateChanged):
        for cursor in (Qt.Key.Key_Home, Qt.Key.Key_End):  # wherever the cursor is in the text
            qtbot.keyClick(edit.box, cursor)
            qtbot.keyClick(edit.box, key)
    assert edit.value() == START and edit.text() == "10/03/2025"
    assert edit.calendar is None or not edit.calendar.isVisible()


def test_the_mouse_wheel_never_changes_the_date(qtbot: QtBot) -> None:
    edit = field_on_screen(qtbot)
    centre = QPointF(edit.box.rect().center())
    for delta in (120, -120, 600):
        wheel = QWheelEvent(centre, QPointF(edit.box.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, delta),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(edit.box, wheel)
    assert edit.value() == START and edit.text() == "10/03/2025"


def test_the_calendar_opens_on_alt_down_and_its_choice_is_the_date(qtbot: QtBot) -> None:
    edit = field_on_screen(qtbot)
    qtbot.keyClick(edit.box, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = edit.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate().toPython() == START
    calendar.setFocus()
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Right)  # arrows move within the open calendar
    assert edit.value() == START  # nothing chosen yet
    with qtbot.waitSignal(edit.dateChanged):
        qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert edit.value() == date(2025, 3, 11) and not calendar.isVisible()
    assert edit.text() == "11/03/2025" and edit.words.text() == "Tuesday 11 March 2025"


def test_the_calendar_button_opens_it_too(qtbot: QtBot) -> None:
    edit = field_on_screen(qtbot)
    qtbot.mouseClick(edit.calendar_button, Qt.MouseButton.LeftButton)
    assert edit.calendar is not None and edit.calendar.isVisible()
    qtbot.keyClick(edit.calendar, Qt.Key.Key_Escape)
    assert not edit.calendar.isVisible() and edit.value() == START


def test_a_date_that_cannot_be_read_says_why_beside_the_field(qtbot: QtBot) -> None:
    edit = field_on_screen(qtbot)
    type_over(qtbot, edit, "31/02/2026")
    assert edit.problem() == "There is no 31 February 2026: February 2026 has 28 days"
    assert edit.problem_label.isVisible() and not edit.words.isVisible()
    assert edit.problem_label.reasons() == "There is no 31 February 2026: February 2026 has 28 days."
    assert edit.typed() is None and edit.value() == START  # the last date read, until one is typed again
    assert "February 2026 has 28 days" in edit.box.accessibleDescription()
    type_over(qtbot, edit, "28/02/2026")
    assert edit.problem() is None and edit.value() == date(2026, 2, 28) and not edit.problem_label.isVisible()


# --- in the forms ------------------------------------------------------------------------------------


def test_a_step_form_waits_while_its_date_is_not_a_date(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = new_case(desktop, date(2025, 1, 6))
    dialog = shown(qtbot, DecisionToAssessDialog(desktop, detail_of(desktop, case_id)))
    dialog.choice.yes.click()
    assert dialog.ok.isEnabled()
    type_over(qtbot, dialog.date, "10/02/202")  # halfway through typing the year
    assert not dialog.ok.isEnabled()
    assert dialog.date.problem() == "Give the year as four digits (2026) or two (26), not “202”"
    assert dialog.consequence.text() == "Correct the problem shown above to see what this step means."
    qtbot.keyClick(dialog.date.box, Qt.Key.Key_Return)  # Return while the date is wrong saves nothing
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.date.box, "5")
    assert dialog.date.value() == date(2025, 2, 10) and dialog.ok.isEnabled()
    assert "The final plan is due Mon 26 May 2025" in dialog.consequence.text()
    type_over(qtbot, dialog.date, "30/02/2025")
    assert not dialog.ok.isEnabled() and dialog.date.problem_label.isVisible()


def test_an_optional_date_left_out_does_not_hold_up_the_form(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = new_case(desktop, date(2025, 1, 6))
    dialog = shown(qtbot, ExceptionDialog(desktop, detail_of(desktop, case_id)))
    dialog.ground.setCurrentIndex(1)
    type_over(qtbot, dialog.began, "01/02/2025")
    assert dialog.ok.isEnabled()
    dialog.ended.given.setChecked(True)
    type_over(qtbot, dialog.ended.edit, "14/02/20")  # 14 Feb 2020: before it began
    type_over(qtbot, dialog.ended.edit, "14/2/")  # still typing
    assert not dialog.ok.isEnabled() and dialog.ended.value() == date(2020, 2, 14)
    dialog.ended.given.setChecked(False)  # not ended after all: what is left in the box no longer matters
    assert dialog.ended.value() is None and dialog.ok.isEnabled()


def test_a_stray_arrow_key_leaves_the_request_date_alone(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = NewRequestDialog(desktop)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.received.setFocus()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Down):
        qtbot.keyClick(dialog.received.box, key)
    assert dialog.received.value() == GUI_TODAY


def test_the_new_request_form_refuses_an_impossible_date_of_birth(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = NewRequestDialog(desktop)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_over(qtbot, dialog.date_of_birth, "29/02/2015")
    assert dialog.date_of_birth.given() is None
    assert dialog.date_of_birth.problem() == "There is no 29 February 2015: February 2015 has 28 days"
    assert dialog.consequence.text().startswith("Correct the problem shown above to register the request.")
    type_over(qtbot, dialog.received, "3/3/25x")
    assert "The 20-week clock starts" not in dialog.consequence.text()  # no clock from a date not yet read
    assert dialog.consequence.text().startswith("Correct the problems shown above")
    type_over(qtbot, dialog.date_of_birth, "28/02/2015")
    type_over(qtbot, dialog.received, "3/3/25")
    assert dialog.date_of_birth.given() == date(2015, 2, 28) and dialog.received.value() == GUI_TODAY
    assert "The 20-week clock starts on Mon 3 March 2025" in dialog.consequence.text()
    dialog.date_of_birth.set_value(None)
    assert dialog.date_of_birth.given() is None and dialog.date_of_birth.problem() is None  # blank is allowed
    assert dialog.date_of_birth.words.text() == "Not given"


def test_the_other_forms_with_a_date_wait_for_it_too(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = new_case(desktop, date(2025, 1, 6))
    team = load_team_caseload(desktop.ctx, GUI_TODAY)
    forms: list[tuple[QDialog, DateEdit, QPushButton]] = []
    consult = ConsultDialog(desktop, detail_of(desktop, case_id))
    forms.append((consult, consult.sent, consult.ok))
    absence = RecordAbsenceDialog(desktop, team, "jsmith")
    forms.append((absence, absence.starts, absence.ok))
    recipient = AddRecipientDialog(desktop, case_id, "EHC-2025-0001")
    wait_idle(qtbot, desktop)
    recipient.use_school.setChecked(True)
    forms.append((recipient, recipient.sent_on, recipient.ok))
    for dialog, edit, ok in forms:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert ok.isEnabled(), type(dialog).__name__
        type_over(qtbot, edit, "31/2/25")
        assert not ok.isEnabled() and edit.problem_label.isVisible(), type(dialog).__name__
        type_over(qtbot, edit, "28/2/25")
        assert ok.isEnabled() and edit.value() == date(2025, 2, 28), type(dialog).__name__
