"""The Letters tab of a case record: make a letter and see it in the log, preview without logging, the
reasons a refusal needs, void with a reason, mark sent, reprint the stored bytes, and read-only users.

Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/letters-tab.png.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

import ui.printing
from caseworker.services import steps
from caseworker.services.letters import COUNCIL_ENV, LetterRequest, make_letter, stored_pdf
from caseworker.store.models import AdviceService, AuditEvent
from caseworker.views.letter_log import letter_log
from tests.gui.conftest import add_staff
from tests.gui.test_case_record import SCREENSHOTS, mid_assessment_case, new_case
from ui.context import DesktopContext
from ui.dialogs.letter_void import VoidLetterDialog
from ui.panels.case_letters import CaseLettersPanel
from ui.panels.case_record import CaseRecordPanel

SAMPLE_COUNCIL = Path(__file__).resolve().parents[2] / "resources" / "letters" / "council.sample.toml"
WAIT = 10000


@pytest.fixture(autouse=True)
def council(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped sample council (a test database is not a demo, so it needs settings named)."""
    monkeypatch.setenv(COUNCIL_ENV, str(SAMPLE_COUNCIL))


def letters_case(desktop: DesktopContext) -> int:
    """The mid-assessment case (EP advice 14 days late, an exception), with the services' addresses."""
    cid = mid_assessment_case(desktop)
    with desktop.ctx.db.session() as s:
        for n, service in enumerate(s.query(AdviceService).order_by(AdviceService.id), 1):
            service.address = f"{n} Service Road\nHereford"
            service.postcode = "HR1 1AA"
    return cid


def refusal_case(desktop: DesktopContext) -> int:
    """A request the council decided not to assess (24 Feb 2025): the family must be told why."""
    cid = new_case(desktop, date(2025, 1, 13), forename="Ben", surname="Carter", upn=None)
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, False, date(2025, 2, 24))
    return cid


def open_letters(qtbot: QtBot, desktop: DesktopContext, case_id: int) -> CaseLettersPanel:
    """The case record, shown, on its Letters tab, with the letters loaded."""
    record = CaseRecordPanel(desktop, case_id)
    qtbot.addWidget(record)
    record.resize(1400, 850)
    with qtbot.waitSignal(record.loaded, timeout=WAIT):
        record.refresh()
    record.show()
    qtbot.waitExposed(record)
    panel = record.letters
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        record.tabs.setCurrentWidget(panel)
    return panel


def choose(combo: object, data: object) -> None:
    index = combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def log_texts(panel: CaseLettersPanel) -> list[list[str]]:
    model = panel.log.rows_model
    return [[c.text(r) for c in model.columns] for r in model.rows()]


def make_through_the_form(qtbot: QtBot, panel: CaseLettersPanel) -> None:
    # the letter comes back, then the log reloads with it
    with qtbot.waitSignal(panel.loaded, timeout=WAIT), qtbot.waitSignal(panel.made, timeout=WAIT):
        panel.form.make_button.click()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# --- the form ----------------------------------------------------------------------------------------------


def test_recipients_are_the_cases_own_with_the_main_correspondent_first(qtbot: QtBot,
                                                                        desktop: DesktopContext) -> None:
    panel = open_letters(qtbot, desktop, letters_case(desktop))
    combo = panel.form.recipient
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered[0] == "Sarah Jones (parent, main correspondent)"
    assert "David Jones (parent)" in offered and "County EP Service (advice service)" in offered
    assert panel.form.address.text() == "Goes to: Sarah Jones, 12 Bath Street, Hereford, HR1 2HQ"
    # No box anywhere to type an address into: the only text boxes are a review meeting's time and place,
    # which go in the letter's text, never on the envelope.
    assert set(panel.form.findChildren(QLineEdit)) == {panel.form.meeting_time, panel.form.meeting_place}
    letters = [panel.form.template.itemData(i) for i in range(panel.form.template.count())]
    assert "exception_notice" in letters and "advice_chase" not in letters  # a parent is not chased for advice


def test_an_advice_letter_goes_to_the_service_the_advice_was_asked_of(qtbot: QtBot,
                                                                      desktop: DesktopContext) -> None:
    panel = open_letters(qtbot, desktop, letters_case(desktop))
    form = panel.form
    choose(form.recipient, "service:1")
    choose(form.template, "advice_chase")
    assert form.advice.isVisible() and not form.reasons.isVisible()
    assert form.advice.currentText() == "EP (educational psychology) \u2014 County EP Service \u2014 " \
                                        "due 17 Feb 2025, 14 days late"
    health = next(a.id for a in panel.data.case.detail.advice if a.kind == "health")  # type: ignore[union-attr]
    choose(form.advice, health)
    assert form.chosen_recipient().name == "Wye Valley NHS Trust"  # type: ignore[union-attr]
    assert form.current_request() == LetterRequest("advice_chase", recipient_id="service:2", advice_id=health)


# --- make, preview -----------------------------------------------------------------------------------------


def test_make_a_letter_from_the_letters_tab_and_see_it_in_the_log(qtbot: QtBot, desktop: DesktopContext,
                                                                  tmp_path: Path) -> None:
    cid = letters_case(desktop)
    panel = open_letters(qtbot, desktop, cid)
    choose(panel.form.template, "exception_notice")
    assert panel.form.exception.currentText().startswith("(c) Exceptional personal circumstances")
    make_through_the_form(qtbot, panel)
    assert log_texts(panel)[0][:5] == ["3 Mar 2025", "Exception to the statutory time limit", "Sarah Jones",
                                       "Jo Smith", "Made"]
    [logged] = letter_log(desktop.ctx, cid)
    assert logged.template_id == "exception_notice" and logged.recipient_id == "contact:1"
    assert panel.made_bar.isVisible() and "Made and logged" in panel.made_text.text()
    assert panel.viewer.pdf == stored_pdf(desktop.ctx, logged.id)  # on screen: the stored letter itself
    assert hashlib.sha256(panel.viewer.pdf).hexdigest().startswith(log_texts(panel)[0][6])
    assert "PREVIEW" not in pdf_text(panel.viewer.pdf, tmp_path)


def test_preview_shows_the_letter_stamped_and_logs_nothing(qtbot: QtBot, desktop: DesktopContext,
                                                           tmp_path: Path) -> None:
    cid = letters_case(desktop)
    panel = open_letters(qtbot, desktop, cid)
    choose(panel.form.template, "exception_notice")
    with qtbot.waitSignal(panel.previewed, timeout=WAIT):
        panel.form.preview_button.click()
    assert panel.viewer.page_count >= 1
    assert panel.viewer.caption.text().startswith("PREVIEW - NOT SENT")
    text = pdf_text(panel.viewer.pdf, tmp_path)
    assert "PREVIEW" in text and "Sarah Jones" in text
    assert letter_log(desktop.ctx, cid) == [] and panel.log.rows_model.rows() == []


def test_a_refusal_cannot_be_made_without_its_reasons(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = refusal_case(desktop)
    panel = open_letters(qtbot, desktop, cid)
    choose(panel.form.template, "decision_not_to_assess")
    assert panel.form.reasons.isVisible()
    panel.form.reasons.setPlainText("  \n ")
    panel.form.make_button.click()
    assert "write the reasons for the decision" in panel.form.reasons_problem.reasons().lower()
    desktop.runner.wait()
    assert letter_log(desktop.ctx, cid) == []
    panel.form.reasons.setPlainText("Ben's school meets his needs from its own resources.\n\n"
                                    "Progress since September shows the support is working.")
    # Made on 3 March, a week after the decision was notified: the window asks which date it carries.
    panel.form.make_button.click()
    qtbot.waitUntil(lambda: panel.date_dialog is not None and panel.date_dialog.isVisible(), timeout=WAIT)
    assert panel.date_dialog is not None
    with qtbot.waitSignal(panel.loaded, timeout=WAIT), qtbot.waitSignal(panel.made, timeout=WAIT):
        panel.date_dialog.keep.click()
    [entry] = letter_log(desktop.ctx, cid)
    assert (entry.template_id, entry.letter_date) == ("decision_not_to_assess", date(2025, 2, 24))


def test_a_decision_letter_made_late_can_record_today_as_the_day_the_family_is_told(
        qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    cid = refusal_case(desktop)  # notified 24 Feb 2025; today is 3 March
    panel = open_letters(qtbot, desktop, cid)
    choose(panel.form.template, "decision_not_to_assess")
    panel.form.reasons.setPlainText("1. Ben's school meets his needs from its own resources.")
    panel.form.make_button.click()
    qtbot.waitUntil(lambda: panel.date_dialog is not None and panel.date_dialog.isVisible(), timeout=WAIT)
    dialog = panel.date_dialog
    assert dialog is not None
    assert dialog.keep.text() == "Date it 24 Feb 2025 (as recorded)"
    assert dialog.record.text() == "Record 3 Mar 2025 as the day the family is told"
    with qtbot.waitSignal(panel.loaded, timeout=WAIT), qtbot.waitSignal(panel.made, timeout=WAIT):
        dialog.record.click()
    [entry] = letter_log(desktop.ctx, cid)
    assert entry.letter_date == date(2025, 3, 3)
    text = " ".join(pdf_text(stored_pdf(desktop.ctx, entry.id), tmp_path).split())
    assert "1. Ben's school meets his needs from its own resources." in text  # numbered once, as the letter does
    assert "should have told you our decision by Monday 24 February 2025" in text  # week 6 was missed
    with desktop.ctx.db.sessions() as s:
        actions = s.scalars(s.query(AuditEvent.action).filter(AuditEvent.case_id == cid).statement).all()
    assert "record_notification_date_decision_to_assess" in actions


def test_cancelling_the_date_question_makes_nothing(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = refusal_case(desktop)
    panel = open_letters(qtbot, desktop, cid)
    choose(panel.form.template, "decision_not_to_assess")
    panel.form.reasons.setPlainText("Needs are met.")
    panel.form.make_button.click()
    qtbot.waitUntil(lambda: panel.date_dialog is not None and panel.date_dialog.isVisible(), timeout=WAIT)
    assert panel.date_dialog is not None
    panel.date_dialog.reject()
    desktop.runner.wait()
    assert letter_log(desktop.ctx, cid) == [] and panel.form.make_button.isEnabled()


def test_what_is_missing_is_said_in_plain_words_next_to_the_form(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = letters_case(desktop)
    panel = open_letters(qtbot, desktop, cid)
    choose(panel.form.template, "final_plan_cover")  # the plan is not issued yet
    panel.form.preview_button.click()
    qtbot.waitUntil(lambda: panel.form.problem.isVisible(), timeout=WAIT)
    assert panel.form.problem_text() == ("The \u201cFinal EHC plan: covering letter\u201d letter: cannot be made "
                                         "until these are recorded: the date the final plan was issued.")
    assert letter_log(desktop.ctx, cid) == []


# --- the log -----------------------------------------------------------------------------------------------


def _one_made(desktop: DesktopContext, cid: int) -> int:
    from caseworker.services.letters import load_letter_kit
    return make_letter(desktop.ctx, desktop.actor, cid, LetterRequest("exception_notice"),
                       load_letter_kit(desktop.ctx)).id


def test_void_asks_for_a_reason_and_keeps_the_letter(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = letters_case(desktop)
    letter_id = _one_made(desktop, cid)
    panel = open_letters(qtbot, desktop, cid)
    panel.select_letter(letter_id)
    dialog = panel.void_selected()
    assert isinstance(dialog, VoidLetterDialog)
    dialog.ok.click()  # no reason: the service refuses, and says so under the box
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=WAIT)
    assert dialog.problem.reasons() == "Say why the letter is void." and dialog.isVisible()
    assert letter_log(desktop.ctx, cid)[0].status == "made"
    dialog.reason.setPlainText("Sent to the old address")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    assert not dialog.isVisible()
    [entry] = letter_log(desktop.ctx, cid)
    assert (entry.status, entry.void_reason) == ("void", "Sent to the old address")
    assert log_texts(panel)[0][4] == "Void: Sent to the old address"  # still in the log, in words
    panel.select_letter(letter_id)
    assert not panel.log_buttons["void"].isEnabled() and not panel.log_buttons["sent"].isEnabled()


def test_mark_sent(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = letters_case(desktop)
    letter_id = _one_made(desktop, cid)
    panel = open_letters(qtbot, desktop, cid)
    panel.select_letter(letter_id)
    assert panel.log_buttons["sent"].isEnabled()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.log_buttons["sent"].click()
    assert letter_log(desktop.ctx, cid)[0].status == "sent"
    assert log_texts(panel)[0][4].startswith("Sent ")


def test_view_and_reprint_use_the_stored_letter(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cid = letters_case(desktop)
    letter_id = _one_made(desktop, cid)
    stored = stored_pdf(desktop.ctx, letter_id)
    panel = open_letters(qtbot, desktop, cid)
    panel.select_letter(letter_id)
    with qtbot.waitSignal(panel.shown, timeout=WAIT):
        panel.log_buttons["view"].click()
    assert panel.viewer.pdf == stored

    out = tmp_path / "reprint.pdf"

    def to_file(_parent: object, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(ui.printing, "choose_printer", to_file)
    panel.log_buttons["print"].click()
    qtbot.waitUntil(out.exists, timeout=WAIT)
    assert out.read_bytes() == stored  # a reprint is the logged letter, byte for byte
    with desktop.ctx.db.sessions() as s:
        assert s.query(AuditEvent).filter_by(action="letter.reprint", entity_id=letter_id).count() == 1


def test_a_read_only_user_cannot_make_or_change_letters(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = letters_case(desktop)
    letter_id = _one_made(desktop, cid)
    desktop.set_actor(add_staff(desktop.ctx, "rviewer", "Robin Viewer", "read_only"))
    panel = open_letters(qtbot, desktop, cid)
    assert not panel.form.make_button.isEnabled()
    assert "cannot make or change letters" in panel.form.make_button.toolTip()
    assert panel.form.preview_button.isEnabled()  # looking is fine
    panel.select_letter(letter_id)
    assert not panel.log_buttons["sent"].isEnabled() and not panel.log_buttons["void"].isEnabled()
    assert panel.log_buttons["view"].isEnabled()
    panel.make(panel.form.current_request())  # even called directly, nothing is made
    desktop.runner.wait()
    assert len(letter_log(desktop.ctx, cid)) == 1


def test_without_council_settings_the_tab_says_what_to_do(qtbot: QtBot, desktop: DesktopContext,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(COUNCIL_ENV)
    panel = open_letters(qtbot, desktop, letters_case(desktop))
    assert panel.message.isVisible() and not panel.split.isVisible()
    assert panel.message.text().startswith("Letters cannot be made yet: letters need your council's settings")


# --- screenshot --------------------------------------------------------------------------------------------


def test_screenshot_of_the_letters_tab(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    cid = letters_case(desktop)
    letter_id = _one_made(desktop, cid)
    panel = open_letters(qtbot, desktop, cid)
    record = panel.window()
    assert isinstance(record, CaseRecordPanel)
    panel.select_letter(letter_id)
    choose(panel.form.recipient, "service:1")
    choose(panel.form.template, "advice_chase")
    with qtbot.waitSignal(panel.previewed, timeout=WAIT):
        panel.form.preview_button.click()
    qtbot.wait(600)  # QPdfView renders its pages on a worker thread after the first paint
    shot = record.grab()
    assert not shot.isNull() and shot.width() >= 1400
    shot.save(str(tmp_path / "letters-tab.png"))
    if os.environ.get("CASEWORKER_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "letters-tab.png", SCREENSHOTS / "letters-tab.png")


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, VoidLetterDialog) and widget.isVisible():
            widget.done(0)


def test_an_organisation_or_consulted_school_is_added_from_the_councils_lists(qtbot: QtBot,
                                                                             desktop: DesktopContext) -> None:
    from caseworker.store.models import Organisation, School

    cid = letters_case(desktop)
    with desktop.ctx.db.session() as s:
        s.add(Organisation(kind="health_commissioner", name="NHS Marches ICB", address="Kingsway House\nHereford",
                           postcode="HR1 2ER"))
        s.add(School(name="Riverside Special School", address="Mill Lane\nMarchford", postcode="MF2 4QT"))
    panel = open_letters(qtbot, desktop, cid)
    dialog = panel.add_recipient()
    qtbot.waitUntil(lambda: dialog.organisation.count() == 1, timeout=WAIT)
    assert dialog.use_org.isChecked()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    offered = [panel.form.recipient.itemText(i) for i in range(panel.form.recipient.count())]
    assert "NHS Marches ICB (health commissioner)" in offered
    dialog = panel.add_recipient()
    qtbot.waitUntil(lambda: dialog.school.count() > 0, timeout=WAIT)
    assert not dialog.use_org.isEnabled()  # the only organisation is already on the case
    dialog.school.setEditText("Nowhere Academy")  # not on the council's list: refused, nothing recorded
    dialog.ok.click()
    assert "Choose a school from the list" in dialog.problem.reasons()
    dialog.school.setCurrentIndex(dialog.school.findText("Riverside Special School (MF2 4QT)"))
    dialog.sent_on.set_value(date(2030, 1, 1))
    dialog.ok.click()
    qtbot.waitUntil(lambda: "future" in dialog.problem.reasons(), timeout=WAIT)  # the service's refusal, kept open
    dialog.sent_on.set_value(desktop.today())
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    offered = [panel.form.recipient.itemText(i) for i in range(panel.form.recipient.count())]
    assert "Riverside Special School (school consulted)" in offered


def test_the_tab_says_what_is_waiting_and_prepares_it(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_letters(qtbot, desktop, letters_case(desktop))  # EP advice 14 days late, an exception recorded
    assert panel.due.text().startswith("Waiting to be sent for this case: Advice overdue: reminder (EP advice 14 "
                                       "days late")
    assert panel.form.recipient.currentText() == "Sarah Jones (parent, main correspondent)"  # nothing chosen for you
    panel.due_button.click()
    assert panel.form.template.currentData() == "advice_chase"
    assert panel.form.recipient.currentText() == "County EP Service (advice service)"
    make_through_the_form(qtbot, panel)
    assert "Advice overdue" not in panel.due.text()  # made: no longer waiting
