"""The case record's Contacts tab: the child's contacts (who letters go to today first, ended ones kept and
marked) with Add, Edit and End, and the organisations recorded on the case with Add and Remove. The
buttons are enabled only for a role that can change cases."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from caseworker.services import case_links
from caseworker.services.case_links import ORGANISATION_TITLES, OrganisationView
from caseworker.views.case_detail import CaseDetail, ContactView
from caseworker.views.case_people import organisations_on_case
from ui.context import DesktopContext
from ui.dialogs.case_recipient import AddRecipientDialog
from ui.dialogs.contact_edit import ROLE_WORDS, ContactDialog, EndContactDialog
from ui.dialogs.fields import ProblemLabel
from ui.panels._record_tables import RecordTable
from ui.status import status_icon
from ui.table_model import Column
from ui.widgets.wording import short_date

NO_CONTACTS = ("No one is recorded for the family yet, so no letter can go to them: add the parent, carer or young "
               "person with their address.")


def _address(c: ContactView) -> str:
    return ", ".join(part.strip() for part in c.address.splitlines() if part.strip())


def letters_words(c: ContactView) -> str:
    if not c.current and c.ended_on is not None:
        return f"Ended {short_date(c.ended_on)}"
    return "Main correspondent" if c.main_correspondent else ""


def contact_columns() -> list[Column[ContactView]]:
    def look(c: ContactView) -> object:
        if not c.current:
            return status_icon("closed")
        return status_icon("met") if c.main_correspondent else None

    def tip(c: ContactView) -> str:
        if not c.current:
            return "No longer a contact: letters are not offered to them; those already made stay in the log"
        return "Every letter to the family goes to this contact" if c.main_correspondent else ""

    return [
        Column("Letters go to", letters_words, icon=look, tooltip=tip),
        Column("Role", lambda c: ROLE_WORDS.get(c.role, c.role.replace("_", " ").capitalize()).replace("The y", "Y")),
        Column("Name", lambda c: f"{c.title} {c.name}" if c.title else c.name),
        Column("Relationship", lambda c: c.relationship),
        Column("Address", _address, tooltip=lambda c: c.address),
        Column("Postcode", lambda c: c.postcode),
        Column("Phone", lambda c: c.phone),
        Column("Email", lambda c: c.email),
    ]


def organisation_columns() -> list[Column[OrganisationView]]:
    return [
        Column("Kind", lambda o: ORGANISATION_TITLES.get(o.kind, o.kind)),
        Column("Organisation", lambda o: o.name),
        Column("Address", lambda o: ", ".join(p.strip() for p in [*o.address.splitlines(), o.postcode] if p.strip())),
    ]


def shown_contacts(detail: CaseDetail) -> list[ContactView]:
    """Who letters go to today first (the school-age rule, not only the mark recorded), ended contacts last."""
    main = detail.main_correspondent_id
    marked = [replace(c, main_correspondent=c.current and c.id == main) for c in detail.contacts]
    return sorted(marked, key=lambda c: (not c.current, not c.main_correspondent))


class NoFamilyBar(QFrame):
    """The Letters tab's word while no one in the family has a postal address on record, with the way to add them."""

    add_contact_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("No one in the family to write to")
        text = QLabel("No one in the family has a postal address on record, so no letter can go to them. Add the "
                      "parent, carer or young person with their address.", self)
        text.setWordWrap(True)
        self.button = QPushButton("Add a contact…", self)
        self.button.setAccessibleName("Add a contact for the family")
        self.button.clicked.connect(self.add_contact_requested)
        row = QHBoxLayout(self)
        row.addWidget(text, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()


class ContactsTab(QWidget):
    """One case's contacts and organisations; its buttons open the forms that change them."""

    organisations_loaded = Signal()

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.detail: CaseDetail | None = None
        self.dialog: QDialog | None = None
        self.organisations: list[OrganisationView] = []
        self.setAccessibleName("Contacts")
        layout = QVBoxLayout(self)
        layout.addWidget(self._heading("The family: who letters about the child may go to"))
        self.none = QLabel(NO_CONTACTS, self)
        self.none.setWordWrap(True)
        layout.addWidget(self.none)
        self.table = RecordTable(contact_columns(), "Contacts", self)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.table.setMinimumHeight(self._rows_height(self.table, 2))
        self.add_button = self._button("Add con&tact…", "Add a contact", self.add_contact)
        self.edit_button = self._button("&Edit contact…", "Edit the chosen contact", lambda: self.edit_contact())
        self.end_button = self._button("End contact…", "End the chosen contact", lambda: self.end_contact())
        # The buttons stand beside their table: at 1280x720 the record has little height to spare.
        layout.addLayout(self._beside(self.table, self.add_button, self.edit_button, self.end_button), 1)
        layout.addWidget(self._heading("Organisations recorded on the case (letters may go to them)"))
        self.org_table = RecordTable(organisation_columns(), "Organisations on the case", self)
        self.org_table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        # A case has a few organisations at most: their table keeps to its rows, the family's has the room.
        self.org_table.setMaximumHeight(self._rows_height(self.org_table, 3))
        self.org_table.setMinimumHeight(self._rows_height(self.org_table, 2))
        self.org_add = self._button("Add an or&ganisation…", "Add an organisation to the case",
                                    self.add_organisation)
        self.org_remove = self._button("&Remove from the case…", "Remove the chosen organisation from the case",
                                       lambda: self.remove_organisation())
        layout.addLayout(self._beside(self.org_table, self.org_add, self.org_remove))
        buttons = (self.add_button, self.edit_button, self.end_button, self.org_add, self.org_remove)
        width = max(b.sizeHint().width() for b in buttons)
        for b in buttons:  # one column of buttons down the tab, all one width
            b.setFixedWidth(width)
        self.problem = ProblemLabel(self)
        layout.addWidget(self.problem)
        desktop.actor_changed.connect(self.update_buttons)
        self.update_buttons()

    @staticmethod
    def _rows_height(table: RecordTable, rows: int) -> int:
        """The height that shows the header and ``rows`` rows whole."""
        return (table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
                + 2 * table.frameWidth())

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text, self)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        return label

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        return button

    def _beside(self, table: RecordTable, *buttons: QPushButton) -> QHBoxLayout:
        """A table with its buttons in a column on its right."""
        column = QVBoxLayout()
        for b in buttons:
            column.addWidget(b)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(table, 1)
        row.addLayout(column)
        return row

    # --- showing -----------------------------------------------------------------------------------
    def set_detail(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.table.set_rows(shown_contacts(detail))
        self.none.setVisible(not any(c.current for c in detail.contacts))
        self.problem.set_reasons([])
        self.update_buttons()
        ctx, case_id = self.desktop.ctx, detail.case_id
        self.desktop.runner.run(lambda: organisations_on_case(ctx, case_id), self._organisations,
                                self.problem.show_refusal, owner=self, latest="organisations")

    def _organisations(self, orgs: list[OrganisationView]) -> None:
        self.organisations = orgs
        self.org_table.set_rows(orgs)
        self.update_buttons()
        self.organisations_loaded.emit()

    def chosen(self) -> ContactView | None:
        """The chosen contact as recorded (its own main-correspondent mark, which the forms change)."""
        index = self.table.currentIndex()
        if self.detail is None or not index.isValid() or not self.table.selectionModel().hasSelection():
            return None
        shown = self.table.rows_model.row(index.row())
        return next((c for c in self.detail.contacts if c.id == shown.id), None)

    def chosen_organisation(self) -> OrganisationView | None:
        index = self.org_table.currentIndex()
        if not index.isValid() or not self.org_table.selectionModel().hasSelection():
            return None
        org: OrganisationView = self.org_table.rows_model.row(index.row())
        return org

    def update_buttons(self) -> None:
        actor = self.desktop.actor
        writer = actor.can_write and self.detail is not None
        why = "" if actor.can_write else f"Your role ({actor.role.replace('_', ' ')}) cannot change cases"
        chosen = self.chosen()
        current = chosen is not None and chosen.current
        org = self.chosen_organisation() is not None
        for button, on in ((self.add_button, writer), (self.edit_button, writer and current),
                           (self.end_button, writer and current), (self.org_add, writer),
                           (self.org_remove, writer and org)):
            button.setEnabled(on)
            button.setToolTip(why)

    # --- actions -----------------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_contact(self) -> QDialog | None:
        if self.detail is None or not self.desktop.actor.can_write:
            return None
        return self._open(ContactDialog(self.desktop, self.detail, None, self))

    def edit_contact(self, contact: ContactView | None = None) -> QDialog | None:
        contact = contact or self.chosen()
        if self.detail is None or contact is None or not contact.current or not self.desktop.actor.can_write:
            return None
        return self._open(ContactDialog(self.desktop, self.detail, contact, self))

    def end_contact(self, contact: ContactView | None = None) -> QDialog | None:
        contact = contact or self.chosen()
        if self.detail is None or contact is None or not contact.current or not self.desktop.actor.can_write:
            return None
        return self._open(EndContactDialog(self.desktop, self.detail, contact, self))

    def _activated(self, index: QModelIndex) -> None:
        self.edit_contact()

    def add_organisation(self) -> QDialog | None:
        if self.detail is None or not self.desktop.actor.can_write:
            return None
        return self._open(AddRecipientDialog(self.desktop, self.detail.case_id, self.detail.reference, self))

    def remove_organisation(self, org: OrganisationView | None = None) -> QMessageBox | None:
        """Ask first; the organisation stays on the council's list and letters already made stay in the log."""
        org = org or self.chosen_organisation()
        if self.detail is None or org is None or not self.desktop.actor.can_write:
            return None
        ask = QMessageBox(QMessageBox.Icon.Question, "Remove from the case",
                          f"Remove {org.name} from case {self.detail.reference}? Letters will no longer be offered "
                          "to it; letters already made to it stay in the log.",
                          QMessageBox.StandardButton.Cancel, self)
        remove = ask.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
        ask.setDefaultButton(QMessageBox.StandardButton.Cancel)
        desktop, actor, case_id = self.desktop, self.desktop.actor, self.detail.case_id
        remove.clicked.connect(lambda: desktop.runner.run(
            lambda: case_links.unlink_organisation(desktop.ctx, actor, case_id, org.id),
            None, self.problem.show_refusal, owner=self, write=True,
            announce=lambda _r: desktop.data_changed.emit(case_id)))
        ask.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ask.open()
        return ask


__all__ = ["ContactsTab", "NoFamilyBar", "contact_columns", "shown_contacts"]
