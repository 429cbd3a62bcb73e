"""Editing the case from its record: the child through Edit child (typed with keystrokes), contacts added,
changed and ended on the Contacts tab, a family with no one to write to added from the Letters tab, the
organisations on the case, and a read-only user who sees no enabled edit action.

Set CASEWORKER_SCREENSHOTS=1 to save the forms and the Contacts tab at 1280x720 under docs/screenshots/.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from caseworker.services import case_links
from caseworker.services.letters import COUNCIL_ENV
from caseworker.store.models import Organisation
from tests.gui.builders import new_case, table_texts, wait_idle
from tests.gui.conftest import GUI_TODAY, add_staff
from tests.gui.test_case_letters import SAMPLE_COUNCIL
from tests.gui.test_case_record import open_panel
from ui.context import DesktopContext
from ui.dialogs.child_edit import EditChildDialog
from ui.dialogs.contact_edit import ContactDialog, EndContactDialog
from ui.panels.case_record import CaseRecordPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WAIT = 10000


@pytest.fixture(autouse=True)
def council(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped sample council (a test database is not a demo, so it needs settings named)."""
    monkeypatch.setenv(COUNCIL_ENV, str(SAMPLE_COUNCIL))


def shot(widget: QWidget, name: str) -> None:
    if os.environ.get("CASEWORKER_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SCREENSHOTS / name))


def save(qtbot: QtBot, panel: CaseRecordPanel, ok: QWidget) -> None:
    """Press a form's Save and wait for the record to come back reloaded."""
    assert ok.isEnabled()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel.desktop)


def show_letters(qtbot: QtBot, panel: CaseRecordPanel) -> None:
    """Show the record at 1280x720 on its Letters tab, with the letters loaded."""
    panel.resize(1280, 720)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(panel.letters.loaded, timeout=WAIT):
        panel.tabs.setCurrentWidget(panel.letters)


def test_the_childs_surname_typed_into_edit_child_changes_the_header(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, new_case(desktop))
    assert panel.header.name.text() == "Amelia Jones"
    button = panel.edit_child_button
    assert not button.isHidden() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = panel.child_dialog
    assert isinstance(dialog, EditChildDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.school.loaded, timeout=WAIT)
    assert not dialog.ok.isEnabled() and dialog.note.text() == "Nothing has changed yet."
    dialog.surname.setFocus()
    dialog.surname.selectAll()
    qtbot.keyClicks(dialog.surname, "Pr1ce")
    assert dialog.surname.text() == "Pr1ce" and dialog.ok.isEnabled()  # a digit is not refused: names vary
    qtbot.keyClick(dialog.surname, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog.surname, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog.surname, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.surname, "ice")
    dialog.nhs_number.setFocus()
    qtbot.keyClicks(dialog.nhs_number, "943 476 5918")
    assert dialog.problem_text() == "NHS number 9434765918: its check digit does not match."
    assert not dialog.ok.isEnabled()
    qtbot.keyClick(dialog.nhs_number, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.nhs_number, "9")
    assert dialog.problem_text() == "" and dialog.ok.isEnabled()
    shot(dialog, "edit-child.png")
    save(qtbot, panel, dialog.ok)
    assert panel.header.name.text() == "Amelia Price" and panel.title() == f"{panel.detail.reference} Amelia Price"
    history = table_texts(panel.history_table)
    assert history[0][2] == "Edit child"
    assert "surname: Jones → Price" in history[0][3] and "nhs number: 9434765919" in history[0][3]


def test_a_date_of_birth_after_the_request_is_refused_beside_the_field(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, new_case(desktop))
    dialog = panel.edit_child()
    assert dialog is not None
    dialog.date_of_birth.set_value(date(2024, 11, 1))  # the request came on 14 Oct 2024
    [row] = [r for r in dialog.rows if r.widget is dialog.date_of_birth]
    assert row.problem.reasons() == (f"The request was received before this date of birth "
                                     f"({panel.detail.reference}).")  # type: ignore[union-attr]
    assert not dialog.ok.isEnabled()


def test_a_parent_added_to_a_case_with_none_can_be_written_to(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, contact_name=None, contact_address=None, contact_postcode=None, contact_email=None)
    panel = open_panel(qtbot, desktop, cid)
    assert not panel.contacts_tab.none.isHidden()
    show_letters(qtbot, panel)
    letters = panel.letters
    assert letters.no_family.isVisible() and not letters.form.isEnabled()
    assert "add the family's address" in letters.form.problem_text()
    qtbot.mouseClick(letters.add_contact_button, Qt.MouseButton.LeftButton)
    dialog = panel.contacts_tab.dialog
    assert isinstance(dialog, ContactDialog) and dialog.isVisible()
    assert panel.tabs.currentWidget() is panel.contacts_tab
    assert dialog.main.isChecked() and not dialog.main.isEnabled()  # the first contact is the one letters go to
    dialog.title.setEditText("Ms")
    dialog.forename.setText("Nicola")
    dialog.surname.setText("Price")
    dialog.relationship.setEditText("Mother")
    dialog.address.setPlainText("3 Castle Street\nHereford")
    dialog.postcode.setText("HR1")
    assert "is not a UK postcode" in dialog.problem_text() and not dialog.ok.isEnabled()
    dialog.postcode.setText("hr1 2nw")
    dialog.phone.setText("01432 555 0192")
    shot(dialog, "add-contact.png")
    with qtbot.waitSignal(letters.loaded, timeout=WAIT):
        save(qtbot, panel, dialog.ok)
    wait_idle(qtbot, desktop)
    assert table_texts(panel.contacts_table)[0][:4] == ["Main correspondent", "Parent", "Ms Nicola Price", "Mother"]
    assert panel.contacts_tab.none.isHidden()
    assert letters.no_family.isHidden() and letters.form.isEnabled()
    assert letters.form.recipient.currentText().startswith("Ms Nicola Price")
    assert letters.form.template.count() > 0  # letters to the family are offered


def test_making_another_contact_main_and_ending_the_old_one(qtbot: QtBot, desktop: DesktopContext) -> None:
    panel = open_panel(qtbot, desktop, new_case(desktop))
    tab = panel.contacts_tab
    dialog = tab.add_contact()
    assert isinstance(dialog, ContactDialog) and not dialog.main.isChecked() and dialog.main.isEnabled()
    dialog.role.setCurrentIndex(dialog.role.findData("carer"))
    dialog.forename.setText("David")
    dialog.surname.setText("Jones")
    dialog.address.setPlainText("4 Mill Lane\nLeominster")
    dialog.main.setChecked(True)
    save(qtbot, panel, dialog.ok)
    rows = table_texts(panel.contacts_table)
    assert [r[:3] for r in rows] == [["Main correspondent", "Carer", "David Jones"], ["", "Parent", "Sarah Jones"]]
    tab.table.selectRow(0)
    assert tab.end_button.isEnabled()
    ending = tab.end_contact()
    assert isinstance(ending, EndContactDialog) and not ending.successor.isHidden()
    assert ending.successor.currentText() == "Sarah Jones (parent)"
    shot(ending, "end-contact.png")
    save(qtbot, panel, ending.ok)
    rows = table_texts(panel.contacts_table)
    assert [r[:3] for r in rows] == [["Main correspondent", "Parent", "Sarah Jones"],
                                     [f"Ended {GUI_TODAY.day} Mar 2025", "Carer", "David Jones"]]
    assert panel.tabs.tabText(panel.tabs.indexOf(tab)) == "C&ontacts (1)"
    tab.table.selectRow(1)
    assert not tab.edit_button.isEnabled() and not tab.end_button.isEnabled()  # an ended contact stays as it was
    tab.table.selectRow(0)
    change = tab.edit_contact()
    assert isinstance(change, ContactDialog) and change.guessed  # recorded as one name: split for checking
    assert (change.forename.text(), change.surname.text()) == ("Sarah", "Jones")
    assert change.main.isChecked() and not change.main.isEnabled()


def test_an_organisation_on_the_case_can_be_removed(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop)
    with desktop.ctx.db.session() as s:
        org = Organisation(kind="social_care", name="Herefordshire Children's Services",
                           address="Plough Lane\nHereford", postcode="HR4 0LE")
        s.add(org)
        s.flush()
        org_id = org.id
    case_links.link_organisation(desktop.ctx, desktop.actor, cid, org_id)
    panel = open_panel(qtbot, desktop, cid)
    tab = panel.contacts_tab
    qtbot.waitUntil(lambda: tab.org_table.rows_model.rowCount() == 1, timeout=WAIT)
    assert table_texts(tab.org_table)[0][:2] == ["Children's social care", "Herefordshire Children's Services"]
    assert not tab.org_remove.isEnabled()
    tab.org_table.selectRow(0)
    ask = tab.remove_organisation()
    assert isinstance(ask, QMessageBox)
    remove = next(b for b in ask.buttons() if b.text() == "Remove")
    with qtbot.waitSignal(tab.organisations_loaded, timeout=WAIT):
        remove.click()
    assert tab.org_table.rows_model.rowCount() == 0
    assert case_links.linked_organisation_ids(desktop.ctx, cid) == set()


def test_a_read_only_user_sees_no_enabled_edit_action(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, contact_name=None, contact_address=None, contact_postcode=None, contact_email=None)
    desktop.set_actor(add_staff(desktop.ctx, "viewer", "Val Viewer", "read_only"))
    panel = open_panel(qtbot, desktop, cid)
    tab = panel.contacts_tab
    show_letters(qtbot, panel)
    buttons = [panel.edit_child_button, tab.add_button, tab.edit_button, tab.end_button, tab.org_add,
               tab.org_remove, panel.letters.add_contact_button]
    assert [b.isEnabled() for b in buttons] == [False] * len(buttons)
    assert "read only" in panel.edit_child_button.toolTip()
    assert panel.edit_child() is None and tab.add_contact() is None


def test_the_contacts_tab_at_1280x720(qtbot: QtBot, desktop: DesktopContext) -> None:
    from tests.gui.test_case_record import mid_assessment_case

    panel = open_panel(qtbot, desktop, mid_assessment_case(desktop))
    panel.resize(1280, 720)
    panel.show()
    qtbot.waitExposed(panel)
    panel.tabs.setCurrentWidget(panel.contacts_tab)
    wait_idle(qtbot, desktop)
    tab = panel.contacts_tab
    for widget in (tab.table, tab.org_table, tab.add_button, tab.org_add):
        assert widget.height() >= widget.minimumSizeHint().height(), widget.accessibleName()
    shot(panel, "contacts-tab.png")
