"""Reg 6(1): a decision to issue (a "yes") or a draft with required advice not on record warns, names what is
missing, and takes for each kind the reg 6(4) reason advice already available is used. A warning, not a block:
but the first OK with a kind unexplained stops at it, so it is seen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from caseworker.services import steps
from caseworker.statutory.required_advice import REQUIRED_TITLES
from caseworker.views.case_detail import load_case_detail
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_record import new_case
from tests.gui.test_step_dialogs import shown
from ui.context import DesktopContext
from ui.dialogs.base import StepDialog
from ui.dialogs.decisions import DecisionToIssueDialog, DraftSentDialog
from ui.dialogs.required_advice import SAVE_ANYWAY

WAIT = 10000
REASON = "The school's annual review report of January 2025 is current and the family agree"


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, StepDialog) and widget.isVisible():
            widget.done(0)


def assessing(desktop: DesktopContext, *kinds: str, **kw: object) -> int:
    cid = new_case(desktop, date(2025, 1, 6), **kw)
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2025, 1, 20))
    for kind in kinds:
        steps.request_advice(desktop.ctx, desktop.actor, cid, kind, date(2025, 1, 21))
    return cid


def issue_form(qtbot: QtBot, desktop: DesktopContext, cid: int) -> DecisionToIssueDialog:
    return shown(qtbot, DecisionToIssueDialog(desktop, load_case_detail(desktop.ctx, cid, GUI_TODAY)))


def test_a_yes_without_required_advice_warns_and_records_the_reason_given(qtbot: QtBot,
                                                                          desktop: DesktopContext) -> None:
    cid = assessing(desktop, "ep", "health")
    dialog = issue_form(qtbot, desktop, cid)
    box = dialog.required
    assert box.isHidden()  # nothing chosen yet
    dialog.choice.yes.click()
    qtbot.waitUntil(lambda: box.loaded, timeout=WAIT)
    assert box.isVisible() and box.missing == ["education", "social_care"]
    assert box.text.text().startswith(f"No advice on record for: {REQUIRED_TITLES['education']}; "
                                      f"{REQUIRED_TITLES['social_care']}. The council must seek it before deciding "
                                      "to issue a plan (reg 6(1)).")
    assert box.reason["education"].isVisible() and not box.reason["ep"].isVisible()
    dialog.choice.no.click()  # a "no" needs no advice check
    assert box.isHidden()
    dialog.choice.yes.click()
    assert box.isVisible()

    box.reason["education"].setFocus()
    qtbot.keyClicks(box.reason["education"], REASON)
    assert dialog.ok.isEnabled() and dialog.ok.text() == "&Save"
    with qtbot.assertNotEmitted(desktop.data_changed, wait=200):
        dialog.ok.click()  # social care is still unexplained: the first OK stops at the warning
    assert dialog.isVisible() and dialog.ok.text() == SAVE_ANYWAY
    assert box.reason["social_care"].hasFocus()
    assert load_case_detail(desktop.ctx, cid, GUI_TODAY).stage == "assessment"  # nothing saved yet
    with qtbot.waitSignal(desktop.data_changed, timeout=WAIT):
        dialog.ok.click()
    saved = load_case_detail(desktop.ctx, cid, GUI_TODAY)
    assert saved.stage == "drafting"
    assert saved.existing_advice == (("education", REASON),)  # social care: warned, no reason, nothing recorded


def test_with_every_reason_given_the_first_ok_saves(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = assessing(desktop, "ep", "health", "education")
    dialog = issue_form(qtbot, desktop, cid)
    dialog.choice.set_value(True)
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=WAIT)
    assert dialog.required.missing == ["social_care"]
    dialog.required.reason["social_care"].setText("Not known to children's services; the family agree")
    with qtbot.waitSignal(desktop.data_changed, timeout=WAIT):
        dialog.ok.click()
    assert dict(load_case_detail(desktop.ctx, cid, GUI_TODAY).existing_advice) == {
        "social_care": "Not known to children's services; the family agree"}


def test_from_year_9_preparing_for_adulthood_is_required_too(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = assessing(desktop, *("education", "health", "ep", "social_care"), date_of_birth=date(2011, 5, 4))
    dialog = issue_form(qtbot, desktop, cid)
    dialog.choice.set_value(True)
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=WAIT)
    assert dialog.required.missing == ["pfa"]
    assert "advice on preparing for adulthood (from year 9)" in dialog.required.text.text()


def test_the_draft_form_warns_as_well_and_records_its_reasons(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = assessing(desktop, "ep", "health", "education")
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, cid, True, date(2025, 2, 24))  # warned, no reason
    dialog = shown(qtbot, DraftSentDialog(desktop, load_case_detail(desktop.ctx, cid, GUI_TODAY)))
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=WAIT)
    assert dialog.required.isVisible() and dialog.required.missing == ["social_care"]
    dialog.required.reason["social_care"].setText("Social care advice of December 2024 is on file")
    dialog.sent.set_value(date(2025, 2, 28))
    with qtbot.waitSignal(desktop.data_changed, timeout=WAIT):
        dialog.ok.click()
    saved = load_case_detail(desktop.ctx, cid, GUI_TODAY)
    assert saved.existing_advice == (("social_care", "Social care advice of December 2024 is on file"),)
    assert saved.deadlines is not None and saved.deadlines.facts.draft_sent == date(2025, 2, 28)


def test_with_all_advice_on_record_there_is_no_warning(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = assessing(desktop, "ep", "health", "education", "social_care")
    dialog = issue_form(qtbot, desktop, cid)
    dialog.choice.set_value(True)
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=WAIT)
    assert dialog.required.isHidden() and dialog.required.missing == []
    with qtbot.waitSignal(desktop.data_changed, timeout=WAIT):
        dialog.ok.click()
