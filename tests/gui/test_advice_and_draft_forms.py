"""How a request for advice or a draft went: email, portal, hand or post. Post arrives on the second working
day after posting, so the adviser's 6 weeks and the family's 15 days count from then, and a posted draft's
served day may lie after today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from caseworker.services import steps
from caseworker.views.case_detail import load_case_detail
from tests.gui.builders import set_today
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_record import new_case, open_panel, submit, table_texts
from tests.gui.test_step_dialogs import row_problem, shown, type_date
from ui.context import DesktopContext
from ui.dialogs.advice import RequestAdviceDialog
from ui.dialogs.base import StepDialog
from ui.dialogs.decisions import DraftSentDialog

KINDS = ("education", "health", "ep", "social_care")


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, StepDialog) and widget.isVisible():
            widget.done(0)


def issuing_case(desktop: DesktopContext, received: date, issue_on: date, **kw: object) -> int:
    """A request with every reg 6(1) adviser asked, and a decision to issue a plan."""
    ctx, jo = desktop.ctx, desktop.actor
    cid = new_case(desktop, received, **kw)
    steps.record_decision_to_assess(ctx, jo, cid, True, received)
    for kind in KINDS:
        steps.request_advice(ctx, jo, cid, kind, received)
    steps.record_decision_to_issue(ctx, jo, cid, True, issue_on)
    return cid


def test_advice_posted_before_christmas_runs_from_the_second_working_day(qtbot: QtBot,
                                                                         desktop: DesktopContext) -> None:
    set_today(desktop, date(2025, 12, 23))
    cid = new_case(desktop, date(2025, 12, 1))
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2025, 12, 15))
    panel = open_panel(qtbot, desktop, cid)
    dialog = panel.run_step("request_advice")
    assert isinstance(dialog, RequestAdviceDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("health"))
    dialog.service.setEditText("Wye Valley NHS Trust")
    type_date(qtbot, dialog.date, "22", "12")
    type_date(qtbot, dialog.date, "23", "12")
    assert dialog.consequence.text() == ("The adviser has it on Tue 23 December 2025; advice is due back by Tue 3 "
                                         "February 2026 (6 weeks).")
    dialog.sent_by.setCurrentIndex(dialog.sent_by.findData("post"))
    # Thu 25 and Fri 26 Dec are bank holidays, then a weekend: the adviser has it on Mon 29 Dec.
    assert dialog.consequence.text() == ("The adviser has it on Mon 29 December 2025 (the second working day after "
                                         "posting); advice is due back by Mon 9 February 2026 (6 weeks).")
    submit(qtbot, panel, dialog)
    [advice] = load_case_detail(desktop.ctx, cid, date(2025, 12, 23)).advice
    assert (advice.sent_by, advice.delivered, advice.due) == ("post", date(2025, 12, 29), date(2026, 2, 9))
    assert table_texts(panel.advice_table)[0][2:5] == ["23 Dec 2025", "Post", "9 Feb 2026"]


def test_preparing_for_adulthood_is_offered_from_year_9(qtbot: QtBot, desktop: DesktopContext) -> None:
    young = new_case(desktop, date(2025, 1, 6), forename="Ben", date_of_birth=date(2016, 5, 4))  # year 3
    older = new_case(desktop, date(2025, 1, 6), forename="Cara", date_of_birth=date(2011, 5, 4))  # year 9
    for cid in (young, older):
        steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2025, 2, 3))
    dialog = shown(qtbot, RequestAdviceDialog(desktop, load_case_detail(desktop.ctx, young, GUI_TODAY)))
    assert not dialog.pfa.isVisibleTo(dialog) and not dialog.pfa_row.label.isVisibleTo(dialog)
    dialog.done(0)
    dialog = shown(qtbot, RequestAdviceDialog(desktop, load_case_detail(desktop.ctx, older, GUI_TODAY)))
    assert dialog.pfa.isVisibleTo(dialog) and not dialog.pfa.isChecked()
    dialog.kind.setCurrentIndex(dialog.kind.findData("social_care"))
    dialog.pfa.setChecked(True)
    dialog.date.set_value(date(2025, 2, 4))
    with qtbot.waitSignal(desktop.data_changed, timeout=10000):
        dialog.ok.click()
    [advice] = load_case_detail(desktop.ctx, older, GUI_TODAY).advice
    assert advice.kind == "social_care" and advice.covers_pfa


def test_a_posted_draft_is_served_on_the_second_working_day_even_after_today(qtbot: QtBot,
                                                                              desktop: DesktopContext) -> None:
    cid = issuing_case(desktop, date(2025, 1, 6), date(2025, 2, 24))
    panel = open_panel(qtbot, desktop, cid)
    dialog = panel.run_step("draft_sent")
    assert isinstance(dialog, DraftSentDialog)
    type_date(qtbot, dialog.sent, "28", "02")  # Fri 28 Feb 2025
    assert dialog.served.value() == date(2025, 2, 28)  # by email: served the day it is sent
    dialog.sent_by.setCurrentIndex(dialog.sent_by.findData("post"))
    # Mon 3 Mar is the first working day after posting, Tue 4 Mar (tomorrow) the second.
    assert dialog.served.value() == date(2025, 3, 4) and dialog.served_value() is None
    assert "second working day after posting (it may be after today)" in dialog.served_hint.text()
    assert row_problem(dialog, dialog.served) == ""
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=10000)
    assert dialog.required.isHidden()  # every adviser reg 6(1) wants was asked
    assert dialog.consequence.text() == (
        "Posted: served on Tue 4 March 2025, the second working day after posting. The family's 15 days run to Tue "
        "18 March 2025; the earliest lawful final date is Wed 19 March 2025.")
    assert dialog.ok.isEnabled()
    submit(qtbot, panel, dialog)
    detail = load_case_detail(desktop.ctx, cid, GUI_TODAY)
    assert detail.draft_sent_by == "post" and detail.deadlines is not None
    assert detail.deadlines.facts.draft_served is None  # deemed, not typed
    assert (detail.deadlines.served, detail.deadlines.earliest_final) == (date(2025, 3, 4), date(2025, 3, 19))
    assert "The family's 15 days on the draft run from Tue 4 March 2025 to Tue 18 March 2025" in (
        panel.deadlines_note.text())


def test_a_served_day_typed_by_hand_stays_when_the_way_it_was_sent_changes(qtbot: QtBot,
                                                                            desktop: DesktopContext) -> None:
    cid = issuing_case(desktop, date(2025, 1, 6), date(2025, 2, 24))
    dialog = shown(qtbot, DraftSentDialog(desktop, load_case_detail(desktop.ctx, cid, GUI_TODAY)))
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=10000)
    dialog.sent.set_value(date(2025, 2, 28))
    type_date(qtbot, dialog.served, "05", "03")  # the family says it came on Wed 5 Mar
    assert dialog.served_value() == date(2025, 3, 5)
    dialog.sent_by.setCurrentIndex(dialog.sent_by.findData("post"))
    assert dialog.served.value() == date(2025, 3, 5) and dialog.served_value() == date(2025, 3, 5)
    assert dialog.consequence.text().startswith("Served on Wed 5 March 2025. The family's 15 days run to Wed 19 March")
    type_date(qtbot, dialog.served, "15", "03")  # more than 14 days after sending: a typing slip
    assert row_problem(dialog, dialog.served) == ("15 Mar 2025 is more than 14 days after the draft was sent "
                                                  "(28 Feb 2025).")
    assert not dialog.ok.isEnabled()
