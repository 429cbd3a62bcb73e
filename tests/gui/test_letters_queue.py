"""Letters to send: the late-advice chase is listed; the selected letters are made in one batch, logged in
the list's order and printed whole; Cancel logs nothing; problems stay on the list; refusals go to the case.

Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/letters-queue.png.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

import ui.printing
from caseworker.services import steps
from caseworker.services.letters import COUNCIL_ENV, LetterBatch
from caseworker.views.letter_log import letter_log
from tests.gui.builders import open_window, wait_idle
from tests.gui.conftest import add_staff
from tests.gui.test_case_letters import SAMPLE_COUNCIL, letters_case, refusal_case
from tests.gui.test_case_record import SCREENSHOTS, mid_assessment_case, new_case
from tests.gui.test_printing import pages, pdf_printer
from ui.context import DesktopContext
from ui.main_window import WHOLE_TEAM
from ui.panels.letters_queue import OPEN_FOR_MEETING, OPEN_THE_CASE, LettersQueuePanel
from ui.printing import paint_pdf

WAIT = 10000
SHOTS_ENV = "CASEWORKER_SHOTS_DIR"  # a folder to keep the plan letters' picture in


@pytest.fixture(autouse=True)
def council(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(COUNCIL_ENV, str(SAMPLE_COUNCIL))


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Every print dialog answered with "Print to file (PDF)"; the files written, in order."""
    files: list[Path] = []

    def to_file(_parent: object, printer: QPrinter) -> bool:
        files.append(tmp_path / f"printed-{len(files) + 1}.pdf")
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(files[-1]))
        return True

    monkeypatch.setattr(ui.printing, "choose_printer", to_file)
    return files


def open_queue(qtbot: QtBot, desktop: DesktopContext) -> LettersQueuePanel:
    panel = LettersQueuePanel(desktop)
    qtbot.addWidget(panel)
    panel.resize(1300, 600)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.refresh()
    return panel


def texts(panel: LettersQueuePanel) -> list[list[str]]:
    model = panel.table.rows_model
    return [[c.text(r) for c in model.columns] for r in model.rows()]


def run_batch(qtbot: QtBot, panel: LettersQueuePanel, then: str = "print") -> LetterBatch:
    with qtbot.waitSignal(panel.batch_finished, timeout=WAIT) as finished:
        (panel.make_print if then == "print" else panel.make_save).click()
    batch = finished.args[0]
    assert isinstance(batch, LetterBatch)
    wait_idle(qtbot, panel.desktop)
    return batch


def test_the_queue_lists_a_late_advice_chase(qtbot: QtBot, desktop: DesktopContext) -> None:
    letters_case(desktop)
    panel = open_queue(qtbot, desktop)
    assert texts(panel)[0] == ["EHC-2024-0001", "Amelia Jones", "Advice overdue: reminder",
                               "EP advice 14 days late (County EP Service)", "17 Feb 2025", "", "", "Jo Smith",
                               "Ready to make"]
    assert [q.template_id for q in panel.rows()] == ["advice_chase", "exception_notice"]
    assert panel.whose.text() == "Your cases \u00b7 2 letters waiting, 2 ready to make"


def test_batch_make_selected_logs_in_order_prints_and_leaves_the_list(qtbot: QtBot, desktop: DesktopContext,
                                                                      printed: list[Path], tmp_path: Path) -> None:
    cid = letters_case(desktop)
    panel = open_queue(qtbot, desktop)
    panel.select_all_ready()
    assert panel.make_print.text() == "&Make and print 2 selected…"
    batch = run_batch(qtbot, panel)
    assert not batch.cancelled and batch.problems == []
    log = sorted(letter_log(desktop.ctx, cid), key=lambda e: e.id)
    assert [(e.template_id, e.recipient_name) for e in log] == [("advice_chase", "County EP Service"),
                                                                ("exception_notice", "Sarah Jones")]
    assert [m.id for m in batch.made] == [e.id for e in log]
    assert printed and printed[0].read_bytes() == batch.combined  # print-to-file: the batch's own bytes
    assert batch.combined is not None
    painted = tmp_path / "painted.pdf"  # a real printer gets the pages painted: every one, whole
    assert paint_pdf(batch.combined, pdf_printer(painted))
    assert pages(painted) == pages(printed[0]) >= 2
    qtbot.waitUntil(lambda: not panel.is_loading and panel.rows() == [], timeout=WAIT)  # made: off the list
    assert panel.mark_sent_button.text() == "Mark &these 2 letters as sent"
    panel.mark_sent_button.click()
    wait_idle(qtbot, desktop)
    assert {e.status for e in letter_log(desktop.ctx, cid)} == {"sent"}
    assert panel.mark_sent_button.text() == "Marked 2 letters as sent"


def test_cancel_mid_batch_logs_nothing(qtbot: QtBot, desktop: DesktopContext, printed: list[Path]) -> None:
    cid = letters_case(desktop)
    panel = open_queue(qtbot, desktop)
    panel.select_all_ready()
    with qtbot.waitSignal(panel.batch_finished, timeout=WAIT) as finished:
        panel.make_print.click()
        assert panel.progress is not None and panel.progress.isVisible()
        [cancel] = [b for b in panel.progress.findChildren(QPushButton) if b.text() == "Cancel"]
        cancel.click()  # before the first letter is rendered (a render takes ~100 ms)
    batch = finished.args[0]
    assert batch.cancelled and batch.made == []
    wait_idle(qtbot, desktop)
    assert letter_log(desktop.ctx, cid) == [] and printed == []
    assert len(panel.rows()) == 2 and panel.result_text.text().startswith("Cancelled: no letters were made")
    assert panel.make_print.isEnabled() and panel.progress is None


def test_problems_are_listed_and_stay_on_the_list(qtbot: QtBot, desktop: DesktopContext,
                                                  printed: list[Path]) -> None:
    cid = mid_assessment_case(desktop)  # the EP service has no postal address: its chase cannot be made
    panel = open_queue(qtbot, desktop)
    panel.select_all_ready()
    batch = run_batch(qtbot, panel)
    assert [e.template_id for e in letter_log(desktop.ctx, cid)] == ["exception_notice"]
    assert [p.template_id for p in batch.problems] == ["advice_chase"]
    shown = [panel.problems.item(i).text() for i in range(panel.problems.count())]
    assert len(shown) == 1 and shown[0].startswith("EHC-2024-0001: ") and panel.problems.isVisible()
    qtbot.waitUntil(lambda: [q.template_id for q in panel.rows()] == ["advice_chase"], timeout=WAIT)
    assert "1 could not be made" in panel.result_text.text()


def test_a_refusal_recorded_today_is_listed(qtbot: QtBot, desktop: DesktopContext) -> None:
    refusal_case(desktop)
    panel = open_queue(qtbot, desktop)
    assert [q.template_id for q in panel.rows()] == ["decision_not_to_assess"]


def test_a_refusal_is_made_from_the_case_which_double_click_opens(qtbot: QtBot, desktop: DesktopContext,
                                                                   tmp_path: Path) -> None:
    refusal = refusal_case(desktop)
    letters_case(desktop)
    window, failed = open_window(qtbot, desktop, tmp_path)
    panel = window.letters_queue
    window.show_letters.trigger()
    qtbot.waitUntil(lambda: panel.has_loaded and not panel.is_loading, timeout=WAIT)
    assert window.tabs.tabText(window.tabs.indexOf(panel)) == "Letters to send (3)"  # counted once My day was in
    row = next(i for i, q in enumerate(panel.rows()) if q.template_id == "decision_not_to_assess")
    assert texts(panel)[row][2:] == ["Decision not to carry out an EHC needs assessment", "decided not to assess",
                                   "24 Feb 2025", "", "", "Jo Smith", OPEN_THE_CASE]
    panel.select_rows([row])
    assert not panel.make_print.isEnabled()  # a refusal needs its reasons: not from the list
    panel.select_all_ready()
    assert [q.template_id for q in panel.selected()] == ["advice_chase", "exception_notice"]
    index = panel.table.rows_model.index(row, 1)
    where = panel.table.visualRect(index).center()
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    record = window.current_case()
    assert record is not None and record.case_id == refusal
    qtbot.waitUntil(lambda: record.letters.data is not None, timeout=WAIT)
    wait_idle(qtbot, desktop)
    assert record.tabs.currentWidget() is record.letters
    assert record.letters.form.template.currentData() == "decision_not_to_assess"
    assert record.letters.form.reasons.isVisible()
    assert failed.errors == []


def test_a_team_lead_can_see_the_whole_team_or_one_person(qtbot: QtBot, desktop: DesktopContext) -> None:
    letters_case(desktop)
    desktop.set_actor(add_staff(desktop.ctx, "tlead", "Terry Lead", "team_lead"))
    panel = open_queue(qtbot, desktop)  # a team lead starts on the whole team's letters
    assert {q.caseworker for q in panel.rows()} == {"jsmith"} and not panel.table.isColumnHidden(5)
    assert panel.whose.text().startswith("Whole team")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        desktop.set_viewing("tlead")
    assert panel.rows() == [] and panel.message.text().startswith("Nothing to send")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        desktop.set_viewing("jsmith")
    assert len(panel.rows()) == 2


def test_a_read_only_user_cannot_make_the_batch(qtbot: QtBot, desktop: DesktopContext) -> None:
    letters_case(desktop)
    desktop.set_actor(add_staff(desktop.ctx, "rviewer", "Robin Viewer", "read_only"))
    desktop.set_viewing("jsmith")
    panel = open_queue(qtbot, desktop)
    panel.select_all_ready()
    assert len(panel.selected()) == 2 and not panel.make_print.isEnabled() and not panel.make_save.isEnabled()


def test_without_council_settings_the_list_says_what_to_do(qtbot: QtBot, desktop: DesktopContext,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(COUNCIL_ENV)
    letters_case(desktop)
    panel = open_queue(qtbot, desktop)
    assert panel.message.text().startswith("Letters cannot be made yet: letters need your council's settings")
    assert not panel.make_print.isEnabled() and not panel.table.isEnabled()


def test_screenshot_of_letters_to_send(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                       printed: list[Path]) -> None:
    """A team lead's list after a batch: two made, one chase refused (its service has no address)."""
    letters_case(desktop)
    other = new_case(desktop, date(2024, 12, 2), forename="Maya", surname="Patel", upn=None,
                     contact_name="Priya Patel")
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, other, True, date(2025, 1, 10))
    steps.request_advice(desktop.ctx, desktop.actor, other, "health", date(2025, 1, 13),
                         service="Marches Community Health")  # no address recorded for this service
    new_case(desktop, date(2025, 2, 24), forename="Oliver", surname="Hughes", upn=None, contact_name="Emma Hughes")
    window, _ = open_window(qtbot, desktop, tmp_path)
    with qtbot.waitSignal(desktop.viewing_changed):
        desktop.set_actor(add_staff(desktop.ctx, "tlead", "Terry Lead", "team_lead"))
    panel = window.letters_queue
    window.show_letters.trigger()
    qtbot.waitUntil(lambda: panel.has_loaded and not panel.is_loading, timeout=WAIT)
    assert window.viewing.currentData() == WHOLE_TEAM  # a team lead starts on the whole team's work
    panel.select_rows([i for i, q in enumerate(panel.rows()) if q.template_id in ("advice_chase", "exception_notice")])
    batch = run_batch(qtbot, panel)
    assert len(batch.made) == 2 and len(batch.problems) == 1 and printed
    qtbot.waitUntil(lambda: not panel.is_loading and len(panel.rows()) == 2, timeout=WAIT)
    qtbot.wait(50)
    shot = window.grab()
    assert not shot.isNull()
    shot.save(str(tmp_path / "letters-queue.png"))
    if os.environ.get("CASEWORKER_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "letters-queue.png", SCREENSHOTS / "letters-queue.png")


def test_an_unallocated_case_waits_for_a_caseworker_and_the_list_filters_by_letter(
        qtbot: QtBot, desktop: DesktopContext) -> None:
    letters_case(desktop)
    lead = add_staff(desktop.ctx, "tlead", "Terry Lead", "team_lead")
    steps.register_request(desktop.ctx, lead, steps.NewRequest(
        forename="Noah", surname="Price", date_of_birth=date(2017, 3, 1), received=desktop.today(),
        contact_name="Nicola Price", contact_address="3 Mill Lane\nLeominster", contact_postcode="HR6 8AA"))
    desktop.set_actor(lead)
    desktop.set_viewing(None)
    panel = open_queue(qtbot, desktop)
    [waiting] = [q for q in panel.rows() if q.template_id == "acknowledgement"]
    row = texts(panel)[panel.rows().index(waiting)]
    assert (row[1], row[-1]) == ("Noah Price", "Allocate a caseworker first")
    panel.select_all_ready()
    assert waiting not in panel.selected() and len(panel.selected()) == len(panel.rows()) - 1
    assert panel.whose.text().endswith(f"{len(panel.rows())} letters waiting, {len(panel.rows()) - 1} ready to make")
    kinds = [panel.kind.itemText(i) for i in range(panel.kind.count())]
    assert kinds[0] == f"All letters ({len(panel.rows())})" and "Advice overdue: reminder (1)" in kinds
    panel.kind.setCurrentIndex(panel.kind.findData("advice_chase"))
    assert [q.template_id for q in panel.rows()] == ["advice_chase"]
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.refresh()
    assert panel.kind.currentData() == "advice_chase" and len(panel.rows()) == 1


def test_switching_who_you_are_updates_the_count_and_a_team_lead_sees_the_team(
        qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    letters_case(desktop)  # two letters wait for jsmith
    colleague = add_staff(desktop.ctx, "bpatel", "Bo Patel", "caseworker")
    lead = add_staff(desktop.ctx, "tlead", "Terry Lead", "team_lead")
    window, _ = open_window(qtbot, desktop, tmp_path)
    panel = window.letters_queue
    window.show_letters.trigger()
    qtbot.waitUntil(lambda: panel.has_loaded and not panel.is_loading, timeout=WAIT)
    tab_text = lambda: window.tabs.tabText(window.tabs.indexOf(panel))  # noqa: E731
    assert tab_text() == "Letters to send (2)"
    window.show_my_day.trigger()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):  # reloads though hidden: the tab shows a count
        desktop.set_actor(colleague)
    assert tab_text() == "Letters to send"
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        desktop.set_actor(lead)
    assert desktop.viewing is None and window.viewing.currentData() == WHOLE_TEAM
    assert tab_text() == "Letters to send (2)"


def test_plan_letters_are_listed_with_their_due_day_and_days_left(qtbot: QtBot, desktop: DesktopContext,
                                                                   tmp_path: Path) -> None:
    """Plans in place beside a request: a meeting booked (its invitation), a meeting held (its decision, not
    recorded yet) and a phase transfer's consultation; shown at 1280x720 (SHOTS_ENV names a folder to keep it)."""
    from caseworker.services import plan_transfers, plans
    from tests.gui.test_plan_record import add_plan, add_school

    letters_case(desktop)
    booked = add_plan(desktop, "EHC-2024-0101")
    plans.record_review_meeting(desktop.ctx, desktop.actor, booked, date(2025, 3, 24))
    held = add_plan(desktop, "EHC-2024-0102", issued=date(2024, 3, 1))
    plans.record_review_meeting(desktop.ctx, desktop.actor, held, date(2025, 2, 10),
                                invitations_sent_on=date(2025, 1, 20))
    moving = add_plan(desktop, "EHC-2024-0103", born=date(2014, 1, 10))
    academy = add_school(desktop, "Wye Valley Academy", "academy")
    plan_transfers.record_transfer(desktop.ctx, desktop.actor, moving, "school", date(2025, 9, 1))
    plan_transfers.record_transfer_consultation(desktop.ctx, desktop.actor, moving, academy, date(2025, 2, 24))
    window, _ = open_window(qtbot, desktop, tmp_path, size=(1280, 720))
    with qtbot.waitSignal(desktop.viewing_changed):
        desktop.set_actor(add_staff(desktop.ctx, "tlead", "Terry Lead", "team_lead"))
    panel = window.letters_queue
    window.show_letters.trigger()
    qtbot.waitUntil(lambda: panel.has_loaded and not panel.is_loading, timeout=WAIT)
    rows = {q.reference: row for q, row in zip(panel.rows(), texts(panel), strict=True) if q.due is not None}
    assert rows["EHC-2024-0101"][2:] == ["Annual review: invitation to the review meeting",
                                         "review meeting on 24 Mar 2025: invite at least 2 weeks before",
                                         "10 Mar 2025", "10 Mar 2025", "7 days", "", OPEN_FOR_MEETING]
    assert rows["EHC-2024-0102"][5:] == ["10 Mar 2025", "7 days", "", "Record the review decision first"]
    assert rows["EHC-2024-0103"][5:7] == ["14 Feb 2025", "17 days late"]
    assert rows["EHC-2024-0103"][-1] == "Ready to make"
    since = [q.since for q in panel.rows() if q.template_id != "advice_chase"]
    assert since == sorted(since)  # plan letters sort with the others
    qtbot.wait(50)
    shot = window.grab()
    assert not shot.isNull() and (shot.width(), shot.height()) == (1280, 720)
    keep = os.environ.get(SHOTS_ENV)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shot.save(str(Path(keep) / "letters-queue-plans.png"))
    consultation = next(q for q in panel.rows() if q.reference == "EHC-2024-0103")
    panel.select_all_ready()
    assert consultation in panel.selected()
    with qtbot.waitSignal(panel.open_letter) as opened:
        row = panel.rows().index(consultation)
        panel.table.doubleClicked.emit(panel.table.rows_model.index(row, 1))
    assert opened.args[0] == consultation
