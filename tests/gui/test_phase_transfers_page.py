"""The Phase transfers page: the cohort moving next September with each move's state and days left, its
filters, opening a case, and the steps of a move recorded from the page (the row changes once saved)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.services import plan_transfers
from caseworker.store.models import Case, School
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views import plan_detail as steps
from tests.gui.builders import WAIT, open_window, wait_idle
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_mnemonics import shared_mnemonics
from tests.gui.test_step_dialogs import type_date
from ui.context import DesktopContext
from ui.dialogs.plan_form import PlanStepDialog
from ui.dialogs.plan_steps import YearGroupDialog
from ui.dialogs.plan_transfer import (
    RecordTransferDialog,
    TransferConsultationDialog,
    TransferDoneDialog,
    TransferReplyDialog,
)
from ui.panels.phase_transfers import PhaseTransfersPanel

ISSUED = date(2023, 5, 20)
CHILDREN = [  # reference, date of birth, caseworker: on 3 March 2025 the cohort is September 2025's
    ("EHC-01", date(2014, 1, 10), "jsmith"),  # Year 7: the plan was due by 14 February, overdue
    ("EHC-02", date(2009, 3, 5), "jsmith"),  # Year 12: post-16, due by 30 March
    ("EHC-03", date(2012, 5, 5), "jsmith"),  # Year 9: no move this year
    ("EHC-04", date(2013, 11, 11), "alead"),  # Year 7, the team lead's
    ("EHC-05", date(2020, 12, 1), "jsmith"),  # starts Reception
]


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)


@pytest.fixture
def cases(desktop: DesktopContext) -> dict[str, int]:
    with desktop.ctx.db.session() as s:
        write_cases(s, [CaseRecord(reference=ref, forename="Child", surname=ref[-2:], date_of_birth=born,
                                   caseworker=who, final_issued=ISSUED) for ref, born, who in CHILDREN],
                    actor_id=None, today=GUI_TODAY)
        s.add(School(name="Wye Valley Academy", kind="academy"))
        return {ref: cid for cid, ref in s.execute(select(Case.id, Case.reference))}


def shown(qtbot: QtBot, desktop: DesktopContext) -> PhaseTransfersPanel:
    panel = PhaseTransfersPanel(desktop)
    qtbot.addWidget(panel)
    panel.resize(1280, 600)
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.show()  # loads when first shown
    return panel


def table(panel: PhaseTransfersPanel) -> dict[str, dict[str, str]]:
    """Each row as the table shows it: reference -> column title -> text."""
    model = panel.model
    titles = [c.title for c in model.columns]
    rows = {}
    for i in range(model.rowCount()):
        cells = {t: model.data(model.index(i, c)) for c, t in enumerate(titles)}
        rows[cells["Reference"]] = cells
    return rows


def choose(panel: PhaseTransfersPanel, reference: str) -> None:
    row = next(i for i, r in enumerate(panel.rows()) if r.reference == reference)
    panel.table.setFocus()
    panel.table.selectRow(row)


def open_step(qtbot: QtBot, panel: PhaseTransfersPanel, step: str) -> PlanStepDialog:
    """Press the step's button on the chosen row: the case is read, then its form opens."""
    button = panel.buttons[step]
    assert button.isEnabled(), button.text()
    with qtbot.waitSignal(panel.form_opened, timeout=WAIT) as opened:
        button.click()
    dialog = opened.args[0]
    assert isinstance(dialog, PlanStepDialog) and dialog.isVisible()
    return dialog


def save(qtbot: QtBot, panel: PhaseTransfersPanel, dialog: PlanStepDialog) -> None:
    assert dialog.ok.isEnabled(), dialog.problem_text() or dialog.consequence.text()
    with qtbot.waitSignals([dialog.accepted, panel.loaded], timeout=WAIT):  # closed (and deleted), reloaded
        dialog.ok.click()


def test_the_page_lists_the_cohort_most_at_risk_first(qtbot: QtBot, desktop: DesktopContext,
                                                      cases: dict[str, int]) -> None:
    panel = shown(qtbot, desktop)
    assert panel.year.currentText() == "September 2025"  # the cohort being worked on 3 March 2025
    assert [r.reference for r in panel.rows()] == ["EHC-01", "EHC-05", "EHC-02"]  # jsmith's, overdue first
    rows = table(panel)
    assert rows["EHC-01"]["Days left"] == "17 days overdue" and rows["EHC-01"]["Moves into"] == "Year 7"
    assert rows["EHC-02"]["Days left"] == "27 days" and rows["EHC-02"]["Moves into"] == "Year 12 (post-16)"
    assert rows["EHC-02"]["Plan due"] == "30 Mar 2025" and rows["EHC-05"]["Moves into"] == "Reception"
    assert {r["State"] for r in rows.values()} == {"Not started"}
    assert {r["From"] for r in rows.values()} == {"From date of birth"}
    assert panel.count.text() == "Your cases: 3 children move in September 2025: 0 done, 0 consulted, 2 overdue"
    assert panel.table.isColumnHidden(panel.caseworker_column)  # the caseworker: all one's own
    assert panel.table.isColumnHidden(panel.column_of("Moves on"))  # all on 1 September: the count line says so

    desktop.set_viewing(None)  # the toolbar's "Show work for": whole team
    assert [r.reference for r in panel.rows()] == ["EHC-01", "EHC-04", "EHC-05", "EHC-02"]
    assert panel.count.text().startswith("Whole team: 4 children move")
    assert not panel.table.isColumnHidden(panel.caseworker_column)

    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.year.setCurrentIndex(panel.year.findData(2026))
        panel.year.activated.emit(panel.year.currentIndex())
    assert panel.rows() == [] and panel.count.text() == "Whole team: No children with plans move in September 2026"


def test_the_filters_choose_by_state_kind_and_overdue(qtbot: QtBot, desktop: DesktopContext,
                                                      cases: dict[str, int]) -> None:
    panel = shown(qtbot, desktop)
    panel.kind.setCurrentIndex(panel.kind.findData("post16"))
    assert [r.reference for r in panel.rows()] == ["EHC-02"]
    assert panel.count.text().endswith("(showing 1)")
    panel.kind.setCurrentIndex(0)
    panel.overdue_only.setChecked(True)
    assert [r.reference for r in panel.rows()] == ["EHC-01", "EHC-05"]  # the school moves, due 14 February
    panel.kind.setCurrentIndex(panel.kind.findData("post16"))
    assert panel.rows() == []
    panel.kind.setCurrentIndex(0)
    panel.overdue_only.setChecked(False)
    panel.state.setCurrentIndex(panel.state.findData("done"))
    assert panel.rows() == []
    panel.state.setCurrentIndex(panel.state.findData("not_started"))
    assert len(panel.rows()) == 3


def test_a_move_between_colleges_shows_its_own_day(qtbot: QtBot, desktop: DesktopContext,
                                                   cases: dict[str, int]) -> None:
    with desktop.ctx.db.session() as s:  # left school in 2023; changes college in April
        write_cases(s, [CaseRecord(reference="EHC-06", forename="Child", surname="06", date_of_birth=date(2006, 10, 10),
                                   caseworker="jsmith", final_issued=ISSUED)], actor_id=None, today=GUI_TODAY)
        college = s.scalar(select(Case.id).where(Case.reference == "EHC-06"))
    assert college is not None
    plan_transfers.record_transfer(desktop.ctx, desktop.actor, college, "post16_move", date(2025, 4, 7))
    panel = shown(qtbot, desktop)
    assert panel.rows()[0].reference == "EHC-06"  # the most overdue
    row = table(panel)["EHC-06"]
    assert (row["Moves into"], row["Moves on"], row["Plan due"], row["Days left"], row["From"]) == (
        "Between post-16 institutions", "7 Apr 2025", "7 Nov 2024", "116 days overdue", "Recorded")
    assert not panel.table.isColumnHidden(panel.column_of("Moves on"))
    assert panel.count.text() == "Your cases: 4 children move by September 2025: 0 done, 0 consulted, 3 overdue"


def test_enter_opens_the_childs_case(qtbot: QtBot, desktop: DesktopContext, cases: dict[str, int]) -> None:
    panel = shown(qtbot, desktop)
    choose(panel, "EHC-02")
    with qtbot.waitSignal(panel.open_case, timeout=WAIT) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert opened.args == [cases["EHC-02"]]


def test_a_move_is_recorded_step_by_step_from_the_page(qtbot: QtBot, desktop: DesktopContext,
                                                       cases: dict[str, int]) -> None:
    panel = shown(qtbot, desktop)
    choose(panel, "EHC-05")
    assert panel.record.isEnabled() and not panel.consult.isEnabled() and not panel.done.isEnabled()
    assert panel.chosen.text().endswith("Record the transfer first.")

    form = open_step(qtbot, panel, steps.RECORD_TRANSFER)  # the case record's own form
    assert isinstance(form, RecordTransferDialog)
    assert (form.kind.currentData(), form.moves.value()) == ("school", date(2025, 9, 1))  # as the page worked out
    assert "due by Fri 14 February 2025" in form.consequence.text()
    save(qtbot, panel, form)
    row = table(panel)["EHC-05"]
    assert (row["State"], row["From"]) == ("Transfer recorded", "Recorded")
    still = panel.current_row()
    assert still is not None and still.reference == "EHC-05"  # still chosen after the reload
    assert panel.consult.isEnabled() and not panel.reply.isEnabled()

    consult = open_step(qtbot, panel, steps.TRANSFER_CONSULTATION)
    assert isinstance(consult, TransferConsultationDialog)
    qtbot.waitUntil(lambda: consult.setting.loaded, timeout=WAIT)
    consult.setting.setCurrentIndex(consult.setting.findText("Wye Valley Academy"))
    type_date(qtbot, consult.sent, "10", "02")
    save(qtbot, panel, consult)
    row = table(panel)["EHC-05"]
    assert (row["State"], row["Next setting"]) == ("Next setting consulted", "Wye Valley Academy")
    assert panel.count.text().endswith("0 done, 1 consulted, 2 overdue")

    reply = open_step(qtbot, panel, steps.TRANSFER_REPLY)
    assert isinstance(reply, TransferReplyDialog) and "Wye Valley Academy was consulted on" in reply.intro.text()
    assert not reply.ok.isEnabled()  # no reply chosen yet
    reply.reply.setCurrentIndex(reply.reply.findData("agrees"))
    type_date(qtbot, reply.replied, "20", "02")
    save(qtbot, panel, reply)
    assert table(panel)["EHC-05"]["State"] == "Setting replied (yes)"

    done = open_step(qtbot, panel, steps.TRANSFER_DONE)
    assert isinstance(done, TransferDoneDialog)
    qtbot.waitUntil(lambda: done.setting.loaded, timeout=WAIT)
    assert done.setting.currentText() == "Wye Valley Academy" and done.kind.currentData() == "academy"
    type_date(qtbot, done.done_on, "05", "01")  # before the consultation: the service refuses it
    done.ok.click()
    qtbot.waitUntil(lambda: "consulted on 10 Feb 2025" in done.problem_text(), timeout=WAIT)
    assert done.isVisible()
    type_date(qtbot, done.done_on, "28", "02")
    save(qtbot, panel, done)
    row = table(panel)["EHC-05"]
    assert (row["State"], row["Days left"], row["Named now"]) == ("Done", "Done late", "Wye Valley Academy")
    assert [r.reference for r in panel.rows()][-1] == "EHC-05"  # done: least at risk
    assert not panel.record.isEnabled() and not panel.done.isEnabled()


def test_a_child_taught_a_year_behind_leaves_this_years_cohort(qtbot: QtBot, desktop: DesktopContext,
                                                              cases: dict[str, int]) -> None:
    panel = shown(qtbot, desktop)
    choose(panel, "EHC-01")
    form = open_step(qtbot, panel, steps.YEAR_GROUP)
    assert isinstance(form, YearGroupDialog)
    form.offset.setCurrentIndex(form.offset.findData(1))  # a year behind
    save(qtbot, panel, form)
    assert [r.reference for r in panel.rows()] == ["EHC-05", "EHC-02"]
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.year.setCurrentIndex(panel.year.findData(2026))
        panel.year.activated.emit(panel.year.currentIndex())
    assert [(r.reference, r.year_group_offset) for r in panel.rows()] == [("EHC-01", 1)]


def test_someone_who_only_reads_cannot_record(qtbot: QtBot, desktop: DesktopContext, cases: dict[str, int]) -> None:
    from tests.gui.conftest import add_staff

    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    desktop.set_viewing(None)
    panel = shown(qtbot, desktop)
    choose(panel, "EHC-05")
    assert not any(b.isEnabled() for b in panel.buttons.values())
    panel.open_step(steps.RECORD_TRANSFER)
    assert panel.dialog is None and not desktop.runner.busy


def test_each_key_reaches_one_thing_on_the_page(qtbot: QtBot, desktop: DesktopContext,
                                                cases: dict[str, int]) -> None:
    panel = shown(qtbot, desktop)
    assert shared_mnemonics(panel) == {}


def test_the_main_window_has_the_page_for_a_caseworker(qtbot: QtBot, desktop: DesktopContext, cases: dict[str, int],
                                                       tmp_path: Path) -> None:
    window, failed = open_window(qtbot, desktop, tmp_path / "settings")
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["My day", "Cases", "Letters to send", "Phase transfers"]  # no Team tab for a caseworker
    page = window.phase_transfers
    assert not page.has_loaded  # not while the window opens on My day
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.show_action.trigger()  # type: ignore[attr-defined]
    assert window.tabs.currentWidget() is page and len(page.rows()) == 3
    choose(page, "EHC-01")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    panel = window.current_case()
    assert panel is not None and panel.case_id == cases["EHC-01"]
    wait_idle(qtbot, desktop)
    assert failed.errors == []
