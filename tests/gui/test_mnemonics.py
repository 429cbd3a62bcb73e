"""Alt+letter reaches one thing in each form: no two labels or buttons of a form share a mnemonic
(Alt+S was both "Sent on" and "Save" in the draft form). Hidden parts count too: the reload button of a
conflict and the reasons of the required-advice check appear in the same form later."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from caseworker.views.caseload import load_team_caseload, propose
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_record import mid_assessment_case
from tests.gui.test_step_dialogs import detail_of
from ui.context import DesktopContext
from ui.dialogs.absence import AbsenceDialog
from ui.dialogs.balance import BalanceDialog
from ui.dialogs.case_recipient import AddRecipientDialog
from ui.dialogs.new_request import NewRequestDialog
from ui.dialogs.reallocate import ReallocateDialog
from ui.dialogs.record_absence import RecordAbsenceDialog
from ui.dialogs.setting import ConsultationReplyDialog, ConsultDialog, NameSettingDialog
from ui.dialogs.steps import STEP_DIALOGS, make_step_dialog
from ui.panels.case_letters import CaseLettersPanel


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)


def texts(widget: QWidget) -> list[str]:
    if isinstance(widget, QAbstractButton | QLabel):
        return [widget.text()]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count())]
    return []


def shared_mnemonics(root: QWidget) -> dict[str, list[str]]:
    """Each Alt+key that more than one label or button of ``root`` claims, with their words."""
    claims: dict[str, list[str]] = {}
    for widget in [root, *root.findChildren(QWidget)]:
        for text in texts(widget):
            key = QKeySequence.mnemonic(text).toString()
            if key:
                claims.setdefault(key, []).append(text.replace("&", ""))
    return {key: words for key, words in claims.items() if len(words) > 1}


def test_shared_mnemonics_are_found(qtbot: QtBot) -> None:
    """The check itself: two buttons on one key are reported, one is not."""
    page = QWidget()
    qtbot.addWidget(page)
    first = QLabel("&Sent on:", page)
    QPushButton("&Save", page)
    assert shared_mnemonics(page) == {"Alt+S": ["Sent on:", "Save"]}
    first.setText("Sen&t on:")
    assert shared_mnemonics(page) == {}


@pytest.mark.parametrize("step", sorted(STEP_DIALOGS))
def test_each_step_form_gives_each_key_one_field(qtbot: QtBot, desktop: DesktopContext, step: str) -> None:
    case_id = mid_assessment_case(desktop)
    dialog = make_step_dialog(step, desktop, detail_of(desktop, case_id))
    qtbot.addWidget(dialog)
    assert shared_mnemonics(dialog) == {}


def test_the_draft_form_saves_on_alt_s(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = make_step_dialog("draft_sent", desktop, detail_of(desktop, mid_assessment_case(desktop)))
    qtbot.addWidget(dialog)
    assert QKeySequence.mnemonic(dialog.ok.text()).toString() == "Alt+S"
    sent = next(r.label for r in dialog.rows if r.widget is dialog.sent)
    assert sent.text() == "Sen&t on:" and sent.buddy() is dialog.sent


def test_the_other_forms_give_each_key_one_field(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = mid_assessment_case(desktop)
    detail = detail_of(desktop, case_id)
    team = load_team_caseload(desktop.ctx, GUI_TODAY)
    forms: list[QWidget] = [
        NameSettingDialog(desktop, detail), ConsultDialog(desktop, detail), ConsultationReplyDialog(desktop, detail),
        NewRequestDialog(desktop), AddRecipientDialog(desktop, case_id, detail.reference),
        RecordAbsenceDialog(desktop, team, "jsmith"), ReallocateDialog(desktop, team, [case_id]),
        AbsenceDialog(desktop, team), BalanceDialog(desktop, team, propose(team)),
        CaseLettersPanel(desktop, case_id),  # the Letters tab: the new-letter form and the log's buttons
    ]
    for form in forms:
        qtbot.addWidget(form)
        assert shared_mnemonics(form) == {}, type(form).__name__
    desktop.runner.wait()
