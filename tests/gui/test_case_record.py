"""The case record: header, deadlines and advice for a case built with the services, and every step run
from the panel through its form, from the request to the plan issued.

Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/case-record.png and step-dialog.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.services import advice, named_setting, steps
from caseworker.store.models import Case, Child, Contact, School
from caseworker.views.case_detail import load_case_detail
from tests.gui.conftest import GUI_TODAY
from ui.context import DesktopContext
from ui.dialogs.advice import AdviceReceivedDialog, RequestAdviceDialog
from ui.dialogs.base import StepDialog
from ui.dialogs.decisions import (
    DecisionToAssessDialog,
    DecisionToIssueDialog,
    DraftSentDialog,
    FinalPlanDialog,
    WithdrawDialog,
)
from ui.dialogs.excuses import ExceptionDialog
from ui.panels.case_record import CaseRecordPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# What a plan can do from the day it is issued (tests/gui/test_plan_record.py runs them).
PLAN_STEPS_AT_ISSUE = {"review_meeting", "amendment_notice", "record_transfer", "propose_cease", "cease_plan",
                       "year_group"}


# --- cases built with the services (shared with the dialog tests) ----------------------------------------


def new_case(desktop: DesktopContext, received: date = date(2024, 10, 14), **kw: object) -> int:
    base: dict[str, object] = dict(forename="Amelia", surname="Jones", date_of_birth=date(2016, 5, 4),
                                   received=received, caseworker="jsmith", upn="B801200005001",
                                   primary_need="ASD", contact_name="Sarah Jones",
                                   contact_address="12 Bath Street\nHereford", contact_postcode="HR1 2HQ",
                                   contact_email="sarah.jones@example.org")
    base.update(kw)
    # Tests tell several requests for one made-up child; a real second open request needs its reason too.
    base.setdefault("duplicate_reason", "another request in this test's story")
    return steps.register_request(desktop.ctx, desktop.actor, steps.NewRequest(**base))  # type: ignore[arg-type]


def mid_assessment_case(desktop: DesktopContext) -> int:
    """Week 14 on 3 Mar 2025: EP advice 14 days late, social care received late, an exception (c)."""
    ctx, jo = desktop.ctx, desktop.actor
    cid = new_case(desktop, date(2024, 11, 25))
    with ctx.db.session() as s:
        school = School(urn="116789", name="Hillside Primary School", postcode="HR2 7AB")
        s.add(school)
        s.flush()
        case = s.get(Case, cid)
        assert case is not None
        child = s.get(Child, case.child_id)
        assert child is not None
        child.school_id = school.id
        s.add(Contact(child_id=child.id, role="parent", name="David Jones", address="4 Mill Lane\nLeominster",
                      postcode="HR6 8AA", phone="01432 555 0192", main_correspondent=False))
    steps.record_decision_to_assess(ctx, jo, cid, True, date(2025, 1, 3))
    steps.request_advice(ctx, jo, cid, "ep", date(2025, 1, 6), service="County EP Service")
    health = steps.request_advice(ctx, jo, cid, "health", date(2025, 1, 6), service="Wye Valley NHS Trust")
    social = steps.request_advice(ctx, jo, cid, "social_care", date(2025, 1, 7), service="Children's Services")
    school_advice = steps.request_advice(ctx, jo, cid, "education", date(2025, 1, 6),
                                         service="Hillside Primary School")
    steps.record_advice_received(ctx, jo, health, date(2025, 2, 10))
    steps.record_advice_received(ctx, jo, social, date(2025, 2, 24))
    steps.record_advice_received(ctx, jo, school_advice, date(2025, 1, 31))
    steps.record_exception(ctx, jo, cid, "c", date(2025, 2, 3),
                           "Family bereavement; Mrs Jones asked us to pause contact until March")
    return cid


def plan_in_place(desktop: DesktopContext) -> int:
    with desktop.ctx.db.session() as s:
        child = Child(forename="Noah", surname="Price", date_of_birth=date(2012, 9, 1), primary_need="SLCN")
        s.add(child)
        s.flush()
        s.add(Contact(child_id=child.id, role="parent", name="Kim Price", main_correspondent=True))
        case = Case(reference="EHC-2019-0042", child_id=child.id, keyed_on=date(2019, 6, 1),
                    final_issued_on=date(2019, 5, 20))
        s.add(case)
        s.flush()
        return case.id


def open_panel(qtbot: QtBot, desktop: DesktopContext, case_id: int) -> CaseRecordPanel:
    panel = CaseRecordPanel(desktop, case_id)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.refresh()
    return panel


def submit(qtbot: QtBot, panel: CaseRecordPanel, dialog: StepDialog) -> None:
    """Press OK on a panel's form and wait for the saved step to come back as a reload."""
    assert dialog.ok.isEnabled(), dialog.problem_text() or dialog.consequence.text()
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        dialog.ok.click()
    assert not dialog.isVisible() and dialog.result() == StepDialog.DialogCode.Accepted


def submit_past_warning(qtbot: QtBot, panel: CaseRecordPanel, dialog: StepDialog) -> None:
    """Save a form that warns of required advice not on record: the first OK stops at the warning."""
    required = dialog.required  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: required.loaded, timeout=10000)
    assert required.isVisible() and required.unexplained()
    dialog.ok.click()
    assert dialog.isVisible() and dialog.ok.text() == "&Save without reasons"
    submit(qtbot, panel, dialog)


def table_texts(table: object) -> list[list[str]]:
    model = table.rows_model  # type: ignore[attr-defined]
    return [[c.text(r) for c in model.columns] for r in model.rows()]


# --- the record ------------------------------------------------------------------------------------------


def test_the_title_is_a_placeholder_until_the_case_loads(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop)
    panel = CaseRecordPanel(desktop, cid)
    qtbot.addWidget(panel)
    assert panel.case_id == cid and panel.title() == f"Case {cid}" and panel.available_steps() == set()
    with qtbot.waitSignal(panel.title_changed, timeout=10000) as blocker:
        panel.refresh()
    assert blocker.args == ["EHC-2024-0001 Amelia Jones"] and panel.title() == "EHC-2024-0001 Amelia Jones"


def test_the_record_shows_header_deadlines_and_advice(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, mid_assessment_case(desktop))
    header = panel.header
    assert header.name.text() == "Amelia Jones" and header.reference.text() == "EHC-2024-0001"
    assert header.week.text() == "Week 14 of 20"
    assert header.stage.text() == "Assessment: gathering advice (advice is late)"
    values = {k: v.text() for k, v in header.values.items()}
    assert values == {"Age": "8 years", "Date of birth": "Wed 4 May 2016", "UPN": "B801200005001",
                      "School": "Hillside Primary School", "Primary need": "ASD: Autistic spectrum disorder",
                      "Caseworker": "Jo Smith", "Request received": "Mon 25 November 2024",
                      "Final plan": "Due Mon 14 April 2025"}
    assert table_texts(panel.deadlines_table)[:2] == [
        ["Decision to assess", "6 Jan 2025", "6 Jan 2025", "3 Jan 2025", "Done on time",
         "SEND Regulations 2014 reg 5(1)"],
        ["Decision to issue", "17 Mar 2025", "17 Mar 2025", "Not yet", "Pending", "SEND Regulations 2014 reg 10(1)"]]
    # The draft's latest safe day is a Sunday: work by the Friday before.
    assert table_texts(panel.deadlines_table)[2][1:3] == ["23 Mar 2025", "21 Mar 2025"]
    advice = {row[0]: row for row in table_texts(panel.advice_table)}
    assert advice["EP (educational psychology)"] == ["EP (educational psychology)", "County EP Service", "6 Jan 2025",
                                                     "Email", "17 Feb 2025", "Not yet", "Late", "14 days"]
    assert advice["Social care"][6:] == ["Received late", "6 days"]
    assert advice["Health (medical)"][6:] == ["Received", ""]
    assert [panel.tabs.tabText(i) for i in range(1, 7)] == [  # the Plan tab (0) waits for the plan
        "&Deadlines", "&Advice (4, 1 late)", "&Setting", "C&ontacts (2)", "E&xceptions (1)", "&History (10)"]
    contacts = table_texts(panel.contacts_table)
    assert contacts[0][:3] == ["Main correspondent", "Parent", "Sarah Jones"] and contacts[1][0] == ""
    # Ground (c) began 3 Feb 2025, after the 6-week decision was due (6 Jan): it can excuse only the later two.
    assert table_texts(panel.exceptions_table)[0] == [
        "(c) Exceptional personal circumstances", "3 Feb 2025", "Still going on", "3 Feb 2025",
        "Decision to issue, Final plan", "Family bereavement; Mrs Jones asked us to pause contact until March"]
    history = table_texts(panel.history_table)
    assert history[0][2] == "Record exception c" and history[-1][2] == "Register request"  # newest first
    assert "Overdue: EP advice" in panel.timeline.accessibleDescription()
    assert panel.available_steps() == {"request_advice", "advice_received", "excuse_advice", "decision_to_issue",
                                       "exception", "withdraw", "correct_step", "undo_step"}
    shown = {name for name, button in panel.buttons.items() if not button.isHidden()}
    # Excusing is on the Advice tab, for a chosen row; correcting and undoing on the rows and the Case menu.
    assert shown == panel.available_steps() - {"excuse_advice", "correct_step", "undo_step"}


def test_a_plan_in_place_shows_the_header_its_plan_and_contacts(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, plan_in_place(desktop))
    assert panel.title() == "EHC-2019-0042 Noah Price"
    assert panel.no_assessment.isHidden() and panel.timeline.isHidden()  # the Plan tab is the record
    # Plan issued 20 May 2019 and never reviewed: its 12 months ended the day before the anniversary.
    assert panel.header.week.text() == "Plan in place since 20 May 2019; annual review overdue since 19 May 2020"
    assert panel.header.values["Final plan"].text() == "Issued Mon 20 May 2019"
    assert [panel.tabs.isTabVisible(i) for i in range(7)] == [True, False, False, True, True, False, True]
    assert panel.tabs.currentWidget() is panel.plan_tab
    assert table_texts(panel.contacts_table)[0][2] == "Kim Price"
    # Only the plan's own steps (tests/gui/test_plan_record.py): none of the request's.
    assert panel.available_steps() == PLAN_STEPS_AT_ISSUE and panel.run_step("final_plan") is None


def test_the_record_reloads_when_its_case_or_every_case_changes(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop)
    other = new_case(desktop, forename="Ben")
    panel = open_panel(qtbot, desktop, cid)
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2024, 11, 18))
    with qtbot.assertNotEmitted(panel.loaded, wait=200):
        desktop.data_changed.emit(other)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        desktop.data_changed.emit(0)
    assert panel.detail is not None and panel.detail.stage == "assessment"


def test_allocation_history_and_who_letters_go_to_after_school_age(qtbot: QtBot, desktop: DesktopContext) -> None:
    from tests.gui.conftest import add_staff

    cid = new_case(desktop, date_of_birth=date(2008, 5, 4))  # compulsory school age ended 28 June 2024
    lead = add_staff(desktop.ctx, "tlead", "Terry Lead", "team_lead")
    add_staff(desktop.ctx, "pnew", "Pat New", "caseworker")
    steps.reallocate(desktop.ctx, lead, cid, "pnew", "Jo Smith is on long-term leave")
    with desktop.ctx.db.session() as s:
        child_id = s.get(Case, cid).child_id  # type: ignore[union-attr]
        s.add(Contact(child_id=child_id, role="young_person", name="Amelia Jones", address="4 Castle Street\nHereford",
                      postcode="HR1 2NW"))
    panel = open_panel(qtbot, desktop, cid)
    spells = table_texts(panel.allocations_table)
    assert [row[0] for row in spells] == ["Pat New", "Jo Smith"]
    assert spells[0][2:] == ["now", "Jo Smith is on long-term leave", "Terry Lead"]
    contacts = table_texts(panel.contacts_table)
    assert contacts[0][:3] == ["Main correspondent", "Young person", "Amelia Jones"]  # 18 now: she is written to
    assert contacts[1][0] == ""  # her mother was marked when the request came in, years ago


def test_a_read_only_user_sees_the_steps_but_cannot_run_them(qtbot: QtBot, desktop: DesktopContext) -> None:
    from tests.gui.conftest import add_staff

    cid = new_case(desktop)
    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    panel = open_panel(qtbot, desktop, cid)
    button = panel.buttons["decision_to_assess"]
    assert not button.isHidden() and not button.isEnabled() and "read only" in button.toolTip()
    assert panel.run_step("decision_to_assess") is None


# --- every step from the panel ---------------------------------------------------------------------------


def test_running_each_step_moves_the_request_from_received_to_issued(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, date(2024, 10, 14))  # week 20 ends on GUI_TODAY, 3 Mar 2025
    panel = open_panel(qtbot, desktop, cid)
    assert panel.detail is not None and panel.detail.stage == "request"

    dialog = panel.run_step("decision_to_assess")
    assert isinstance(dialog, DecisionToAssessDialog) and dialog.isVisible()
    dialog.choice.set_value(True)
    dialog.date.set_value(date(2024, 11, 18))
    submit(qtbot, panel, dialog)
    assert panel.detail.stage == "assessment"

    dialog = panel.run_step("request_advice")
    assert isinstance(dialog, RequestAdviceDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("ep"))
    dialog.service.setEditText("County EP Service")
    dialog.date.set_value(date(2024, 11, 19))
    submit(qtbot, panel, dialog)
    assert [(a.kind, a.service, a.status) for a in panel.detail.advice] == [("ep", "County EP Service", "late")]

    dialog = panel.run_step("advice_received")
    assert isinstance(dialog, AdviceReceivedDialog) and dialog.advice.count() == 1
    dialog.date.set_value(date(2024, 12, 20))
    submit(qtbot, panel, dialog)
    assert panel.detail.advice[0].status == "received" and "advice_received" not in panel.available_steps()

    dialog = panel.run_step("decision_to_issue")
    assert isinstance(dialog, DecisionToIssueDialog)
    dialog.choice.set_value(True)
    dialog.date.set_value(date(2025, 1, 20))
    submit_past_warning(qtbot, panel, dialog)
    assert panel.detail.stage == "drafting" and panel.available_steps() == {"draft_sent", "exception", "withdraw",
                                                                            "correct_step", "undo_step"}

    dialog = panel.run_step("draft_sent")
    assert isinstance(dialog, DraftSentDialog)
    dialog.sent.set_value(date(2025, 1, 27))
    submit_past_warning(qtbot, panel, dialog)
    assert "final_plan" in panel.available_steps()

    dialog = panel.run_step("final_plan")
    assert isinstance(dialog, FinalPlanDialog)
    dialog.date.set_value(date(2025, 2, 17))
    submit(qtbot, panel, dialog)
    # Issued: the request's record can be put right, and the plan's own steps begin.
    assert panel.detail.stage == "issued"
    assert panel.available_steps() == {"correct_step", "undo_step"} | PLAN_STEPS_AT_ISSUE
    assert panel.tabs.isTabVisible(panel.tabs.indexOf(panel.plan_tab))
    assert panel.header.week.text() == "Plan issued in week 18 of 20"
    assert {m.name: m.status for m in panel.detail.deadlines.milestones} == {  # type: ignore[union-attr]
        "decision_to_assess": "met", "issue_decision": "met", "draft_latest_safe": "met", "final_plan": "met"}
    assert all(button.isHidden() for button in panel.buttons.values())


def test_an_exception_and_a_withdrawal_from_the_panel(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, date(2025, 1, 6))
    panel = open_panel(qtbot, desktop, cid)
    dialog = panel.run_step("exception")
    assert isinstance(dialog, ExceptionDialog)
    dialog.ground.setCurrentIndex(dialog.ground.findData("d"))
    dialog.began.set_value(date(2025, 2, 10))
    dialog.note.setText("Family abroad for six weeks")
    submit(qtbot, panel, dialog)
    assert [(e.ground, e.note) for e in panel.detail.exceptions] == [("d", "Family abroad for six weeks")]  # type: ignore[union-attr]
    # The 6-week decision (due 17 Feb) is missed after the exception was recorded: exempt, not overdue.
    assert panel.detail.deadlines.milestone("decision_to_assess").status == "exempt"  # type: ignore[union-attr]

    dialog = panel.run_step("withdraw")
    assert isinstance(dialog, WithdrawDialog) and not dialog.ok.isEnabled()  # a reason is needed
    dialog.reason.setText("The family moved to Wales")
    dialog.date.set_value(date(2025, 2, 24))
    submit(qtbot, panel, dialog)
    assert panel.detail.stage == "closed"  # type: ignore[union-attr]
    assert (panel.header.stage.text(), panel.header.week.text()) == ("Closed", "Withdrawn on 24 Feb 2025")
    assert panel.available_steps() == {"correct_step", "undo_step"}  # only putting the record right


def test_a_second_step_request_raises_the_open_form(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, new_case(desktop))
    first = panel.run_step("decision_to_assess")
    assert first is not None and panel.run_step("withdraw") is first
    first.reject()
    assert isinstance(panel.run_step("withdraw"), WithdrawDialog)


# --- screenshots -----------------------------------------------------------------------------------------


def test_screenshots_of_a_case_mid_assessment(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    cid = mid_assessment_case(desktop)
    ctx, jo = desktop.ctx, desktop.actor
    ep = next(a for a in load_case_detail(ctx, cid, GUI_TODAY).advice if a.kind == "ep")
    advice.excuse_advice(ctx, jo, ep.id, "missed_appointment", date(2025, 2, 10),
                         note="Amelia was unwell on the day of the appointment")
    with ctx.db.session() as s:
        school = s.scalar(select(School).where(School.name == "Hillside Primary School"))
        assert school is not None
        school.kind = "maintained"
        school_id = school.id
    named_setting.name_setting(ctx, jo, cid, school_id)
    panel = open_panel(qtbot, desktop, cid)
    panel.resize(1400, 850)
    panel.show()
    qtbot.waitExposed(panel)
    panel.tabs.setCurrentWidget(panel.advice_tab)
    panel.advice_table.setFocus()
    QApplication.processEvents()
    record = panel.grab()
    assert record.width() >= 1400 and not record.isNull()
    assert "Excused (reg 8(2))" in [row[6] for row in table_texts(panel.advice_table)]
    record.save(str(tmp_path / "case-record.png"))
    draft = _issued_case(desktop)
    dialog = DraftSentDialog(desktop, load_case_detail(desktop.ctx, draft, GUI_TODAY), panel)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.sent.set_value(date(2025, 2, 28))
    dialog.sent_by.setCurrentIndex(dialog.sent_by.findData("post"))
    qtbot.waitUntil(lambda: dialog.required.loaded, timeout=10000)
    dialog.required.reason["education"].setText("The school's SEN support plan of January 2025 is current")
    dialog.sent.setFocus()
    QApplication.processEvents()
    assert dialog.served.value() == date(2025, 3, 4) and dialog.required.isVisible()  # served tomorrow
    dialog.grab().save(str(tmp_path / "step-dialog.png"))
    if os.environ.get("CASEWORKER_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name in ("case-record.png", "step-dialog.png"):
            shutil.copyfile(tmp_path / name, SCREENSHOTS / name)


def _issued_case(desktop: DesktopContext) -> int:
    """A yes to issue on Mon 3 Feb 2025 with only EP and health advice asked: the draft form warns (reg 6)."""
    ctx, jo = desktop.ctx, desktop.actor
    cid = new_case(desktop, date(2024, 10, 21), forename="Oliver", surname="Hughes", upn=None)
    steps.record_decision_to_assess(ctx, jo, cid, True, date(2024, 11, 25))
    steps.request_advice(ctx, jo, cid, "ep", date(2024, 11, 26), service="County EP Service")
    steps.request_advice(ctx, jo, cid, "health", date(2024, 11, 26), service="Wye Valley NHS Trust", sent_by="post")
    steps.record_decision_to_issue(ctx, jo, cid, True, date(2025, 2, 3))
    return cid


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, StepDialog) and widget.isVisible():
            widget.done(0)


def test_a_refused_request_says_how_it_ended_and_until_when_the_family_may_appeal(
        qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, date(2024, 11, 25))  # GUI today is 3 Mar 2025
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2025, 1, 6))
    steps.request_advice(desktop.ctx, desktop.actor, cid, "ep", date(2025, 1, 7))  # due 18 Feb: late by 3 Mar
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, cid, False, date(2025, 2, 14))
    panel = open_panel(qtbot, desktop, cid)
    assert panel.header.stage.text() == "Closed"
    assert panel.header.week.text() == ("No plan issued: decision notified 14 Feb 2025; the family may appeal "
                                        "until 14 Apr 2025 (later after mediation)")
    # Advice still out when the request closed is no longer awaited: not shown late, never chased.
    assert [(a.kind, a.status, a.days_late) for a in panel.detail.advice] == [("ep", "closed", 0)]  # type: ignore[union-attr]
