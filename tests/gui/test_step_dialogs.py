"""The step forms: problems beside the field as the user types, the consequence in words, saving through
the service (and what happens when the service refuses, or someone else got there first)."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from caseworker.errors import PermissionDenied, Problem, ValidationError
from caseworker.services import steps
from caseworker.views.case_detail import CaseDetail, load_case_detail
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_record import new_case
from ui.context import DesktopContext
from ui.dialogs.advice import AdviceReceivedDialog, RequestAdviceDialog
from ui.dialogs.base import StepDialog
from ui.dialogs.decisions import DecisionToAssessDialog, DraftSentDialog, FinalPlanDialog, WithdrawDialog
from ui.dialogs.excuses import ExceptionDialog
from ui.dialogs.fields import DateEdit
from ui.dialogs.steps import STEP_DIALOGS, make_step_dialog

RECEIVED = date(2025, 1, 6)  # decision due Mon 17 Feb 2025; final plan due Mon 26 May 2025


def detail_of(desktop: DesktopContext, case_id: int) -> CaseDetail:
    return load_case_detail(desktop.ctx, case_id, GUI_TODAY)


D = TypeVar("D", bound=StepDialog)


def shown(qtbot: QtBot, dialog: D) -> D:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def type_date(qtbot: QtBot, edit: DateEdit, day: str, month: str) -> None:
    """Select the whole date and type a new one over it (in the year it shows), as a user does."""
    edit.setFocus()
    qtbot.keyClick(edit.box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit.box, f"{day}/{month}/{edit.value().year}")


def row_problem(dialog: StepDialog, widget: object) -> str:
    [row] = [r for r in dialog.rows if r.widget is widget]
    return row.problem.reasons()


@pytest.fixture
def case_id(desktop: DesktopContext) -> int:
    return new_case(desktop, RECEIVED)


# --- as the user types ---------------------------------------------------------------------------------


def test_a_date_before_the_request_is_refused_beside_the_field(qtbot: QtBot, desktop: DesktopContext,
                                                                case_id: int) -> None:
    dialog = shown(qtbot, DecisionToAssessDialog(desktop, detail_of(desktop, case_id)))
    assert not dialog.ok.isEnabled() and dialog.consequence.text().startswith("Choose yes or no")
    assert dialog.problem_text() == ""
    dialog.choice.yes.click()
    assert dialog.ok.isEnabled()
    assert "The final plan is due Mon 26 May 2025 (week 20)" in dialog.consequence.text()
    assert dialog.consequence.text().endswith("That is 14 days after the deadline (Mon 17 February 2025).")

    type_date(qtbot, dialog.date, "01", "01")
    assert dialog.date.value() == date(2025, 1, 1)
    reason = "1 Jan 2025 is before the date the request was received (6 Jan 2025)."
    assert row_problem(dialog, dialog.date) == reason
    assert dialog.date.accessibleDescription() == reason[:-1]
    assert not dialog.ok.isEnabled()
    assert dialog.consequence.text() == "Correct the problem shown above to see what this step means."

    type_date(qtbot, dialog.date, "10", "02")
    assert dialog.date.value() == date(2025, 2, 10)
    assert row_problem(dialog, dialog.date) == "" and dialog.ok.isEnabled()
    assert "after the deadline" not in dialog.consequence.text()


def test_enter_saves_through_the_service_and_announces_the_change(qtbot: QtBot, desktop: DesktopContext,
                                                                  case_id: int) -> None:
    dialog = shown(qtbot, DecisionToAssessDialog(desktop, detail_of(desktop, case_id)))
    assert dialog.ok.isDefault()
    dialog.choice.set_value(True)
    dialog.date.set_value(date(2025, 2, 10))
    dialog.date.setFocus()
    with qtbot.waitSignal(desktop.data_changed, timeout=10000) as changed:
        qtbot.keyClick(dialog.date, Qt.Key.Key_Return)
    assert changed.args == [case_id]
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    saved = detail_of(desktop, case_id)
    assert saved.deadlines is not None and saved.stage == "assessment"
    step = saved.deadlines.milestone("decision_to_assess")
    assert (step.done, step.status) == (date(2025, 2, 10), "met")
    assert saved.history[0].action == "record decision to assess" and saved.history[0].who == "Jo Smith"


def test_escape_cancels_and_saves_nothing(qtbot: QtBot, desktop: DesktopContext, case_id: int) -> None:
    dialog = shown(qtbot, DecisionToAssessDialog(desktop, detail_of(desktop, case_id)))
    dialog.choice.set_value(True)
    with qtbot.assertNotEmitted(desktop.data_changed, wait=100):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert detail_of(desktop, case_id).stage == "request"


def test_a_refusal_from_the_service_keeps_the_dialog_open(qtbot: QtBot, desktop: DesktopContext, case_id: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kw: object) -> int:
        raise ValidationError([Problem("decision_to_assess_date", "the council was closed that day"),
                               Problem("case", "the case is on hold")])

    monkeypatch.setattr(steps, "record_decision_to_assess", refuse)
    dialog = shown(qtbot, DecisionToAssessDialog(desktop, detail_of(desktop, case_id)))
    dialog.choice.set_value(True)
    dialog.date.set_value(date(2025, 2, 10))
    with qtbot.assertNotEmitted(desktop.data_changed, wait=100):
        dialog.ok.click()
        qtbot.waitUntil(lambda: "closed that day" in dialog.problem_text(), timeout=10000)
    assert dialog.isVisible() and dialog.result() == 0
    assert row_problem(dialog, dialog.date) == "The council was closed that day."
    assert dialog.general.reasons() == "The case is on hold."
    assert not dialog.ok.isEnabled() and dialog.consequence.text().startswith("Nothing was saved")
    dialog.date.set_value(date(2025, 2, 11))
    assert dialog.ok.isEnabled() and dialog.ok.text() == "&Save"


def test_a_permission_refusal_is_shown_in_words(qtbot: QtBot, desktop: DesktopContext, case_id: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kw: object) -> int:
        raise PermissionDenied("jsmith has the read_only role, which cannot change cases")

    monkeypatch.setattr(steps, "record_final_plan", refuse)
    cid = new_case(desktop, date(2024, 10, 14), forename="Ben")
    ctx, jo = desktop.ctx, desktop.actor
    steps.record_decision_to_assess(ctx, jo, cid, True, date(2024, 11, 18))
    steps.record_decision_to_issue(ctx, jo, cid, True, date(2025, 1, 20))
    steps.record_draft_sent(ctx, jo, cid, date(2025, 1, 27))
    dialog = shown(qtbot, FinalPlanDialog(desktop, detail_of(desktop, cid)))
    dialog.ok.click()
    qtbot.waitUntil(lambda: "cannot change cases" in dialog.general.reasons(), timeout=10000)
    assert dialog.isVisible()


def test_a_conflict_offers_to_reload_and_keeps_what_was_typed(qtbot: QtBot, desktop: DesktopContext,
                                                              case_id: int) -> None:
    dialog = shown(qtbot, WithdrawDialog(desktop, detail_of(desktop, case_id)))
    dialog.date.set_value(date(2025, 2, 24))
    dialog.reason.setText("The family moved to Wales")
    # Someone else records the decision to assess while the form is open.
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, case_id, True, date(2025, 2, 10))
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.conflict.isHidden(), timeout=10000)
    assert "Someone else changed this case" in dialog.conflict_text.text()
    assert dialog.isVisible() and not dialog.ok.isEnabled()
    with qtbot.waitSignal(desktop.data_changed, timeout=10000) as changed:
        dialog.reload_button.click()
    assert changed.args == [case_id]
    assert dialog.conflict.isHidden() and dialog.detail.stage == "assessment" and dialog.ok.isEnabled()
    assert dialog.reason.text() == "The family moved to Wales" and dialog.date.value() == date(2025, 2, 24)
    with qtbot.waitSignal(desktop.data_changed, timeout=10000):
        dialog.ok.click()
    assert detail_of(desktop, case_id).stage == "closed"


# --- each form ------------------------------------------------------------------------------------------


def assessing(desktop: DesktopContext, case_id: int) -> None:
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, case_id, True, date(2025, 1, 20))


def test_request_advice_offers_known_services_and_saves_the_request(qtbot: QtBot, desktop: DesktopContext,
                                                                    case_id: int) -> None:
    assessing(desktop, case_id)
    other = new_case(desktop, RECEIVED, forename="Ben")
    steps.request_advice(desktop.ctx, desktop.actor, other, "ep", date(2025, 1, 20), service="County EP Service")
    steps.request_advice(desktop.ctx, desktop.actor, other, "health", date(2025, 1, 20), service="Wye Valley NHS")
    dialog = shown(qtbot, RequestAdviceDialog(desktop, detail_of(desktop, case_id)))
    dialog.kind.setCurrentIndex(dialog.kind.findData("ep"))
    qtbot.waitUntil(lambda: dialog.service.count() == 1, timeout=10000)
    assert dialog.service.itemText(0) == "County EP Service" and dialog.service.currentText() == ""
    dialog.kind.setCurrentIndex(dialog.kind.findData("health"))
    assert [dialog.service.itemText(i) for i in range(dialog.service.count())] == ["Wye Valley NHS"]

    dialog.date.set_value(date(2025, 1, 2))
    assert row_problem(dialog, dialog.date) == "2 Jan 2025 is before the date the request was received (6 Jan 2025)."
    assert not dialog.ok.isEnabled()
    dialog.date.set_value(date(2025, 1, 21))
    assert dialog.consequence.text() == ("The adviser has it on Tue 21 January 2025; advice is due back by Tue 4 March "
                                         "2025 (6 weeks).")
    dialog.service.setCurrentIndex(0)
    with qtbot.waitSignal(desktop.data_changed, timeout=10000):
        dialog.ok.click()
    [advice] = detail_of(desktop, case_id).advice
    assert (advice.kind, advice.service, advice.requested, advice.status) == (
        "health", "Wye Valley NHS", date(2025, 1, 21), "due_soon")


def test_advice_received_late_says_so_and_refuses_a_date_before_the_request(
        qtbot: QtBot, desktop: DesktopContext, case_id: int) -> None:
    assessing(desktop, case_id)
    ep = steps.request_advice(desktop.ctx, desktop.actor, case_id, "ep", date(2025, 1, 13))
    steps.request_advice(desktop.ctx, desktop.actor, case_id, "health", date(2025, 1, 13))
    dialog = shown(qtbot, AdviceReceivedDialog(desktop, detail_of(desktop, case_id), advice_id=ep))
    assert dialog.advice.count() == 2 and dialog.advice.currentData() == ep
    assert dialog.advice.currentText().startswith("EP (educational psychology): requested 13 Jan 2025")
    dialog.date.set_value(date(2025, 1, 10))
    assert row_problem(dialog, dialog.date) == "10 Jan 2025 is before the advice was requested (13 Jan 2025)."
    dialog.date.set_value(date(2025, 2, 28))  # due Mon 24 Feb
    assert dialog.consequence.text() == "Received 4 days late: it was due by Mon 24 February 2025."
    with qtbot.waitSignal(desktop.data_changed, timeout=10000):
        dialog.ok.click()
    saved = {a.kind: a for a in detail_of(desktop, case_id).advice}
    assert (saved["ep"].status, saved["ep"].days_late) == ("received_late", 4) and saved["health"].received is None


def test_a_draft_before_the_decision_to_issue_is_refused(qtbot: QtBot, desktop: DesktopContext,
                                                         case_id: int) -> None:
    assessing(desktop, case_id)
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, case_id, True, date(2025, 2, 17))
    dialog = shown(qtbot, DraftSentDialog(desktop, detail_of(desktop, case_id)))
    dialog.sent.set_value(date(2025, 2, 14))
    assert row_problem(dialog, dialog.sent) == "14 Feb 2025 is before the decision to issue a plan (17 Feb 2025)."
    assert not dialog.ok.isEnabled()
    dialog.sent.set_value(date(2025, 2, 28))
    assert dialog.served.value() == date(2025, 2, 28)  # by email: served the day it is sent
    dialog.served.set_value(date(2025, 2, 27))
    assert row_problem(dialog, dialog.served) == "27 Feb 2025 is before the draft was sent (28 Feb 2025)."
    dialog.served.set_value(date(2025, 3, 1))  # Sat: the 15 days end Sat 15 Mar
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=10000)
    assert dialog.consequence.text() == ("Served on Sat 1 March 2025. The family's 15 days run to Sat 15 March 2025; "
                                         "the earliest lawful final date is Sun 16 March 2025.")
    dialog.ok.click()  # the first press stops at the warning about the advice not on record
    assert dialog.ok.text() == "&Save without reasons" and dialog.isVisible()
    with qtbot.waitSignal(desktop.data_changed, timeout=10000):
        dialog.ok.click()
    saved = detail_of(desktop, case_id).deadlines
    assert saved is not None and saved.earliest_final == date(2025, 3, 16)


def test_a_final_plan_inside_the_15_days_names_the_earliest_lawful_date(
        qtbot: QtBot, desktop: DesktopContext, case_id: int) -> None:
    dialog = shown(qtbot, FinalPlanDialog(desktop, detail_of(desktop, case_id)))
    assert dialog.general.reasons() == "Record the draft plan before the final."  # nothing to finalise yet
    assert not dialog.ok.isEnabled()
    dialog.close()
    assessing(desktop, case_id)
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, case_id, True, date(2025, 2, 10))
    steps.record_draft_sent(desktop.ctx, desktop.actor, case_id, date(2025, 2, 14))
    dialog = shown(qtbot, FinalPlanDialog(desktop, detail_of(desktop, case_id)))
    assert "it can be issued from Sat 1 March 2025" in dialog.intro.text()
    dialog.date.set_value(date(2025, 2, 28))
    assert "the earliest lawful final date is 1 Mar 2025" in row_problem(dialog, dialog.date)
    assert not dialog.ok.isEnabled()
    dialog.date.set_value(date(2025, 3, 3))
    assert dialog.consequence.text() == ("Issued in week 8: within 20 weeks (due Mon 26 May 2025). Send it with "
                                         "the appeal rights.")
    assert dialog.ok.isEnabled()


def test_the_exception_form_explains_the_ground_from_the_rules(qtbot: QtBot, desktop: DesktopContext,
                                                               case_id: int) -> None:
    dialog = shown(qtbot, ExceptionDialog(desktop, detail_of(desktop, case_id)))
    assert [dialog.ground.itemText(i) for i in range(dialog.ground.count())] == [
        "(a) School closure", "(b) Early-years provider closure", "(c) Exceptional personal circumstances",
        "(d) Absent from the area"]
    dialog.ground.setCurrentIndex(3)
    assert dialog.ground_text.text().startswith("The child, the parent or the young person is away from the area")
    assert "13(3)(d)" in dialog.ground_text.text()
    dialog.began.set_value(date(2025, 3, 4))
    assert row_problem(dialog, dialog.began) == "4 Mar 2025 is after the day it was recorded (3 Mar 2025)."
    dialog.began.set_value(date(2024, 12, 1))  # before the request: allowed, it may still be going on
    assert row_problem(dialog, dialog.began) == "" and dialog.ok.isEnabled()
    dialog.began.set_value(date(2025, 2, 3))
    assert "the dates do not move" in dialog.consequence.text() and dialog.ok.isEnabled()


def test_withdrawing_needs_a_reason(qtbot: QtBot, desktop: DesktopContext, case_id: int) -> None:
    dialog = shown(qtbot, WithdrawDialog(desktop, detail_of(desktop, case_id)))
    assert not dialog.ok.isEnabled() and dialog.consequence.text() == "Say why the request was withdrawn."
    assert dialog.problem_text() == ""  # a missing reason is a hint, not an error
    dialog.reason.setText("Family moved to Powys")
    assert dialog.ok.isEnabled() and dialog.ok.text() == "Withdraw"
    assert dialog.consequence.text() == "The request closes; steps not yet due no longer apply."


@pytest.mark.parametrize("name", sorted(STEP_DIALOGS))
def test_every_form_is_labelled_for_screen_readers_and_ends_with_its_buttons(
        qtbot: QtBot, desktop: DesktopContext, case_id: int, name: str) -> None:
    assessing(desktop, case_id)
    steps.request_advice(desktop.ctx, desktop.actor, case_id, "ep", date(2025, 1, 21))
    dialog = shown(qtbot, make_step_dialog(name, desktop, detail_of(desktop, case_id)))
    assert dialog.accessibleName() and dialog.windowTitle().endswith("EHC-2025-0001 Amelia Jones")
    assert all(row.widget.accessibleName() and row.label.buddy() is row.widget for row in dialog.rows)
    assert dialog.ok.isDefault()
    # Tab from the first field visits every field, in order, before it reaches OK.
    chain: list[QWidget] = []
    widget: QWidget | None = dialog.rows[0].widget
    while widget is not None and widget is not dialog.ok and len(chain) < 200:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert widget is dialog.ok
    owners = [next((r.widget for r in dialog.rows if r.widget is w or r.widget.isAncestorOf(w)), None) for w in chain]
    seen = [o for i, o in enumerate(owners) if o is not None and o not in owners[:i]]
    assert seen == [r.widget for r in dialog.rows]
