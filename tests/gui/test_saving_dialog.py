"""The saving base every service form shares: held open with its buttons waiting while a save is on its
way, each kind of refusal said in its place, the buttons back after, and the desktop told of a change even
when the form has gone."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout
from pytestqt.qtbot import QtBot

from caseworker.errors import NotFound, Problem, ValidationError
from tests.gui.builders import wait_idle
from ui.context import DesktopContext
from ui.dialogs.base import form_row
from ui.dialogs.fields import ProblemLabel
from ui.dialogs.saving import SavingDialog, case_changed

WAIT = 5000


class NameForm(SavingDialog):
    """The least form: one field, a general line, OK (Add) and Cancel; OK saves with ``call``."""

    def __init__(self, desktop: DesktopContext, call: Callable[[], Any]) -> None:
        super().__init__()
        self.desktop, self.call = desktop, call
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.name = QLineEdit(self)
        self.rows = [form_row(self, form, "&Name:", self.name, ["name"])]
        self.general = ProblemLabel(self)
        layout.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if not self.saving:
            self.start_save(self.call, announce=case_changed(self.desktop, 7))


def shown_form(qtbot: QtBot, desktop: DesktopContext, call: Callable[[], Any]) -> NameForm:
    form = NameForm(desktop, call)
    qtbot.addWidget(form)
    form.show()
    return form


def cancel_button(form: NameForm) -> Any:
    return form.buttons.button(QDialogButtonBox.StandardButton.Cancel)


def test_while_saving_the_form_stays_open_and_says_so(qtbot: QtBot, desktop: DesktopContext) -> None:
    gate = threading.Event()
    changed: list[int] = []
    desktop.data_changed.connect(changed.append)
    form = shown_form(qtbot, desktop, lambda: gate.wait(WAIT / 1000))
    form.ok.click()
    assert form.saving and form.ok.text() == "Saving…" and not form.ok.isEnabled()
    assert not cancel_button(form).isEnabled()
    form.reject()  # Esc
    assert not form.close()  # the window's close button
    assert form.isVisible()
    gate.set()
    wait_idle(qtbot, desktop)
    assert not form.isVisible() and form.result() == QDialog.DialogCode.Accepted
    assert changed == [7] and not form.saving


def test_a_refusal_names_its_field_and_gives_the_buttons_back(qtbot: QtBot, desktop: DesktopContext) -> None:
    def refuse() -> None:
        raise ValidationError([Problem("name", "a name can be at most 80 characters"),
                               Problem("", "the case is closed")])

    form = shown_form(qtbot, desktop, refuse)
    form.ok.click()
    wait_idle(qtbot, desktop)
    assert form.rows[0].problem.reasons() == "A name can be at most 80 characters."
    assert form.general.reasons() == "The case is closed."
    assert form.isVisible() and form.ok.text() == "Add" and form.ok.isEnabled() and cancel_button(form).isEnabled()


def test_a_service_error_goes_in_the_general_line(qtbot: QtBot, desktop: DesktopContext) -> None:
    def missing() -> None:
        raise NotFound("there is no case with id 12")

    form = shown_form(qtbot, desktop, missing)
    form.ok.click()
    wait_idle(qtbot, desktop)
    assert form.general.reasons() == "There is no case with id 12." and form.rows[0].problem.reasons() == ""


def test_anything_unexpected_is_said_plainly(qtbot: QtBot, desktop: DesktopContext) -> None:
    def broken() -> None:
        raise KeyError("council.name")

    form = shown_form(qtbot, desktop, broken)
    form.ok.click()
    wait_idle(qtbot, desktop)
    assert form.general.reasons() == "Something went wrong (KeyError: 'council.name'). Nothing was saved."
    assert form.isVisible() and form.ok.isEnabled()


def test_a_form_deleted_while_saving_still_tells_the_desktop(qtbot: QtBot, desktop: DesktopContext) -> None:
    gate = threading.Event()
    changed: list[int] = []
    desktop.data_changed.connect(changed.append)
    form = NameForm(desktop, lambda: gate.wait(WAIT / 1000))
    form.show()
    form.ok.click()
    shiboken6.delete(form)  # its window (the parent) was closed meanwhile
    gate.set()
    wait_idle(qtbot, desktop)
    assert changed == [7]
