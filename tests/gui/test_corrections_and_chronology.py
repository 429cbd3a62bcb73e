"""Correcting and undoing a step from the case record, and its Chronology tab, as a caseworker uses them.

Set CASEWORKER_SHOTS=folder to keep screenshots of the form and the tab at 1280x720.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from caseworker.services import steps
from caseworker.services.letters import COUNCIL_ENV, LetterRequest, make_letter
from caseworker.store.models import Case
from tests.gui.builders import mid_assessment_case, table_texts
from tests.gui.test_case_letters import SAMPLE_COUNCIL
from tests.gui.test_case_record import open_panel
from ui.context import DesktopContext
from ui.dialogs.correct_step import CorrectStepDialog, UndoStepDialog
from ui.panels import _record_chronology
from ui.panels._record_corrections import correction_menu, open_correction
from ui.panels.case_record import CaseRecordPanel

WAIT = 10000


def shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("CASEWORKER_SHOTS")
    if folder:
        QApplication.processEvents()  # the layout settles before the picture is taken
        widget.grab().save(str(Path(folder) / name))


def big_panel(qtbot: QtBot, desktop: DesktopContext, case_id: int) -> CaseRecordPanel:
    panel = open_panel(qtbot, desktop, case_id)
    panel.resize(1280, 720)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def stored_decision(desktop: DesktopContext, case_id: int) -> date | None:
    with desktop.ctx.db.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.decision_to_assess_on


def type_date(qtbot: QtBot, edit: QWidget, digits: str) -> None:
    """Tab into the date and type it over, day first, as a caseworker does ("06012025")."""
    window = edit.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    box = getattr(edit, "box", edit)  # the date field's text box
    box.clearFocus()  # arriving by Tab selects the whole date, as it does for a caseworker
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=WAIT)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, digits)


def test_a_date_is_corrected_through_the_form_with_keystrokes(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = mid_assessment_case(desktop)  # decision to assess notified 3 Jan 2025
    panel = big_panel(qtbot, desktop, case_id)
    panel.deadlines_table.selectRow(0)
    menu = correction_menu(panel, panel.deadlines_table, "deadlines", QPoint(-1, -1))
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Correct this step's date (the decision to assess)…", "Undo this step (the decision to assess)…"]
    menu.actions()[0].trigger()
    dialog = panel.dialog
    assert isinstance(dialog, CorrectStepDialog) and dialog.isVisible()
    assert dialog.choice.currentData() == "decision_to_assess"
    assert dialog.recorded.text() == "The decision to assess, notified on 3 Jan 2025"
    assert not dialog.ok.isEnabled() and dialog.consequence.text().startswith("Type the corrected date")
    assert dialog.problem_text() == ""  # nothing typed yet is not an error
    type_date(qtbot, dialog.new_date, "06012025")
    assert dialog.new_date.value() == date(2025, 1, 6)
    assert not dialog.ok.isEnabled() and dialog.consequence.text().startswith("Say why")
    type_date(qtbot, dialog.new_date, "04032025")  # after today (3 Mar 2025)
    assert "4 Mar 2025 is after today" in dialog.problem_text() and not dialog.ok.isEnabled()
    type_date(qtbot, dialog.new_date, "06012025")
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "The letter went out on the 6th")
    assert dialog.problem_text() == "" and dialog.ok.isEnabled()
    assert dialog.consequence.text().startswith("The decision to assess will read notified on 6 Jan 2025 instead "
                                                "of 3 Jan 2025.")
    shot(dialog, "correct-step-dialog.png")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    assert not dialog.isVisible() and stored_decision(desktop, case_id) == date(2025, 1, 6)
    assert panel.history_table.rows_model.rows()[0].summary == (
        "The decision to assess: notified on 3 Jan 2025 → 6 Jan 2025. Reason: The letter went out on the 6th")


def test_an_undo_that_a_later_step_rests_on_is_refused_beside_the_step(qtbot: QtBot,
                                                                        desktop: DesktopContext) -> None:
    case_id = mid_assessment_case(desktop)
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, case_id, True, date(2025, 3, 3),
                                   existing_advice={"ep": "The EP's report of last year still stands"})
    panel = big_panel(qtbot, desktop, case_id)
    dialog = open_correction(panel, undo=True, key="decision_to_assess")
    assert isinstance(dialog, UndoStepDialog)
    dialog.reason.setText("Recorded on the wrong child")
    assert dialog.problem_text() == ("The decision to issue a plan notified on 3 Mar 2025 rests on the decision to "
                                     "assess notified on 3 Jan 2025: undo the decision to issue a plan notified on "
                                     "3 Mar 2025 first.")
    assert not dialog.ok.isEnabled()
    dialog.choice.setCurrentIndex(dialog.choice.findData("decision_to_issue"))
    assert dialog.problem_text() == "" and dialog.ok.isEnabled()
    assert dialog.effect.text().startswith("The decision and its date are cleared")
    shot(dialog, "undo-step-dialog.png")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    assert "decision_to_issue" in panel.available_steps()  # it can be recorded again


def test_the_advice_rows_offer_what_can_be_corrected_or_undone(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = mid_assessment_case(desktop)
    panel = big_panel(qtbot, desktop, case_id)
    rows = panel.advice_table.rows_model.rows()
    received = next(i for i, a in enumerate(rows) if a.received is not None)
    waiting = next(i for i, a in enumerate(rows) if a.received is None)
    panel.advice_table.selectRow(received)
    menu = correction_menu(panel, panel.advice_table, "advice", QPoint(-1, -1))
    assert menu is not None and [a.text() for a in menu.actions()] == [
        "Correct the date it was requested…", "Correct the date it was received…",
        "Undo the request (asked in error)…", "Undo the receipt (recorded in error)…"]
    panel.advice_table.selectRow(waiting)
    menu = correction_menu(panel, panel.advice_table, "advice", QPoint(-1, -1))
    assert menu is not None and len(menu.actions()) == 2


def test_a_read_only_user_gets_no_correction_form(qtbot: QtBot, desktop: DesktopContext) -> None:
    from tests.gui.conftest import add_staff

    case_id = mid_assessment_case(desktop)
    panel = big_panel(qtbot, desktop, case_id)
    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    panel.deadlines_table.selectRow(0)
    menu = correction_menu(panel, panel.deadlines_table, "deadlines", QPoint(-1, -1))
    assert menu is not None and not any(a.isEnabled() for a in menu.actions())
    assert open_correction(panel, undo=False, key="decision_to_assess") is None
    assert panel.run_step("correct_step") is None


def open_chronology(qtbot: QtBot, panel: CaseRecordPanel) -> _record_chronology.ChronologyTab:
    tab = panel.chronology_tab
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        panel.tabs.setCurrentWidget(tab)
    return tab


def test_the_chronology_tab_lists_the_case_and_filters_by_kind(qtbot: QtBot, desktop: DesktopContext) -> None:
    case_id = mid_assessment_case(desktop)
    panel = big_panel(qtbot, desktop, case_id)
    tab = open_chronology(qtbot, panel)
    rows = table_texts(tab.table)
    assert rows[0][:5] == ["1", "25 Nov 2024", "Steps", "Request for an EHC needs assessment received", "Jo Smith"]
    whats = [r[3] for r in rows]
    assert "Decision to assess notified" in whats and "EP advice requested" in whats
    assert any(w.startswith("Exception (c) began") for w in whats)
    assert panel.tabs.tabText(panel.tabs.indexOf(tab)) == f"Chronolo&gy ({len(rows)})"
    shot(panel, "chronology-tab.png")
    tab.kind.setCurrentIndex(tab.kind.findData("advice"))
    assert {r[2] for r in table_texts(tab.table)} == {"Advice"}
    assert tab.count.text() == f"{len(tab.table.rows_model.rows())} of {len(rows)} events, oldest first"
    # A correction made elsewhere shows up here, as its own line.
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        open_correction(panel, undo=False, key="decision_to_assess")
        dialog = panel.dialog
        assert isinstance(dialog, CorrectStepDialog)
        dialog.new_date.set_value(date(2025, 1, 6))
        dialog.reason.setText("Typed the wrong day")
        dialog.ok.click()
    tab.kind.setCurrentIndex(tab.kind.findData("correction"))
    assert [r[3] for r in table_texts(tab.table)] == ["Step corrected: the decision to assess"]


def test_exporting_asks_before_replacing_a_file(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = mid_assessment_case(desktop)
    panel = big_panel(qtbot, desktop, case_id)
    tab = open_chronology(qtbot, panel)
    target = tmp_path / "chronology"  # the extension is added
    asked: list[Path] = []
    monkeypatch.setattr(_record_chronology, "ask_export_path", lambda _p, _s, _pdf: str(target))
    def keep(_parent: QWidget, path: Path) -> bool:
        asked.append(path)
        return False

    monkeypatch.setattr(_record_chronology, "ask_replace", keep)
    with qtbot.waitSignal(tab.exported, timeout=WAIT):
        tab.pdf_button.click()
    written = tmp_path / "chronology.pdf"
    assert written.read_bytes().startswith(b"%PDF") and asked == []
    written.write_bytes(b"kept")
    tab.pdf_button.click()
    assert asked == [written] and written.read_bytes() == b"kept"
    assert tab.message.text() == "Nothing was exported: chronology.pdf was kept as it is."
    monkeypatch.setattr(_record_chronology, "ask_replace", lambda _p, _path: True)
    with qtbot.waitSignal(tab.exported, timeout=WAIT):
        tab.csv_button.click()
    assert (tmp_path / "chronology.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_letters_tab_flags_a_letter_whose_date_was_corrected(qtbot: QtBot, desktop: DesktopContext,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(COUNCIL_ENV, str(SAMPLE_COUNCIL))
    case_id = mid_assessment_case(desktop)
    made = make_letter(desktop.ctx, desktop.actor, case_id, LetterRequest("decision_to_assess"), desktop.letter_kit())
    panel = big_panel(qtbot, desktop, case_id)
    with qtbot.waitSignal(panel.letters.loaded, timeout=WAIT):
        panel.tabs.setCurrentWidget(panel.letters)
    [entry] = panel.letters.log.rows_model.rows()
    assert entry.id == made.id and entry.flag == "" and "changed since" not in panel.letters.log_heading.text()
    with qtbot.waitSignal(panel.letters.loaded, timeout=WAIT):
        open_correction(panel, undo=False, key="decision_to_assess")
        dialog = panel.dialog
        assert isinstance(dialog, CorrectStepDialog)
        dialog.new_date.set_value(date(2025, 1, 6))
        dialog.reason.setText("The letter went out on the 6th")
        dialog.ok.click()
    [entry] = panel.letters.log.rows_model.rows()
    status = next(c for c in panel.letters.log.rows_model.columns if c.title == "Status")
    assert status.text(entry) == "Made (a date it states has changed)" and status.tooltip is not None
    why = status.tooltip(entry).split("\n\n")[1]
    assert why.startswith("The decision date it rests on was corrected on ")
    assert why.endswith("(3 Jan 2025 → 6 Jan 2025). If the letter is wrong now, void it and make it again.")
    assert "1 states a date changed since it was made: see its status" in panel.letters.log_heading.text()
    shot(panel, "letters-flagged.png")
