"""The case record's Notes and Documents tabs, and My day's Follow-ups, used as a caseworker would: typing
a note, amending it, attaching a file (chosen or dropped), opening and saving it, linking it to advice.

Set CASEWORKER_SCREENSHOTS=1 to save the tabs at 1280x720 under docs/screenshots/."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from caseworker.reports.my_day import FOLLOW_UPS
from caseworker.services import steps
from caseworker.services.case_notes import LONDON, NoteInput, add_note
from tests.gui.builders import open_window, wait_idle
from tests.gui.conftest import add_staff
from tests.gui.test_case_record import new_case, open_panel, table_texts
from ui.context import DesktopContext
from ui.dialogs.note import NoteDialog
from ui.panels import _record_documents
from ui.panels.case_record import CaseRecordPanel

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def notes_loaded(qtbot: QtBot, panel: CaseRecordPanel) -> None:
    wait_idle(qtbot, panel.desktop)


def shown_notes(panel: CaseRecordPanel) -> list[list[str]]:
    return table_texts(panel.notes_tab.table)


def test_a_note_typed_in_the_notes_tab_is_listed_with_its_follow_up(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, new_case(desktop))
    notes_loaded(qtbot, panel)
    panel.tabs.setCurrentWidget(panel.notes_tab)
    assert panel.tabs.tabText(panel.tabs.indexOf(panel.notes_tab)) == "&Notes (0)"
    dialog = panel.notes_tab.add_note()
    assert isinstance(dialog, NoteDialog) and not dialog.ok.isEnabled()  # nothing written yet
    qtbot.keyClicks(dialog.text, "Rang Mrs Jones: the EP visit is booked for 12 March")
    dialog.kind.setCurrentIndex(dialog.kind.findData("phone"))
    dialog.follow_up.given.setChecked(True)
    assert dialog.ok.isEnabled(), dialog.problem_text()
    with qtbot.waitSignal(panel.notes_tab.loaded, timeout=10000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    [row] = shown_notes(panel)
    assert row[1:] == ["Phone call", "Jo Smith", "10 Mar 2025", "Rang Mrs Jones: the EP visit is booked for 12 March"]
    assert panel.tabs.tabText(panel.tabs.indexOf(panel.notes_tab)) == "&Notes (1, 1 to follow up)"
    assert "booked for 12 March" in panel.notes_tab.text.toPlainText()


def test_a_note_in_the_future_or_a_follow_up_before_it_is_refused_beside_the_field(
        qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, new_case(desktop))
    dialog = panel.notes_tab.add_note()
    assert dialog is not None
    qtbot.keyClicks(dialog.text, "Visit")
    dialog.day.set_value(date(2025, 3, 4))
    assert "cannot be in the future" in dialog.problem_text() and not dialog.ok.isEnabled()
    dialog.day.set_value(date(2025, 3, 1))
    dialog.follow_up.set_value(date(2025, 2, 28))
    assert "cannot be before the day it happened (01/03/2025)" in dialog.problem_text()
    dialog.follow_up.set_value(None)
    assert dialog.problem_text() == "" and dialog.ok.isEnabled()
    dialog.reject()


def test_amending_shows_the_correction_above_the_original(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop)
    add_note(desktop.ctx, desktop.actor, cid, NoteInput(datetime(2025, 3, 3, 9, 15, tzinfo=LONDON), "email",
                                                        "Emailed the school for the IEP"))
    panel = open_panel(qtbot, desktop, cid)
    notes_loaded(qtbot, panel)
    panel.notes_tab.table.selectRow(0)
    dialog = panel.notes_tab.amend_note()
    assert dialog is not None and not dialog.ok.isEnabled()  # unchanged: nothing to amend yet
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, "Emailed the school for the IEP and the last annual review")
    with qtbot.waitSignal(panel.notes_tab.loaded, timeout=10000):
        dialog.ok.click()
    rows = shown_notes(panel)
    assert [r[4] for r in rows] == [
        "Emailed the school for the IEP and the last annual review",
        f"\u21b3 Amended {rows[1][4].split('Amended ')[1].split(' by')[0]} by Jo Smith: Emailed the school for the IEP"]
    assert rows[0][0] == rows[1][0] == "03/03/2025 09:15"
    panel.notes_tab.table.selectRow(1)
    assert not panel.notes_tab.amend_button.isEnabled()  # the older wording is history
    assert "the correction is listed above" in panel.notes_tab.text.toPlainText()
    panel.notes_tab.search.setText("ANNUAL")
    assert len(shown_notes(panel)) == 2  # a correction stays with what it replaced
    panel.notes_tab.search.setText("zzz")
    assert shown_notes(panel) == []


def test_a_follow_up_shows_on_my_day_and_goes_when_done_there(qtbot: QtBot, desktop: DesktopContext,
                                                              tmp_path: Path) -> None:
    cid = new_case(desktop)
    add_note(desktop.ctx, desktop.actor, cid, NoteInput(datetime(2025, 2, 28, 11, 0, tzinfo=LONDON), "phone",
                                                        "Ring Mrs Jones back about the EP visit\nShe was out",
                                                        date(2025, 3, 3)))
    window, failed = open_window(qtbot, desktop, tmp_path)
    section = window.my_day.sections[FOLLOW_UPS]
    assert section.isVisible()
    [item] = section.model.rows()
    assert (item.reference, item.child, item.what) == ("EHC-2024-0001", "Amelia Jones",
                                                       "Ring Mrs Jones back about the EP visit")
    section.table.selectRow(0)
    with qtbot.waitSignal(window.my_day.loaded, timeout=10000):
        window.my_day.follow_up_done.trigger()
    wait_idle(qtbot, desktop)
    assert section.model.rows() == [] and not section.isVisible() and failed.errors == []


def test_a_file_attached_is_listed_opened_and_saved(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cid = new_case(desktop)
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2024, 11, 18))
    steps.request_advice(desktop.ctx, desktop.actor, cid, "ep", date(2024, 11, 20), service="County EP Service")
    report = tmp_path / "EP advice.pdf"
    report.write_bytes(PDF)
    panel = open_panel(qtbot, desktop, cid)
    wait_idle(qtbot, desktop)
    tab = panel.documents_tab
    panel.tabs.setCurrentWidget(tab)
    monkeypatch.setattr("ui.panels._record_documents.ask_files", lambda _parent: [report])
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.ok.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData("advice"))  # type: ignore[union-attr]
    qtbot.keyClicks(dialog.description, "EP advice from the County EP Service")  # type: ignore[union-attr]
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        dialog.ok.click()
    [row] = table_texts(tab.table)
    assert row[:5] == ["EP advice.pdf", "Advice", "", "1 KB", "Jo Smith"]
    assert panel.tabs.tabText(panel.tabs.indexOf(tab)) == "Docu&ments (1)"

    opened: list[Path] = []
    monkeypatch.setattr(_record_documents, "show_in_viewer", lambda path: opened.append(path) or True)
    tab.table.selectRow(0)
    tab.open_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened[0].name == "EP advice.pdf" and opened[0].read_bytes() == PDF

    copy = tmp_path / "copies" / "saved.pdf"
    copy.parent.mkdir()
    monkeypatch.setattr(_record_documents, "ask_copy_path", lambda _parent, _name: str(copy))
    tab.save_button.click()
    qtbot.waitUntil(lambda: copy.exists(), timeout=10000)
    assert copy.read_bytes() == PDF

    link = tab.link_advice()
    assert link is not None
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        link.ok.click()
    assert table_texts(tab.table)[0][6] == "EP advice asked 20 Nov 2024"


def test_a_file_dropped_on_the_tab_is_offered_and_a_wrong_one_refused(qtbot: QtBot, desktop: DesktopContext,
                                                                      tmp_path: Path) -> None:
    panel = open_panel(qtbot, desktop, new_case(desktop))
    tab = panel.documents_tab
    liar = tmp_path / "report.pdf"
    liar.write_bytes(b"MZ\x90\x00 a program, not a PDF")
    big = tmp_path / "scan.tiff"
    with big.open("wb") as f:
        f.truncate(26 * 1024 * 1024)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(big))])
    drop = QDropEvent(QPointF(QPoint(10, 10)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    tab.dropEvent(drop)
    dialog = tab.dialog
    assert dialog is not None and not dialog.ok.isEnabled()
    assert dialog.rows[0].problem.reasons() == "The file scan.tiff is 26.0 MB; a document can be at most 25 MB."
    dialog.set_paths([liar])  # type: ignore[union-attr]
    assert dialog.ok.isEnabled()  # its name looks right; its content is checked on saving
    dialog.ok.click()
    qtbot.waitUntil(lambda: "not one" in dialog.general.reasons(), timeout=10000)  # type: ignore[union-attr]
    assert "Nothing was attached" in dialog.general.reasons() and dialog.isVisible()  # type: ignore[union-attr]
    wait_idle(qtbot, desktop)
    assert table_texts(tab.table) == []


def test_a_read_only_user_reads_notes_and_documents_but_writes_nothing(qtbot: QtBot,
                                                                      desktop: DesktopContext) -> None:
    cid = new_case(desktop)
    add_note(desktop.ctx, desktop.actor, cid, NoteInput(datetime(2025, 3, 3, 9, 0, tzinfo=LONDON), "note",
                                                        "Case reviewed", date(2025, 3, 3)))
    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    panel = open_panel(qtbot, desktop, cid)
    wait_idle(qtbot, desktop)
    panel.notes_tab.table.selectRow(0)
    assert len(shown_notes(panel)) == 1
    notes, docs = panel.notes_tab, panel.documents_tab
    assert not any(b.isEnabled() for b in (notes.add_button, notes.amend_button, notes.done_button,
                                           docs.attach_button, docs.link_button))
    assert notes.add_note() is None and docs.attach([Path("x.pdf")]) is None


@pytest.mark.skipif(not os.environ.get("CASEWORKER_SCREENSHOTS"), reason="set CASEWORKER_SCREENSHOTS=1")
def test_screenshots_of_the_tabs_at_1280x720(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    cid = new_case(desktop)
    first = add_note(desktop.ctx, desktop.actor, cid, NoteInput(
        datetime(2025, 2, 24, 10, 5, tzinfo=LONDON), "phone", "Rang Mrs Jones: EP visit booked for 12 March.\n"
        "She asked for the report to be sent by email as well as post.", date(2025, 3, 3)))
    from caseworker.services.case_notes import amend_note
    amend_note(desktop.ctx, desktop.actor, first, NoteInput(
        datetime(2025, 2, 24, 10, 5, tzinfo=LONDON), "phone", "Rang Mrs Jones: EP visit booked for 13 March.\n"
        "She asked for the report to be sent by email as well as post.", date(2025, 3, 3)))
    add_note(desktop.ctx, desktop.actor, cid, NoteInput(datetime(2025, 2, 27, 14, 30, tzinfo=LONDON), "meeting",
                                                        "Met the SENCo at Hillside Primary: Year 3 IEP shared."))
    from caseworker.services.case_documents import DocumentInput, attach_document
    attach_document(desktop.ctx, desktop.actor, cid, DocumentInput("EP advice - Amelia Jones.pdf", "advice",
                                                                   "EP advice, County EP Service",
                                                                   date(2025, 2, 20)), PDF * 2000)
    attach_document(desktop.ctx, desktop.actor, cid, DocumentInput("Email from Mrs Jones.eml", "correspondence"),
                    b"From: a@example.org\r\nSubject: Amelia\r\nDate: Mon, 3 Mar 2025 09:00:00 +0000\r\n\r\nHi\r\n")
    panel = open_panel(qtbot, desktop, cid)
    panel.resize(1280, 720)
    panel.show()
    wait_idle(qtbot, desktop)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for tab, name in ((panel.notes_tab, "case-notes.png"), (panel.documents_tab, "case-documents.png")):
        panel.tabs.setCurrentWidget(tab)
        if tab is panel.notes_tab:
            panel.notes_tab.table.selectRow(0)
        qtbot.wait(50)
        assert panel.grab().save(str(SCREENSHOTS / name))
    dialog = panel.notes_tab.amend_note()
    assert dialog is not None
    dialog.text.setPlainText("x")
    dialog.follow_up.set_value(date(2025, 2, 20))  # before the day it happened: the problem shows under it
    qtbot.wait(50)
    assert dialog.grab().save(str(SCREENSHOTS / "case-note-dialog.png"))
    dialog.reject()
    panel.documents_tab.attach([Path(__file__)])
    attach = panel.documents_tab.dialog
    assert attach is not None
    qtbot.wait(50)
    assert attach.grab().save(str(SCREENSHOTS / "case-attach-dialog.png"))
    attach.reject()
