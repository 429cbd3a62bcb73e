"""The New request form names a child who may already be on record as their details are typed, offers to
open that case instead, and asks why before saving a second open request (a closed case is information)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from caseworker.errors import Problem, ValidationError
from caseworker.services import duplicates, steps
from caseworker.services.duplicates import ChildDetails, StoredMatch
from caseworker.views.case_detail import load_case_detail
from tests.gui.builders import current_panel, new_case, open_window, plan_in_place, wait_idle
from tests.gui.test_mnemonics import shared_mnemonics
from ui.context import DesktopContext
from ui.dialogs import new_request_duplicates
from ui.dialogs.new_request import NewRequestDialog
from ui.dialogs.new_request_duplicates import child_to_check

WAIT = 10000
BORN = date(2015, 2, 9)


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)


def stored_child(desktop: DesktopContext, **kw: object) -> int:
    """An open request for Amelia Smith-Jones, born 9 Feb 2015, UPN B801200005001."""
    base: dict[str, object] = dict(forename="Amelia", surname="Smith-Jones", date_of_birth=BORN, upn="B801200005001",
                                   duplicate_reason=None)
    base.update(kw)
    return new_case(desktop, **base)  # type: ignore[arg-type]


def reference_of(desktop: DesktopContext, case_id: int) -> str:
    detail = load_case_detail(desktop.ctx, case_id, desktop.today())
    assert detail is not None
    return detail.reference


def shown_form(qtbot: QtBot, desktop: DesktopContext) -> NewRequestDialog:
    dialog = NewRequestDialog(desktop)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, desktop)
    return dialog


def type_child(qtbot: QtBot, dialog: NewRequestDialog, forename: str, surname: str, born: str) -> None:
    """Type the child's names and date of birth with keystrokes, as a caseworker does."""
    QTest.keyClicks(dialog.forename, forename)
    QTest.keyClicks(dialog.surname, surname)
    dialog.date_of_birth.setFocus()
    QTest.keyClicks(dialog.date_of_birth.box, born)


def wait_for_matches(qtbot: QtBot, dialog: NewRequestDialog) -> None:
    qtbot.waitUntil(lambda: dialog.duplicates.isVisible(), timeout=WAIT)


def fill_the_rest(dialog: NewRequestDialog) -> None:
    dialog.source.setCurrentIndex(dialog.source.findData("parent"))
    dialog.contact_forename.setText("Sarah")
    dialog.contact_surname.setText("Smith-Jones")
    dialog.contact_address.setPlainText("12 Bath Street\nHereford")
    dialog.contact_postcode.setText("HR1 2HQ")


# --- what counts as enough to look ------------------------------------------------------------------------


def test_nothing_is_looked_for_until_a_name_with_a_birth_date_or_an_identifier_is_given() -> None:
    assert child_to_check("Amelia", "", BORN, "", "") is None  # one name is not enough
    assert child_to_check("Amelia", "Jones", None, "", "") is None  # nor names without a date of birth
    assert child_to_check("", "", None, "B80120000500", "") is None  # nor a UPN still being typed
    assert child_to_check("", "", None, "", "943 476 5919") == ChildDetails("", "", date.min, None, "9434765919")
    by_upn = child_to_check("Amelia", "Jones", None, "b801200005001", "")
    assert by_upn == ChildDetails("", "", date.min, "B801200005001", None)  # names without a birth date left out
    assert child_to_check(" Amelia ", "Jones", BORN, "", "") == ChildDetails("Amelia", "Jones", BORN)


# --- as the user types -------------------------------------------------------------------------------------


def test_typing_a_known_childs_name_and_birth_date_names_the_case_on_record(qtbot: QtBot,
                                                                          desktop: DesktopContext) -> None:
    reference = reference_of(desktop, stored_child(desktop))
    dialog = shown_form(qtbot, desktop)
    type_child(qtbot, dialog, "amelia", "smith jones", "0902201")  # one digit of the year still to come
    qtbot.wait(new_request_duplicates.PAUSE_MS + 200)
    wait_idle(qtbot, desktop)
    assert dialog.duplicates.isHidden()  # no date of birth yet: nobody is matched by name alone
    QTest.keyClicks(dialog.date_of_birth.box, "5")
    wait_for_matches(qtbot, dialog)
    assert dialog.duplicates.heading.text() == "This child may already be on record:"
    [match] = dialog.duplicates.matches
    assert match.reference == reference and match.child == "Amelia Smith-Jones"
    assert dialog.duplicates.accessibleDescription() == (
        f"Amelia Smith-Jones (born 9 Feb 2015) has an open request on record with the same name and date of birth: "
        f"{reference}")
    [button] = dialog.duplicates.buttons
    assert button.text() == "Open that case" and button.accessibleName() == f"Open {reference}"
    assert shared_mnemonics(dialog) == {}  # the new buttons take no Alt+letter from the fields


def test_a_known_upn_alone_finds_the_child(qtbot: QtBot, desktop: DesktopContext) -> None:
    reference = reference_of(desktop, stored_child(desktop))
    dialog = shown_form(qtbot, desktop)
    QTest.keyClicks(dialog.upn, "b801200005001")
    wait_for_matches(qtbot, dialog)
    assert [m.reference for m in dialog.duplicates.matches] == [reference]
    assert dialog.duplicates.matches[0].matched_on == "UPN"
    dialog.upn.clear()  # cleared: the panel goes at once
    assert dialog.duplicates.isHidden() and dialog.second_request.isHidden()


def test_more_than_three_matches_are_counted(qtbot: QtBot, desktop: DesktopContext) -> None:
    for n in range(5):
        stored_child(desktop, reference=f"EHC-OLD-{n}", upn=None, duplicate_reason="one of five")
    dialog = shown_form(qtbot, desktop)
    type_child(qtbot, dialog, "Amelia", "Smith-Jones", "09022015")
    wait_for_matches(qtbot, dialog)
    assert len(dialog.duplicates.matches) == 5 and len(dialog.duplicates.buttons) == 3
    assert dialog.duplicates.more.isVisible() and dialog.duplicates.more.text() == "and 2 more"


def test_an_open_request_asks_why_before_saving_and_the_reason_is_kept(qtbot: QtBot,
                                                                       desktop: DesktopContext) -> None:
    stored_child(desktop)
    dialog = shown_form(qtbot, desktop)
    type_child(qtbot, dialog, "Amelia", "Smith-Jones", "09022015")
    fill_the_rest(dialog)
    wait_for_matches(qtbot, dialog)
    assert dialog.second_request.isVisible()  # straight away, not after a refused save
    assert not dialog.ok.isEnabled()
    assert dialog.consequence.text().startswith("Still to give: why this is a second request for the same child.")
    QTest.keyClicks(dialog.duplicate_reason, "The school asked in January; now the parent asks too")
    assert dialog.ok.isEnabled()
    with qtbot.waitSignal(dialog.registered, timeout=WAIT) as saved:
        dialog.ok.click()
    detail = load_case_detail(desktop.ctx, saved.args[0], desktop.today())
    assert detail is not None and detail.child == "Amelia Smith-Jones"
    assert detail.history[0].action == "register request"


def test_a_closed_case_is_named_but_does_not_ask_why(qtbot: QtBot, desktop: DesktopContext) -> None:
    plan_in_place(desktop)  # Noah Price, born 1 Sep 2012: a plan in place, no request running
    dialog = shown_form(qtbot, desktop)
    type_child(qtbot, dialog, "NOAH", "price", "01092012")
    fill_the_rest(dialog)
    wait_for_matches(qtbot, dialog)
    [match] = dialog.duplicates.matches
    assert not match.is_open and "has a case on record" in match.describe()
    assert dialog.second_request.isHidden() and dialog.ok.isEnabled()
    with qtbot.waitSignal(dialog.registered, timeout=WAIT):
        dialog.ok.click()


def test_a_reason_typed_for_a_match_since_typed_away_is_not_saved(qtbot: QtBot, desktop: DesktopContext) -> None:
    stored_child(desktop)
    dialog = shown_form(qtbot, desktop)
    type_child(qtbot, dialog, "Amelia", "Smith-Jones", "09022015")
    wait_for_matches(qtbot, dialog)
    QTest.keyClicks(dialog.duplicate_reason, "A second request")
    assert dialog.request().duplicate_reason == "A second request"
    dialog.surname.setText("Smith")  # a different child after all
    qtbot.waitUntil(lambda: dialog.duplicates.isHidden(), timeout=WAIT)
    assert dialog.second_request.isHidden() and dialog.request().duplicate_reason is None


def test_an_answer_that_comes_back_after_the_user_typed_on_is_dropped(qtbot: QtBot, desktop: DesktopContext,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    stored_child(desktop)
    first_asked, let_first_answer = threading.Event(), threading.Event()
    real = duplicates.possible_duplicates

    def slow_first(ctx: object, child: ChildDetails) -> list[StoredMatch]:
        if child.date_of_birth == BORN and not first_asked.is_set():
            first_asked.set()
            let_first_answer.wait(WAIT / 1000)  # held back until the newer question has been answered
        return real(ctx, child)  # type: ignore[arg-type]

    monkeypatch.setattr(new_request_duplicates, "possible_duplicates", slow_first)
    dialog = shown_form(qtbot, desktop)
    type_child(qtbot, dialog, "Amelia", "Smith-Jones", "09022015")  # matches, but its answer is held back
    qtbot.waitUntil(first_asked.is_set, timeout=WAIT)
    dialog.date_of_birth.set_value(date(2015, 2, 10))  # a different child: nobody on record
    with qtbot.waitSignal(dialog.duplicates.found, timeout=WAIT):
        pass
    assert dialog.duplicates.isHidden()
    let_first_answer.set()
    wait_idle(qtbot, desktop)
    assert dialog.duplicates.isHidden() and dialog.duplicates.matches == []
    assert dialog.second_request.isHidden()


def test_an_answer_that_comes_back_after_the_details_were_cleared_is_dropped(
        qtbot: QtBot, desktop: DesktopContext, monkeypatch: pytest.MonkeyPatch) -> None:
    stored_child(desktop)
    asked, let_answer = threading.Event(), threading.Event()
    real = duplicates.possible_duplicates

    def held_back(ctx: object, child: ChildDetails) -> list[StoredMatch]:
        asked.set()
        let_answer.wait(WAIT / 1000)
        return real(ctx, child)  # type: ignore[arg-type]

    monkeypatch.setattr(new_request_duplicates, "possible_duplicates", held_back)
    dialog = shown_form(qtbot, desktop)
    QTest.keyClicks(dialog.upn, "B801200005001")  # matches, but its answer is held back
    qtbot.waitUntil(asked.is_set, timeout=WAIT)
    dialog.upn.clear()  # nothing left to look for: no newer question is asked
    let_answer.set()
    wait_idle(qtbot, desktop)
    assert dialog.duplicates.isHidden() and dialog.duplicates.matches == []


def test_a_refusal_on_screen_stays_when_the_check_answers_after_it(qtbot: QtBot, desktop: DesktopContext,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    stored_child(desktop)

    def refuse(*_args: object, **_kw: object) -> int:
        raise ValidationError([Problem("reference", "EHC-2025-0001 is already in use")])

    monkeypatch.setattr(steps, "register_request", refuse)
    dialog = shown_form(qtbot, desktop)
    dialog.forename.setText("Amelia")
    dialog.surname.setText("Smith-Jones")
    dialog.date_of_birth.set_value(BORN)
    fill_the_rest(dialog)
    dialog.ok.click()  # before the check has asked: the refusal comes back first
    qtbot.waitUntil(lambda: "already in use" in dialog.general.reasons(), timeout=WAIT)
    found = duplicates.possible_duplicates(desktop.ctx, ChildDetails("Amelia", "Smith-Jones", BORN))
    dialog.duplicates.show_matches(found)  # the check's answer, landing after the refusal
    assert dialog.general.reasons() == "EHC-2025-0001 is already in use."
    assert dialog.second_request.isVisible() and not dialog.ok.isEnabled()
    QTest.keyClicks(dialog.duplicate_reason, "Both asked")  # a change: the form checks itself again
    assert dialog.general.reasons() == "" and dialog.ok.isEnabled()


# --- opening the case on record ----------------------------------------------------------------------------


def test_open_that_case_closes_the_form_and_opens_the_case(qtbot: QtBot, desktop: DesktopContext,
                                                           tmp_path: Path) -> None:
    case_id = stored_child(desktop)
    reference = reference_of(desktop, case_id)
    window, failed = open_window(qtbot, desktop, tmp_path)
    dialog = window.new_request()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    type_child(qtbot, dialog, "Amelia", "Smith-Jones", "09022015")
    wait_for_matches(qtbot, dialog)
    dialog.duplicates.buttons[0].click()
    ask = dialog.confirm_open
    assert isinstance(ask, QMessageBox) and ask.isVisible()
    assert ask.text() == f"Close this form and open {reference}? What you typed here is not saved."

    ask.button(QMessageBox.StandardButton.No).click()  # No: the form stays with what was typed
    assert dialog.isVisible() and dialog.forename.text() == "Amelia"

    dialog.duplicates.buttons[0].click()
    ask = dialog.confirm_open
    assert ask is not None
    with qtbot.waitSignal(dialog.open_existing, timeout=WAIT) as opened:
        ask.button(QMessageBox.StandardButton.Yes).click()
    assert opened.args == [case_id]
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    qtbot.waitUntil(lambda: window.current_case() is not None, timeout=WAIT)
    assert current_panel(window).case_id == case_id
    qtbot.waitUntil(lambda: reference in window.tabs.tabText(window.tabs.currentIndex()), timeout=WAIT)
    wait_idle(qtbot, desktop)
    assert failed.errors == []
