"""The Letters tab of a plan in place: the plan's letters are offered there (and not for a request), a review
invitation takes the meeting's time and place typed into the form, each refused next to its box when
missing, and a plan decision letter made late is dated as recorded on the plan without offering to record
another day."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from caseworker.services import plans, steps
from caseworker.services.letters import COUNCIL_ENV, stored_pdf
from caseworker.views.letter_log import letter_log
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_letters import SAMPLE_COUNCIL, WAIT, choose, letters_case, open_letters
from tests.gui.test_case_record import new_case
from ui.context import DesktopContext

PLAN_LETTERS = {"annual_review_invitation", "review_decision", "amendment_notice", "amended_plan_cover",
                "cease_decision"}


@pytest.fixture(autouse=True)
def council(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(COUNCIL_ENV, str(SAMPLE_COUNCIL))


def plan_case(desktop: DesktopContext) -> int:
    """A plan issued on 14 October 2024; its first review meets on 20 March 2025, invitations sent today."""
    ctx, jo = desktop.ctx, desktop.actor
    cid = new_case(desktop, date(2024, 6, 3), forename="Maya", surname="Patel", upn=None)
    steps.record_decision_to_assess(ctx, jo, cid, True, date(2024, 7, 8))
    steps.record_decision_to_issue(ctx, jo, cid, True, date(2024, 9, 16))
    steps.record_draft_sent(ctx, jo, cid, date(2024, 9, 23))
    steps.record_final_plan(ctx, jo, cid, date(2024, 10, 14))
    plans.record_review_meeting(ctx, jo, cid, date(2025, 3, 20), invitations_sent_on=GUI_TODAY)
    return cid


def offered(panel: object) -> set[str]:
    combo = panel.form.template  # type: ignore[attr-defined]
    return {combo.itemData(i) for i in range(combo.count())}


def test_the_plan_letters_are_offered_for_a_plan_in_place_only(qtbot: QtBot, desktop: DesktopContext) -> None:
    assert not offered(open_letters(qtbot, desktop, letters_case(desktop))) & PLAN_LETTERS
    assert offered(open_letters(qtbot, desktop, plan_case(desktop))) >= PLAN_LETTERS


def test_a_review_invitation_takes_the_meeting_s_time_and_place(qtbot: QtBot, desktop: DesktopContext,
                                                                 tmp_path: Path) -> None:
    cid = plan_case(desktop)
    panel = open_letters(qtbot, desktop, cid)
    form = panel.form
    assert not form.meeting_time.isVisible()
    choose(form.template, "annual_review_invitation")
    assert form.meeting_time.isVisible() and form.meeting_place.isVisible() and not form.reasons.isVisible()
    qtbot.keyClicks(form.meeting_time, "1:30pm to 3pm")
    form.make_button.click()
    assert "Type the meeting's time and place" in form.problem_text()
    assert form.meeting_place.hasFocus()
    desktop.runner.wait()
    assert letter_log(desktop.ctx, cid) == []
    qtbot.keyClicks(form.meeting_place, "Room 4, County Hall")
    assert form.problem_text() == ""  # typing clears the problem
    with qtbot.waitSignal(panel.loaded, timeout=WAIT), qtbot.waitSignal(panel.made, timeout=WAIT):
        form.make_button.click()
    [entry] = letter_log(desktop.ctx, cid)
    path = tmp_path / "invitation.pdf"
    path.write_bytes(stored_pdf(desktop.ctx, entry.id))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Date: Thursday 20 March 2025" in text and "Time: 1:30pm to 3pm" in text
    assert "Place: Room 4, County Hall" in text and "by Thursday 6 March 2025" in text


def test_a_late_review_decision_is_dated_as_recorded_on_the_plan(qtbot: QtBot, desktop: DesktopContext) -> None:
    ctx, jo = desktop.ctx, desktop.actor
    cid = new_case(desktop, date(2024, 3, 4), forename="Maya", surname="Patel", upn=None)
    steps.record_decision_to_assess(ctx, jo, cid, True, date(2024, 4, 8))
    steps.record_decision_to_issue(ctx, jo, cid, True, date(2024, 6, 3))
    steps.record_draft_sent(ctx, jo, cid, date(2024, 6, 10))
    steps.record_final_plan(ctx, jo, cid, date(2024, 7, 1))
    plans.record_review_meeting(ctx, jo, cid, date(2025, 2, 3))
    plans.record_review_decision(ctx, jo, cid, "maintain", date(2025, 2, 24))  # a week before today
    panel = open_letters(qtbot, desktop, cid)
    choose(panel.form.template, "review_decision")
    panel.form.make_button.click()
    qtbot.waitUntil(lambda: panel.date_dialog is not None and panel.date_dialog.isVisible(), timeout=WAIT)
    dialog = panel.date_dialog
    assert dialog is not None
    assert dialog.keep.text() == "Date it 24 Feb 2025 (as recorded)" and not dialog.record.isVisible()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT), qtbot.waitSignal(panel.made, timeout=WAIT):
        dialog.keep.click()
    [entry] = letter_log(ctx, cid)
    assert (entry.template_id, entry.letter_date) == ("review_decision", date(2025, 2, 24))
