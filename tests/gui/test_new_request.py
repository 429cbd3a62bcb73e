"""The New request form: problems beside their fields as the user types, the 20-week clock in words,
saving through the service (and keeping the form open when the service refuses)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from caseworker.errors import Problem, ValidationError
from caseworker.services import steps
from caseworker.views.case_detail import load_case_detail
from tests.gui.builders import ChildDetails, fill_new_request, new_case, set_today, wait_idle
from tests.gui.conftest import GUI_TODAY, add_staff
from ui.context import DesktopContext
from ui.dialogs.new_request import NewRequestDialog

CLOCK = ("The 20-week clock starts on Mon 3 March 2025: decide whether to assess by Mon 14 April 2025; the final "
         "plan is due Mon 21 July 2025.")


def shown(qtbot: QtBot, desktop: DesktopContext) -> NewRequestDialog:
    dialog = NewRequestDialog(desktop)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    wait_idle(qtbot, desktop)  # the caseworker picker's staff list
    return dialog


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, NewRequestDialog) and widget.isVisible():
            widget.done(0)


# --- the empty form --------------------------------------------------------------------------------------


def test_the_form_opens_on_today_for_the_acting_caseworker_with_no_errors(qtbot: QtBot,
                                                                          desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    assert dialog.received.value() == GUI_TODAY and dialog.date_of_birth.given() is None
    assert dialog.date_of_birth.text() == "" and dialog.date_of_birth.words.text() == "Not given"
    assert dialog.caseworker.currentData() == "jsmith" and dialog.source.currentData() is None
    assert [dialog.caseworker.itemText(i) for i in range(dialog.caseworker.count())] == [
        "Unallocated", "Alex Lead (team lead)", "Jo Smith (caseworker)"]
    assert dialog.problem_text() == ""  # nothing typed yet is a hint, not an error
    assert not dialog.ok.isEnabled() and dialog.ok.isDefault()
    assert dialog.consequence.text() == (
        "Still to give: the child's forename, the child's surname, the child's date of birth and who asked for "
        f"the assessment.\n{CLOCK}\nJo Smith will be the caseworker.")


def test_a_team_lead_registers_unallocated_and_only_active_allocatable_staff_are_offered(
        qtbot: QtBot, desktop: DesktopContext) -> None:
    add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only")
    add_staff(desktop.ctx, "admin", "Ann Admin", "admin")
    gone = add_staff(desktop.ctx, "gone", "Gail Gone", "caseworker")
    with desktop.ctx.db.session() as s:
        from caseworker.store.models import Staff

        staff = s.get(Staff, gone.id)
        assert staff is not None
        staff.active = False
    desktop.set_actor(add_staff(desktop.ctx, "blead", "Bea Lead", "team_lead"))
    dialog = shown(qtbot, desktop)
    assert dialog.caseworker.currentData() is None
    assert [dialog.caseworker.itemData(i) for i in range(dialog.caseworker.count())] == [
        None, "alead", "blead", "jsmith"]
    assert dialog.consequence.text().endswith("The case will be unallocated until a team lead allocates it.")


# --- as the user types -----------------------------------------------------------------------------------


def test_problems_appear_beside_their_fields_as_the_user_types(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    fill_new_request(dialog)
    assert dialog.problem_text() == "" and dialog.ok.isEnabled()
    assert dialog.consequence.text() == f"{CLOCK}\nJo Smith will be the caseworker."

    dialog.received.set_value(GUI_TODAY + timedelta(days=1))
    assert dialog.row_problem(dialog.received) == "The request cannot be received after today."
    assert dialog.received.accessibleDescription() == "the request cannot be received after today"
    assert not dialog.ok.isEnabled()
    assert dialog.consequence.text() == "Correct the problem shown above to register the request."

    dialog.received.set_value(date(2016, 5, 1))  # the child was born on 4 May 2016
    assert dialog.row_problem(dialog.received) == "The request is dated before the child was born."
    assert dialog.row_problem(dialog.date_of_birth) == "" and not dialog.ok.isEnabled()
    dialog.received.set_value(GUI_TODAY)

    dialog.upn.setText("A801200005001")
    assert dialog.row_problem(dialog.upn) == "UPN A801200005001: its check letter does not match."
    assert not dialog.ok.isEnabled()
    dialog.upn.setText("")  # optional: blank is fine

    dialog.surname.setText("")
    assert dialog.row_problem(dialog.surname) == "Give the child's surname."
    assert dialog.row_problem(dialog.forename) == "" and not dialog.ok.isEnabled()

    dialog.date_of_birth.set_value(GUI_TODAY + timedelta(days=3))
    assert dialog.row_problem(dialog.date_of_birth) == "The date of birth is in the future."
    assert dialog.problem_text().count("\n") == 2  # surname, date of birth and received date, each beside its own
    assert dialog.consequence.text() == "Correct the problems shown above to register the request."

    dialog.surname.setText("Ó Súilleabháin")
    dialog.date_of_birth.set_value(date(2016, 5, 4))
    assert dialog.problem_text() == "" and dialog.ok.isEnabled()


def test_the_main_contact_needs_a_name_and_a_real_looking_email(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    fill_new_request(dialog, ChildDetails(contact="", email="siobhan.example.org", contact_postcode="HR1"))
    assert dialog.row_problem(dialog.contact_name) == "Give the main contact's name, or clear their details."
    assert dialog.row_problem(dialog.contact_email) == "An email address looks like name@example.org."
    assert "postcode" in dialog.row_problem(dialog.contact_postcode).lower()
    assert not dialog.ok.isEnabled()


def test_the_clock_says_when_the_decision_is_already_overdue(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    dialog.received.set_value(date(2025, 1, 6))  # decision due Mon 17 Feb 2025
    assert ("decide whether to assess by Mon 17 February 2025; the final plan is due Mon 26 May 2025. The decision "
            "is already 14 days overdue.") in dialog.consequence.text()
    dialog.received.set_value(date(2025, 2, 24))
    assert "Received 7 days ago: 35 days left to decide." in dialog.consequence.text()


def test_a_date_of_birth_can_be_typed_from_not_given(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    dialog.date_of_birth.setFocus()
    QTest.keyClicks(dialog.date_of_birth.box, "04052016")
    assert dialog.date_of_birth.given() == date(2016, 5, 4)
    assert dialog.date_of_birth.words.text() == "Wednesday 4 May 2016"


def test_a_upn_and_postcodes_are_shown_as_they_will_be_saved_once_the_user_moves_on(
        qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    for edit, typed, tidy in ((dialog.upn, "b801200005001", "B801200005001"),
                              (dialog.postcode, "hr27ab", "HR2 7AB"), (dialog.contact_postcode, " hr1  2hq", "HR1 2HQ"),
                              (dialog.contact_postcode, "HR1", "HR1")):
        edit.setText(typed)
        edit.editingFinished.emit()
        assert edit.text() == tidy
    assert "postcode" in dialog.row_problem(dialog.contact_postcode).lower()  # a wrong one stays as typed


def test_a_young_person_asking_is_their_own_main_contact(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    dialog.source.setCurrentIndex(dialog.source.findData("young_person"))
    assert dialog.contact_role.currentData() == "young_person"
    dialog.contact_role.setCurrentIndex(dialog.contact_role.findData("carer"))
    dialog.source.setCurrentIndex(dialog.source.findData("parent"))
    assert dialog.contact_role.currentData() == "carer"  # the user's own choice stays


# --- saving ----------------------------------------------------------------------------------------------


def test_a_good_form_saves_and_the_case_appears(qtbot: QtBot, desktop: DesktopContext) -> None:
    new_case(desktop, forename="Amelia", upn=None)  # EHC-2024-0001 already exists; this request is the first of 2025
    dialog = shown(qtbot, desktop)
    fill_new_request(dialog, received=date(2025, 2, 24))
    changed: list[int] = []
    desktop.data_changed.connect(changed.append)
    with qtbot.waitSignal(dialog.registered, timeout=10000) as blocker:
        dialog.ok.click()
    case_id = blocker.args[0]
    assert changed == [case_id] and dialog.case_id == case_id
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    detail = load_case_detail(desktop.ctx, case_id, GUI_TODAY)
    assert (detail.reference, detail.child, detail.date_of_birth) == ("EHC-2025-0001", "Zoë Ó Súilleabháin",
                                                                      date(2016, 5, 4))
    assert (detail.upn, detail.primary_need, detail.caseworker, detail.received) == (
        "B801200005001", "ASD", "jsmith", date(2025, 2, 24))
    assert detail.stage == "request" and detail.deadlines is not None
    assert detail.deadlines.milestone("decision_to_assess").due == date(2025, 4, 7)
    [contact] = detail.contacts
    assert (contact.name, contact.role, contact.address, contact.postcode, contact.email,
            contact.main_correspondent) == ("Siobhán Ó Súilleabháin", "parent", "12 Bath Street\nHereford",
                                            "HR1 2HQ", "siobhan@example.org", True)
    assert detail.history[0].action == "register request" and detail.history[0].who == "Jo Smith"


def test_enter_registers_and_escape_cancels(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    fill_new_request(dialog)
    with qtbot.assertNotEmitted(desktop.data_changed, wait=100):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected

    dialog = shown(qtbot, desktop)
    fill_new_request(dialog, ChildDetails(forename="Ben"))
    dialog.surname.setFocus()
    with qtbot.waitSignal(desktop.data_changed, timeout=10000) as changed:
        qtbot.keyClick(dialog.surname, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert load_case_detail(desktop.ctx, changed.args[0], GUI_TODAY).child == "Ben Ó Súilleabháin"


def test_a_refusal_from_the_service_keeps_the_form_open(qtbot: QtBot, desktop: DesktopContext,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kw: object) -> int:
        raise ValidationError([Problem("upn", "UPN B801200005001 is already recorded for another child"),
                               Problem("reference", "EHC-2025-0001 is already in use")])

    monkeypatch.setattr(steps, "register_request", refuse)
    dialog = shown(qtbot, desktop)
    fill_new_request(dialog)
    with qtbot.assertNotEmitted(desktop.data_changed, wait=100):
        dialog.ok.click()
        qtbot.waitUntil(lambda: "already in use" in dialog.problem_text(), timeout=10000)
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.row_problem(dialog.upn) == "UPN B801200005001 is already recorded for another child."
    assert dialog.general.reasons() == "EHC-2025-0001 is already in use."
    assert not dialog.ok.isEnabled() and dialog.consequence.text().startswith("Nothing was saved")
    assert dialog.forename.text() == "Zoë"  # what was typed stays
    dialog.upn.setText("")
    assert dialog.ok.isEnabled() and dialog.ok.text() == "&Register request"


def test_the_form_refuses_a_read_only_user(qtbot: QtBot, desktop: DesktopContext) -> None:
    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    dialog = shown(qtbot, desktop)
    fill_new_request(dialog)
    assert dialog.general.reasons() == "Your role (read only) cannot register requests."
    assert not dialog.ok.isEnabled()


def test_time_passing_moves_the_default_received_date(qtbot: QtBot, desktop: DesktopContext) -> None:
    set_today(desktop, date(2025, 4, 1))
    assert shown(qtbot, desktop).received.value() == date(2025, 4, 1)


# --- for keyboard and screen-reader users ----------------------------------------------------------------


def test_every_field_is_labelled_and_tab_visits_them_in_order_before_ok(qtbot: QtBot,
                                                                       desktop: DesktopContext) -> None:
    dialog = shown(qtbot, desktop)
    assert dialog.accessibleName() == "New request for an EHC needs assessment"
    assert all(row.widget.accessibleName() and row.label.buddy() is row.widget for row in dialog.rows)
    mnemonics = [row.label.text().split("&")[1][0].lower() for row in dialog.rows]
    assert len(set(mnemonics)) == len(mnemonics) and "r" not in mnemonics  # Alt+R is Register
    assert [r.widget for r in dialog.rows][:3] == [dialog.forename, dialog.surname, dialog.date_of_birth]
    chain: list[QWidget] = []
    widget: QWidget | None = dialog.rows[0].widget
    while widget is not None and widget is not dialog.ok and len(chain) < 300:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert widget is dialog.ok
    owners = [next((r.widget for r in dialog.rows if r.widget is w or r.widget.isAncestorOf(w)), None) for w in chain]
    seen = [o for i, o in enumerate(owners) if o is not None and o not in owners[:i]]
    assert seen == [r.widget for r in dialog.rows]
    assert dialog.contact_address.tabChangesFocus()  # Tab leaves the address box; Enter there is a new line


def test_a_second_open_request_for_the_same_child_asks_why(qtbot: QtBot, desktop: DesktopContext) -> None:
    first = shown(qtbot, desktop)
    fill_new_request(first)
    with qtbot.waitSignal(first.registered, timeout=10000):
        first.ok.click()
    second = shown(qtbot, desktop)
    fill_new_request(second)
    assert second.second_request.isHidden()
    second.ok.click()
    qtbot.waitUntil(lambda: second.second_request.isVisible(), timeout=10000)
    assert "has an open request on record" in second.general.reasons() and not second.ok.isEnabled()
    qtbot.keyClicks(second.duplicate_reason, "The school asked first; now the parent asks too")
    assert second.ok.isEnabled()
    with qtbot.waitSignal(second.registered, timeout=10000) as done:
        second.ok.click()
    from caseworker.views.case_detail import load_case_detail
    assert load_case_detail(desktop.ctx, done.args[0], desktop.today()) is not None
