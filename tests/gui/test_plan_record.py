"""The case record of a plan in place: its Plan tab (the next review, amendments, the phase transfer,
ceasing, the plan's timeline) and every plan step recorded through its form from the window, with dates
typed key by key; a refusal shown beside its field; only the steps that make sense offered, and none to a
role that cannot write.

Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/plan-record.png.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.services import plan_cease, plan_transfers, plans
from caseworker.store.models import Case, School
from caseworker.store.plan_reads import plan_of_case
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.plan_detail import PLAN_STEPS
from tests.gui.builders import WAIT, current_panel, open_window, table_texts, wait_idle
from tests.gui.conftest import GUI_TODAY, add_staff
from ui.context import DesktopContext
from ui.dialogs.fields import DateEdit
from ui.dialogs.plan_form import PlanStepDialog
from ui.main_window import MainWindow
from ui.panels.case_record import CaseRecordPanel
from ui.step_menu import PLAN_STEPS as MENU_PLAN_STEPS

ISSUED = date(2024, 5, 20)  # today is Mon 3 Mar 2025 (GUI_TODAY)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def add_plan(desktop: DesktopContext, reference: str = "EHC-2024-0101", born: date = date(2015, 3, 2),
             issued: date = ISSUED) -> int:
    """A plan in place, as the tracker import writes one."""
    with desktop.ctx.db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename="Amelia", surname="Jones", date_of_birth=born,
                                   final_issued=issued)], actor_id=None, today=GUI_TODAY)
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
    assert case_id is not None
    return case_id


def add_school(desktop: DesktopContext, name: str, kind: str | None = "maintained") -> int:
    with desktop.ctx.db.session() as s:
        school = School(name=name, kind=kind, postcode="HR4 9AB")
        s.add(school)
        s.flush()
        return school.id


def open_plan(qtbot: QtBot, window: MainWindow, case_id: int) -> CaseRecordPanel:
    window.open_case(case_id)
    panel = current_panel(window)
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=WAIT)
    wait_idle(qtbot, window.desktop)
    return panel


def enabled(window: MainWindow) -> set[str]:
    return {name for name, action in window.step_actions.items() if action.isEnabled() and name in PLAN_STEPS}


def shown_buttons(panel: CaseRecordPanel) -> set[str]:
    return {name for name, button in panel.plan_tab.buttons.items() if not button.isHidden()}


def from_menu(qtbot: QtBot, window: MainWindow, step: str) -> PlanStepDialog:
    window.step_actions[step].trigger()
    dialog = current_panel(window).dialog
    assert isinstance(dialog, PlanStepDialog) and dialog.step == step
    qtbot.waitExposed(dialog)
    return dialog


def from_button(qtbot: QtBot, panel: CaseRecordPanel, step: str) -> PlanStepDialog:
    panel.tabs.setCurrentWidget(panel.plan_tab)
    qtbot.mouseClick(panel.plan_tab.buttons[step], Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, PlanStepDialog) and dialog.step == step
    qtbot.waitExposed(dialog)
    return dialog


def type_full_date(qtbot: QtBot, edit: DateEdit, typed: str) -> None:
    """Select what the date box holds and type over it, key by key."""
    edit.setFocus()
    qtbot.keyClick(edit.box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit.box, typed)


def save(qtbot: QtBot, panel: CaseRecordPanel, dialog: QDialog) -> None:
    assert dialog.ok.isEnabled(), dialog.problem_text() or dialog.consequence.text()  # type: ignore[attr-defined]
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()  # type: ignore[attr-defined]
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def row_problem(dialog: PlanStepDialog, widget: object) -> str:
    [row] = [r for r in dialog.rows if r.widget is widget]
    return row.problem.reasons()


def part(panel: CaseRecordPanel, name: str) -> str:
    return panel.plan_tab.parts[name].words.text()


@pytest.fixture
def window(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> MainWindow:
    window, failed = open_window(qtbot, desktop, tmp_path)
    yield window
    assert failed.errors == []


# --- what the record shows -------------------------------------------------------------------------------


def test_a_plan_in_place_shows_its_next_review_due(qtbot: QtBot, desktop: DesktopContext,
                                                   window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop))
    assert panel.tabs.currentWidget() is panel.plan_tab and panel.tabs.tabText(0) == "&Plan"
    assert not panel.tabs.isTabVisible(panel.tabs.indexOf(panel.deadlines_page))
    # 12 months starting with the issue on Mon 20 May 2024 end on Mon 19 May 2025: 77 days from today.
    assert part(panel, "review") == ("Pending: 77 days left: due by Mon 19 May 2025 (12 months starting with "
                                     "20 May 2024, when the plan was issued).")
    assert part(panel, "amendment") == "No amendments proposed."
    assert part(panel, "cease") == "Not proposed."
    # Born 2 Mar 2015: Reception in September 2019, Year 7 in September 2026.
    assert part(panel, "transfer").startswith("No phase transfer recorded. From the date of birth: Year 7 in "
                                              "September 2026, the plan naming the next setting due by 14 Feb 2026")
    assert panel.plan_tab.facts.text().startswith("Plan issued Mon 20 May 2024. Named in section I: no setting "
                                                  "named yet. In their usual year group.")
    assert table_texts(panel.plan_tab.table) == [
        ["Plan issued", "", "", "20 May 2024", "Issued", "No setting named yet"],
        ["Next annual review", "19 May 2025", "", "Not yet", "Pending: 77 days left",
         "12 months starting with 20 May 2024"]]
    assert panel.plan_tab.table.isColumnHidden(2)  # no work-by day differs from its due day
    assert panel.plan_tab.parts["under_fives"].words.isHidden()  # a child of 9
    assert enabled(window) == shown_buttons(panel) == {"review_meeting", "amendment_notice", "record_transfer",
                                                       "propose_cease", "cease_plan", "year_group"}


def test_an_overdue_review_is_counted_on_the_tab(qtbot: QtBot, desktop: DesktopContext, window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop, issued=date(2023, 11, 6)))
    assert part(panel, "review").startswith("Overdue by 118 days: due by Tue 5 November 2024")
    assert panel.tabs.tabText(0) == "&Plan (1 overdue)"
    icon = panel.plan_tab.table.model().index(1, 4).data(Qt.ItemDataRole.DecorationRole)
    assert table_texts(panel.plan_tab.table)[1][4] == "Overdue by 118 days" and icon is not None


def test_a_review_due_at_a_weekend_shows_its_work_by_day(qtbot: QtBot, desktop: DesktopContext,
                                                          window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop, issued=date(2024, 5, 19)))
    # 12 months starting with Sun 19 May 2024 end on Sun 18 May 2025: work by the Friday before.
    assert part(panel, "review").startswith("Pending: 76 days left: due by Sun 18 May 2025, work by Fri 16 May 2025")
    assert table_texts(panel.plan_tab.table)[-1][:3] == ["Next annual review", "18 May 2025", "16 May 2025"]
    assert not panel.plan_tab.table.isColumnHidden(2)


def test_an_under_five_has_a_suggested_review_marked_as_guidance(qtbot: QtBot, desktop: DesktopContext,
                                                                   window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop, born=date(2021, 6, 2)))
    assert part(panel, "under_fives") == ("A child under 5: a review was suggested by 20 Nov 2024 (Code of Practice "
                                          "9.178; guidance, not a legal deadline).")
    early = next(r for r in table_texts(panel.plan_tab.table) if r[0] == "Early review (under 5)")
    assert early[1:5] == ["20 Nov 2024", "", "Not yet", "Suggested (guidance, not a legal deadline)"]
    assert panel.tabs.tabText(0) == "&Plan"  # guidance is never counted as overdue


# --- the annual review -----------------------------------------------------------------------------------


def test_a_meeting_then_a_decision_moves_the_next_review(qtbot: QtBot, desktop: DesktopContext,
                                                         window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop))
    assert "review_decision" not in enabled(window) and "review_decision" not in shown_buttons(panel)
    window.step_actions["review_decision"].trigger()
    assert panel.dialog is None  # no decision before a meeting

    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    meeting = panel.dialog
    assert isinstance(meeting, PlanStepDialog) and meeting.step == "review_meeting" and meeting.isVisible()
    type_full_date(qtbot, meeting.meeting, "10/02/2025")  # type: ignore[attr-defined]
    assert meeting.consequence.text().startswith("The invitations and advice go out by 27 Jan 2025 (2 weeks before "
                                                 "the meeting), the report by 24 Feb 2025, and the decision is "
                                                 "notified by 10 Mar 2025.")
    meeting.invitations.given.click()  # type: ignore[attr-defined]
    type_full_date(qtbot, meeting.invitations.edit, "12/02/2025")  # type: ignore[attr-defined]
    assert row_problem(meeting, meeting.invitations) == \
        "The invitations go out before the meeting (10 Feb 2025)."  # type: ignore[attr-defined]
    assert not meeting.ok.isEnabled()
    type_full_date(qtbot, meeting.invitations.edit, "31/01/2025")  # type: ignore[attr-defined]
    assert meeting.consequence.text().endswith("The invitations went out on 31 Jan 2025: 4 days late.")
    save(qtbot, panel, meeting)
    assert "The review meeting was held 10 Feb 2025; its decision is not notified yet (due by 10 Mar 2025)." in \
        part(panel, "review")
    assert [r[:5] for r in table_texts(panel.plan_tab.table)] == [
        ["Plan issued", "", "", "20 May 2024", "Issued"],
        ["Review invitations", "27 Jan 2025", "", "31 Jan 2025", "Done late by 4 days"],
        ["Review report", "24 Feb 2025", "", "Not yet", "Overdue by 7 days"],
        ["Review decision", "10 Mar 2025", "", "Not yet", "Due soon: 7 days left"],
        ["Next annual review", "19 May 2025", "", "Not yet", "Pending: 77 days left"]]
    assert {"review_meeting", "review_decision"} <= enabled(window)

    decision = from_button(qtbot, panel, "review_decision")
    assert not decision.ok.isEnabled() and decision.consequence.text() == "Choose what the review decided."
    decision.choice.options["maintain"].click()  # type: ignore[attr-defined]
    type_full_date(qtbot, decision.notified, "07/02/2025")  # type: ignore[attr-defined]
    assert row_problem(decision, decision.notified) == \
        "7 Feb 2025 is before the review meeting on 10 Feb 2025."  # type: ignore[attr-defined]
    assert not decision.ok.isEnabled()
    type_full_date(qtbot, decision.notified, "24/02/2025")  # type: ignore[attr-defined]
    assert row_problem(decision, decision.notified) == ""  # type: ignore[attr-defined]
    assert decision.consequence.text() == ("The next annual review will be due by Mon 23 February 2026 (12 months "
                                           "starting with 24 Feb 2025).")
    save(qtbot, panel, decision)

    assert part(panel, "review").startswith("Pending: 357 days left: due by Mon 23 February 2026 (12 months "
                                            "starting with 24 Feb 2025, when the last review decision was notified)")
    held = table_texts(panel.plan_tab.table)[1]
    assert held == ["Annual review", "19 May 2025", "", "24 Feb 2025", "Done on time",
                    "Meeting 10 Feb 2025; decided to maintain the plan, notified 24 Feb 2025"]
    assert "review_decision" not in enabled(window)


# --- amendments ------------------------------------------------------------------------------------------


def test_an_amendment_notice_shows_comments_until_and_final_due(qtbot: QtBot, desktop: DesktopContext,
                                                                window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop))
    notice = from_button(qtbot, panel, "amendment_notice")
    type_full_date(qtbot, notice.sent, "10/02/2025")  # type: ignore[attr-defined]
    # 15 days beginning with Mon 10 Feb end on Mon 24 Feb; 8 weeks from the notice end on Mon 7 Apr.
    assert notice.consequence.text() == ("The family may comment until Mon 24 February 2025. The final amended "
                                         "plan, or a decision not to amend, is due by Mon 7 April 2025: 8 weeks "
                                         "from the notice.")
    save(qtbot, panel, notice)
    assert part(panel, "amendment") == ("Proposed amendments sent 10 Feb 2025. The family may comment until "
                                        "24 Feb 2025; the final amended plan is due by 7 Apr 2025 (pending: 35 "
                                        "days left).")
    assert "amended_plan" in shown_buttons(panel) and "amendment_notice" not in shown_buttons(panel)

    final = from_menu(qtbot, window, "amended_plan")
    final.choice.options["issued"].click()  # type: ignore[attr-defined]
    assert final.consequence.text() == ("The final amended plan issued on 3 Mar 2025: within the 8 weeks (due by "
                                        "7 Apr 2025).")
    save(qtbot, panel, final)
    assert part(panel, "amendment") == ("Proposed amendments sent 10 Feb 2025: final amended plan issued 3 Mar "
                                        "2025, done on time.")


def test_a_final_plan_inside_the_familys_15_days_is_refused_beside_the_date(qtbot: QtBot, desktop: DesktopContext,
                                                                            window: MainWindow) -> None:
    case_id = add_plan(desktop)
    plans.record_amendment_notice(desktop.ctx, desktop.actor, case_id, date(2025, 2, 24))
    panel = open_plan(qtbot, window, case_id)
    final = from_button(qtbot, panel, "amended_plan")
    final.choice.options["issued"].click()  # type: ignore[attr-defined]
    final.ok.click()
    qtbot.waitUntil(lambda: bool(row_problem(final, final.date)), timeout=WAIT)  # type: ignore[attr-defined]
    assert row_problem(final, final.date) == ("The family have 15 days from 24 Feb 2025 to comment: the final "  # type: ignore[attr-defined]
                                              "amended plan can be issued from 11 Mar 2025.")
    assert final.isVisible() and not final.ok.isEnabled()
    assert panel.detail is not None and panel.detail.plan is not None
    assert panel.detail.plan.amendments[-1].final_issued is None  # nothing saved


# --- ceasing ---------------------------------------------------------------------------------------------


def test_a_cease_inside_the_appeal_window_is_refused_with_its_date(qtbot: QtBot, desktop: DesktopContext,
                                                                   window: MainWindow) -> None:
    case_id = add_plan(desktop)
    plan_cease.propose_cease(desktop.ctx, desktop.actor, case_id, date(2025, 1, 6))
    plan_cease.decide_cease(desktop.ctx, desktop.actor, case_id, date(2025, 1, 20))
    panel = open_plan(qtbot, window, case_id)
    assert part(panel, "cease") == ("Proposed 6 Jan 2025; decision to cease notified 20 Jan 2025. The family may "
                                    "appeal until 20 Mar 2025: the plan is kept until then.")
    assert {"cease_appeal", "withdraw_cease", "cease_plan"} <= enabled(window)
    assert not {"propose_cease", "decide_cease"} & enabled(window)

    cease = from_menu(qtbot, window, "cease_plan")
    assert "the plan can cease from Fri 21 March 2025" in cease.intro.text()
    cease.reason.setCurrentIndex(cease.reason.findData(2))  # type: ignore[attr-defined]
    type_full_date(qtbot, cease.ceased, "03/03/2025")  # type: ignore[attr-defined]
    assert cease.ok.isEnabled()
    cease.ok.click()
    qtbot.waitUntil(lambda: bool(row_problem(cease, cease.ceased)), timeout=WAIT)  # type: ignore[attr-defined]
    assert row_problem(cease, cease.ceased) == ("The family can appeal until 20 Mar 2025: the plan is kept until "  # type: ignore[attr-defined]
                                                "then and can cease from 21 Mar 2025.")
    assert cease.isVisible() and not cease.ok.isEnabled()
    cease.reject()
    wait_idle(qtbot, desktop)
    assert panel.detail is not None and panel.detail.plan is not None and not panel.detail.plan.ceased


def test_a_plan_ceased_with_its_reason_offers_no_more_steps(qtbot: QtBot, desktop: DesktopContext,
                                                            window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop))
    cease = from_button(qtbot, panel, "cease_plan")
    assert "No decision to cease is on record" in cease.intro.text()
    cease.reason.setCurrentIndex(cease.reason.findData(5))  # type: ignore[attr-defined]
    assert cease.reason.currentText() == "5: Transferred to another local authority"  # type: ignore[attr-defined]
    type_full_date(qtbot, cease.ceased, "28/02/2025")  # type: ignore[attr-defined]
    save(qtbot, panel, cease)
    assert part(panel, "cease") == "Ceased 28 Feb 2025. SEN2 reason 5: Transferred to another local authority."
    assert panel.plan_tab.parts["review"].words.isHidden()
    assert enabled(window) == shown_buttons(panel) == set()


# --- the phase transfer ----------------------------------------------------------------------------------


def test_a_caseworker_records_a_transfer_and_its_done_date(qtbot: QtBot, desktop: DesktopContext,
                                                           window: MainWindow) -> None:
    castle = add_school(desktop, "Castle Secondary School")
    # Born 2 Mar 2014: Year 7 in September 2025, the plan naming the school due before 15 February.
    panel = open_plan(qtbot, window, add_plan(desktop, born=date(2014, 3, 2)))
    move = from_menu(qtbot, window, "record_transfer")
    assert move.kind.currentData() == "school" and move.moves.value() == date(2025, 9, 1)  # type: ignore[attr-defined]
    assert move.consequence.text() == ("The plan, amended to name the next setting, is due by Fri 14 February 2025: "
                                       "already 17 days past. SEND Regulations 2014 reg 18(1): before 15 February of "
                                       "the year of the move.")
    save(qtbot, panel, move)
    assert part(panel, "transfer") == ("Between school phases, moving 1 Sep 2025: the plan naming the next setting "
                                       "is due by 14 Feb 2025 (overdue by 17 days). No setting consulted yet.")
    assert panel.tabs.tabText(0) == "&Plan (1 overdue)"

    consult = from_button(qtbot, panel, "transfer_consultation")
    qtbot.waitUntil(lambda: consult.setting.loaded, timeout=WAIT)  # type: ignore[attr-defined]
    assert not consult.ok.isEnabled()
    consult.setting.choose(castle)  # type: ignore[attr-defined]
    type_full_date(qtbot, consult.sent, "10/02/2025")  # type: ignore[attr-defined]
    assert consult.consequence.text() == "Castle Secondary School should reply by Tue 25 February 2025."
    save(qtbot, panel, consult)

    reply = from_button(qtbot, panel, "transfer_reply")
    reply.reply.setCurrentIndex(reply.reply.findData("agrees"))  # type: ignore[attr-defined]
    type_full_date(qtbot, reply.replied, "20/02/2025")  # type: ignore[attr-defined]
    save(qtbot, panel, reply)
    assert part(panel, "transfer").endswith("Castle Secondary School consulted 10 Feb 2025; agrees to be named "
                                            "(20 Feb 2025).")

    done = from_button(qtbot, panel, "transfer_done")
    qtbot.waitUntil(lambda: done.setting.loaded, timeout=WAIT)  # type: ignore[attr-defined]
    assert done.setting.chosen().id == castle and done.kind.currentData() == "maintained"  # type: ignore[attr-defined]
    type_full_date(qtbot, done.done_on, "28/02/2025")  # type: ignore[attr-defined]
    assert done.consequence.text() == ("The plan names Castle Secondary School in section I from 28 Feb 2025. "
                                       "14 days late: it was due by 14 Feb 2025.")
    save(qtbot, panel, done)
    assert part(panel, "transfer") == ("Between school phases, moving 1 Sep 2025: the plan naming the next setting "
                                       "was issued 28 Feb 2025, done late by 14 days.")
    assert "Named in section I: Castle Secondary School (Maintained school)." in panel.plan_tab.facts.text()
    assert panel.detail is not None and panel.detail.named_setting is not None
    assert panel.detail.named_setting.name == "Castle Secondary School"
    assert not {"transfer_consultation", "transfer_reply", "transfer_done"} & enabled(window)


def test_a_child_out_of_year_group_moves_with_it(qtbot: QtBot, desktop: DesktopContext, window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop))
    year = from_button(qtbot, panel, "year_group")
    assert not year.ok.isEnabled()  # unchanged
    year.offset.setCurrentIndex(year.offset.findData(1))  # type: ignore[attr-defined]
    assert year.consequence.text() == ("The next phase transfer: Year 7 in September 2027; the plan naming the next "
                                       "setting is due by Sun 14 February 2027.")
    save(qtbot, panel, year)
    assert "A year behind their year group." in panel.plan_tab.facts.text()
    assert "Year 7 in September 2027" in part(panel, "transfer")


def test_a_change_made_meanwhile_is_not_overwritten(qtbot: QtBot, desktop: DesktopContext,
                                                    window: MainWindow) -> None:
    case_id = add_plan(desktop)
    panel = open_plan(qtbot, window, case_id)
    notice = from_button(qtbot, panel, "amendment_notice")
    type_full_date(qtbot, notice.sent, "10/02/2025")  # type: ignore[attr-defined]
    plan_cease.propose_cease(desktop.ctx, desktop.actor, case_id, date(2025, 2, 3))  # a colleague, meanwhile
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):  # the record behind reloads with their change
        notice.ok.click()
    assert notice.isVisible() and "Someone else changed this case" in notice.general.reasons()
    assert not notice.ok.isEnabled()
    assert panel.detail is not None and panel.detail.plan is not None and panel.detail.plan.amendments == ()
    assert part(panel, "cease").startswith("Proposed 3 Feb 2025")


# --- who may record --------------------------------------------------------------------------------------


def test_a_read_only_role_sees_no_plan_forms(qtbot: QtBot, desktop: DesktopContext, window: MainWindow) -> None:
    panel = open_plan(qtbot, window, add_plan(desktop))
    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    assert enabled(window) == set()
    meeting = panel.plan_tab.buttons["review_meeting"]
    assert not meeting.isEnabled() and "cannot change cases" in meeting.toolTip()
    assert panel.run_step("review_meeting") is None and panel.dialog is None


def test_each_plan_form_gives_each_key_one_field(qtbot: QtBot, desktop: DesktopContext,
                                                 window: MainWindow) -> None:
    from tests.gui.test_mnemonics import shared_mnemonics

    busy = add_plan(desktop, born=date(2014, 3, 2))
    ctx, jo = desktop.ctx, desktop.actor
    plans.record_review_meeting(ctx, jo, busy, date(2025, 2, 10))
    plans.record_amendment_notice(ctx, jo, busy, date(2025, 2, 17))
    plan_transfers.record_transfer(ctx, jo, busy, "school", date(2025, 9, 1))
    plan_transfers.record_transfer_consultation(ctx, jo, busy, add_school(desktop, "Castle"), date(2025, 2, 10))
    plan_cease.propose_cease(ctx, jo, busy, date(2025, 2, 3))
    decided = add_plan(desktop, reference="EHC-2024-0102")
    plan_cease.propose_cease(ctx, jo, decided, date(2025, 1, 6))
    plan_cease.decide_cease(ctx, jo, decided, date(2025, 1, 20))
    seen = set()
    for case_id in (busy, decided, add_plan(desktop, reference="EHC-2024-0103")):
        panel = open_plan(qtbot, window, case_id)
        for step in sorted(panel.available_steps() & set(PLAN_STEPS)):
            dialog = panel.run_step(step)
            assert dialog is not None
            assert shared_mnemonics(dialog) == {}, step
            dialog.reject()
            seen.add(step)
    assert seen == set(PLAN_STEPS)
    menu_keys = [text.split("&")[1][0].lower() for _name, text, _keys in MENU_PLAN_STEPS]
    assert len(menu_keys) == len(set(menu_keys))
    wait_idle(qtbot, desktop)


# --- the picture -----------------------------------------------------------------------------------------


def test_the_plan_record_at_1280x720(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    """A plan mid-life on a laptop screen: nothing squashed, and a picture to look at (in the test's folder)."""
    from tests.gui.sizes import squashed

    case_id = add_plan(desktop, born=date(2014, 3, 2), issued=date(2022, 6, 13))
    ctx, jo = desktop.ctx, desktop.actor
    plans.record_review_meeting(ctx, jo, case_id, date(2023, 5, 22))
    plans.record_review_decision(ctx, jo, case_id, "amend", date(2023, 6, 12), amendment_notice_sent=date(2023, 6, 12))
    plans.record_amended_plan(ctx, jo, case_id, issued_on=date(2023, 8, 21))
    plans.record_review_meeting(ctx, jo, case_id, date(2024, 5, 13), invitations_sent_on=date(2024, 4, 26))
    plans.record_review_decision(ctx, jo, case_id, "maintain", date(2024, 6, 21))
    plan_transfers.record_transfer(ctx, jo, case_id, "school", date(2025, 9, 1))
    plan_transfers.record_transfer_consultation(ctx, jo, case_id, add_school(desktop, "Castle Secondary School"),
                                                date(2025, 1, 27))
    window, failed = open_window(qtbot, desktop, tmp_path, size=(1280, 720))
    panel = open_plan(qtbot, window, case_id)
    QApplication.processEvents()
    assert window.grab().save(str(tmp_path / "plan-record.png"))
    assert squashed(panel, words=False) == []
    assert panel.tabs.currentWidget() is panel.plan_tab and failed.errors == []


def test_a_demo_plan_at_1280x720(qtbot: QtBot, tmp_path: Path) -> None:
    """The county demo's busiest plan (a move under way, amendments, reviews) as its team lead sees it on a laptop
    screen: every tab of the record with nothing squashed. CASEWORKER_SCREENSHOTS=1 saves the Plan tab to
    docs/screenshots/plan-record.png."""
    from caseworker.store.plan_reads import plan_facts
    from tests.gui.builders import county_demo
    from tests.gui.sizes import squashed

    ctx, lead = county_demo(tmp_path, GUI_TODAY)
    with ctx.db.sessions() as s:
        every = plan_facts(s)
    busiest = max(every, key=lambda p: (p.transfer is not None and p.transfer.done is None, len(p.amendments),
                                        len(p.reviews), p.reference))
    desktop = DesktopContext(ctx, lead, is_demo=True)
    try:
        window, failed = open_window(qtbot, desktop, tmp_path / "settings", size=(1280, 720))
        assert busiest.case_id is not None
        panel = open_plan(qtbot, window, busiest.case_id)
        assert panel.tabs.currentWidget() is panel.plan_tab
        out = SCREENSHOTS if os.environ.get("CASEWORKER_SCREENSHOTS") == "1" else tmp_path
        QApplication.processEvents()
        assert window.grab().save(str(out / "plan-record.png"))
        for index in range(panel.tabs.count()):
            if panel.tabs.isTabVisible(index):
                panel.tabs.setCurrentIndex(index)
                wait_idle(qtbot, desktop)
                QApplication.processEvents()
                assert squashed(panel, words=False) == [], panel.tabs.tabText(index)
        assert failed.errors == []
    finally:
        desktop.runner.wait()
        ctx.db.dispose()


def test_a_notified_plan_date_is_corrected_with_a_reason(qtbot: QtBot, desktop: DesktopContext,
                                                         window: MainWindow) -> None:
    case_id = add_plan(desktop)
    plans.record_review_meeting(desktop.ctx, desktop.actor, case_id, date(2025, 2, 10))
    plans.record_review_decision(desktop.ctx, desktop.actor, case_id, "maintain", date(2025, 2, 28))
    panel = open_plan(qtbot, window, case_id)
    assert "correct_plan_date" in enabled(window)
    dialog = from_menu(qtbot, window, "correct_plan_date")
    choice = dialog.choice  # type: ignore[attr-defined]
    texts = [choice.itemText(i) for i in range(choice.count())]
    assert texts == ["The review meeting: 10 Feb 2025", "The review decision (meeting 10 Feb 2025): 28 Feb 2025"]
    choice.setCurrentIndex(1)
    assert not dialog.ok.isEnabled() and "Type the corrected date" in dialog.consequence.text()
    new_date = dialog.new_date  # type: ignore[attr-defined]
    type_full_date(qtbot, new_date, "04/03/2025")
    assert "after today" in row_problem(dialog, new_date) and not dialog.ok.isEnabled()
    type_full_date(qtbot, new_date, "27/02/2025")
    assert not dialog.ok.isEnabled() and "Say why" in dialog.consequence.text()  # the reason is required
    dialog.reason.setText("the decision letter was posted on the 27th")  # type: ignore[attr-defined]
    assert "will read 27 Feb 2025 instead of 28 Feb 2025" in dialog.consequence.text()
    save(qtbot, panel, dialog)
    with desktop.ctx.db.sessions() as s:
        plan = plan_of_case(s, case_id)
    assert plan is not None and plan.reviews[-1].notified == date(2025, 2, 27)
