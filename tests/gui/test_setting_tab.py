"""The case record's Setting tab: name the setting in section I from the council's list (saying its kind when
the list does not), whether it must admit the child (s43), and consultations with settings and their replies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from caseworker.store.models import School
from caseworker.views.case_detail import load_case_detail
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_case_record import new_case, open_panel, table_texts
from tests.gui.test_step_dialogs import type_date
from ui.context import DesktopContext
from ui.dialogs.setting import ConsultationReplyDialog, ConsultDialog, NameSettingDialog
from ui.panels._record_setting import NONE_NAMED
from ui.panels.case_record import CaseRecordPanel

WAIT = 10000


@pytest.fixture(autouse=True)
def _close_dialogs() -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)


@pytest.fixture
def schools(desktop: DesktopContext) -> dict[str, int]:
    rows = {"Hillside Primary School": ("116789", "maintained"), "Little Acorns Nursery": ("EY40001", None),
            "Oakwood Independent School": ("140001", "independent")}
    with desktop.ctx.db.session() as s:
        made = {name: School(name=name, urn=urn, kind=kind, postcode="HR2 7AB", address="1 School Lane\nHereford")
                for name, (urn, kind) in rows.items()}
        s.add_all(made.values())
        s.flush()
        return {name: school.id for name, school in made.items()}


def save(qtbot: QtBot, panel: CaseRecordPanel, dialog: QDialog) -> None:
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.accept()
    assert not dialog.isVisible()


def test_naming_a_setting_of_unknown_kind_asks_for_its_kind(qtbot: QtBot, desktop: DesktopContext,
                                                            schools: dict[str, int]) -> None:
    cid = new_case(desktop, date(2024, 10, 14))
    panel = open_panel(qtbot, desktop, cid)
    tab = panel.setting
    panel.tabs.setCurrentWidget(tab)
    assert tab.none_named.text() == NONE_NAMED and not tab.none_named.isHidden()
    tab.name_button.click()
    dialog = tab.dialog
    assert isinstance(dialog, NameSettingDialog)
    qtbot.waitUntil(lambda: dialog.setting.loaded, timeout=WAIT)
    assert [dialog.setting.itemText(i) for i in range(dialog.setting.count())] == [
        "Hillside Primary School (HR2 7AB)", "Little Acorns Nursery (HR2 7AB)", "Oakwood Independent School (HR2 7AB)"]
    dialog.setting.choose(schools["Little Acorns Nursery"])
    assert dialog.kind.currentIndex() == -1  # the council's list does not say
    dialog.accept()
    assert dialog.problem_text() == "Say what kind of setting Little Acorns Nursery is."
    assert dialog.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("early_years"))
    assert "does not apply to this kind of setting" in dialog.duty.text()
    save(qtbot, panel, dialog)

    named = load_case_detail(desktop.ctx, cid, GUI_TODAY).named_setting
    assert named is not None and (named.name, named.kind, named.admission_duty) == (
        "Little Acorns Nursery", "early_years", False)
    assert {k: v.text() for k, v in tab.values.items()} == {
        "Setting": "Little Acorns Nursery (URN EY40001)", "Kind": "Early years setting",
        "Admission duty": "No: s43 does not apply to this kind of setting",
        "Address": "1 School Lane, Hereford, HR2 7AB"}
    assert tab.none_named.isHidden() and tab.name_button.text() == "Change the &named setting…"

    tab.name_button.click()
    dialog = tab.dialog
    assert isinstance(dialog, NameSettingDialog)
    qtbot.waitUntil(lambda: dialog.setting.loaded, timeout=WAIT)
    dialog.setting.choose(schools["Hillside Primary School"])
    assert dialog.kind.currentData() == "maintained"
    assert dialog.duty.text().startswith("It must admit the child or young person once the plan names it (CFA s43).")
    save(qtbot, panel, dialog)
    assert tab.values["Admission duty"].text() == "Yes: it must admit the child once the plan names it (CFA s43)"
    assert tab.values["Kind"].text() == "Maintained school"


def test_a_setting_is_consulted_and_its_reply_recorded(qtbot: QtBot, desktop: DesktopContext,
                                                       schools: dict[str, int]) -> None:
    cid = new_case(desktop, date(2024, 10, 14))
    panel = open_panel(qtbot, desktop, cid)
    tab = panel.setting
    assert not tab.reply_button.isEnabled()  # nobody consulted yet
    tab.consult_button.click()
    dialog = tab.dialog
    assert isinstance(dialog, ConsultDialog)
    qtbot.waitUntil(lambda: dialog.setting.loaded, timeout=WAIT)
    dialog.setting.choose(schools["Oakwood Independent School"])
    type_date(qtbot, dialog.sent, "24", "02")
    assert dialog.due.text() == "The reply is due by Tue 11 March 2025."  # 15 days
    save(qtbot, panel, dialog)
    assert table_texts(tab.consultations) == [["Oakwood Independent School", "24 Feb 2025", "11 Mar 2025", "Waiting"]]
    assert panel.tabs.tabText(panel.tabs.indexOf(tab)) == "&Setting (1 waiting)"

    assert tab.reply_button.isEnabled()
    tab.reply_button.click()
    dialog = tab.dialog
    assert isinstance(dialog, ConsultationReplyDialog)
    dialog.reply.setCurrentIndex(dialog.reply.findData("declines"))
    type_date(qtbot, dialog.replied, "20", "02")  # before it was sent: the service refuses it beside the field
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.problem_text() != "", timeout=WAIT)
    assert dialog.problem_text() == ("The consultation was sent on 24 Feb 2025; the reply cannot come before it.")
    [row] = [r for r in dialog.rows if r.widget is dialog.replied]
    assert row.problem.reasons() == dialog.problem_text()
    type_date(qtbot, dialog.replied, "28", "02")
    save(qtbot, panel, dialog)
    assert table_texts(tab.consultations)[0][3] == "Declines to be named, 28 Feb 2025"
    assert panel.tabs.tabText(panel.tabs.indexOf(tab)) == "&Setting"
    [c] = load_case_detail(desktop.ctx, cid, GUI_TODAY).consultations
    assert (c.reply, c.replied_on) == ("declines", date(2025, 2, 28))
