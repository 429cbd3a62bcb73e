"""A step form grows when a problem line appears (and cannot be dragged shorter than its fields), so a
date is never squashed to half its height ("todav" for "today")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from tests.gui.sizes import squashed
from tests.gui.test_case_record import mid_assessment_case, new_case
from tests.gui.test_step_dialogs import detail_of, shown
from ui.context import DesktopContext
from ui.dialogs.excuses import ExceptionDialog
from ui.dialogs.fields import DateEdit
from ui.dialogs.steps import STEP_DIALOGS, make_step_dialog


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)


def type_over(qtbot: QtBot, edit: DateEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit.box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit.box, text)


def test_a_problem_line_makes_the_form_taller(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, ExceptionDialog(desktop, detail_of(desktop, new_case(desktop, date(2025, 1, 6)))))
    dialog.ground.setCurrentIndex(1)
    type_over(qtbot, dialog.began, "01/02/2025")
    before = dialog.height()
    dialog.ended.given.setChecked(True)
    type_over(qtbot, dialog.ended.edit, "31/01/2025")  # before the circumstances began: a problem under it
    [row] = [r for r in dialog.rows if r.widget is dialog.ended]
    assert row.problem.isVisible()
    assert dialog.height() > before
    assert squashed(dialog) == []


@pytest.mark.parametrize("step", sorted(STEP_DIALOGS))
def test_no_step_form_squashes_its_fields(qtbot: QtBot, desktop: DesktopContext, step: str) -> None:
    dialog = shown(qtbot, make_step_dialog(step, desktop, detail_of(desktop, mid_assessment_case(desktop))))
    assert squashed(dialog) == []
    for edit in dialog.findChildren(DateEdit):
        if edit.isEnabled():
            for typed in ("1/1/2024", "31/02/2025", "01/09/202"):  # refused by the service, impossible, unfinished
                type_over(qtbot, edit, typed)
                assert squashed(dialog) == [], typed
    dialog.resize(dialog.width(), 60)  # dragged as short as it goes
    assert squashed(dialog) == []
    dialog.resize(dialog.minimumWidth(), dialog.height())  # and as narrow: the words wrap onto more lines
    assert squashed(dialog) == []
