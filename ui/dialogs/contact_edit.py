"""The child's contacts from the case record: add one, change one, or end one (never delete: letters
already made to them stay in the log). Exactly one current contact is the main correspondent; the forms
say so rather than let a save be refused for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from caseworker.errors import Problem
from caseworker.identifiers import normalise_postcode
from caseworker.services.contacts import ContactEdit, add_contact, change_contact, check_contact, end_contact
from caseworker.services.person_checks import TITLES
from caseworker.views.case_detail import CaseDetail, ContactView
from ui.context import DesktopContext
from ui.dialogs.edit_form import CaseEditForm, text_of, tidy_text
from ui.dialogs.fields import DateEdit
from ui.widgets.wording import long_date

ROLE_WORDS = {"parent": "Parent", "carer": "Carer", "young_person": "The young person", "other": "Someone else"}
RELATIONSHIPS = ("Mother", "Father", "Step-mother", "Step-father", "Grandmother", "Grandfather", "Aunt", "Uncle",
                 "Foster carer", "Special guardian", "Social worker", "Advocate")


def split_name(name: str) -> tuple[str, str]:
    """A whole name recorded by an import, as a first guess at forename and surname ("Siobhán Ó Súilleabháin"
    is Siobhán and Ó Súilleabháin): the form says it is a guess to check."""
    first, _, rest = name.strip().partition(" ")
    return (first, rest) if rest else ("", first)


def _editable(parent: QWidget, choices: tuple[str, ...], value: str, max_length: int) -> QComboBox:
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItem("")
    combo.addItems(list(choices))
    line = combo.lineEdit()
    assert line is not None
    line.setMaxLength(max_length)
    combo.setEditText(value)
    return combo


class ContactDialog(CaseEditForm):
    """Add a contact (``contact`` None) or change one."""

    ok_text = "Save"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, contact: ContactView | None = None,
                 parent: QWidget | None = None) -> None:
        self.contact = contact
        self.heading = "Change a contact" if contact is not None else "Add a contact"
        self.others = [c for c in detail.contacts if c.current and (contact is None or c.id != contact.id)]
        super().__init__(desktop, detail, parent)
        self.setMinimumWidth(640)

    def build(self) -> None:
        c = self.contact
        self.intro.setText("A parent, carer or the young person whom letters about the child may go to. Give the "
                           "title apart from the name, so letters greet them as \u201cDear Ms Price\u201d.")
        self.role = QComboBox(self)
        for code, words in ROLE_WORDS.items():
            self.role.addItem(words, code)
        self.role.setCurrentIndex(max(0, self.role.findData(c.role if c else "parent")))
        self.add_row("&Role:", self.role, ["role"], "Role")
        self.relationship = _editable(self, RELATIONSHIPS, c.relationship if c else "", 60)
        self.add_row("Relationship to the &child:", self.relationship, ["relationship_to_child"],
                     "Relationship to the child")
        self.title = _editable(self, TITLES, c.title if c else "", 20)
        self.add_row("Tit&le:", self.title, ["title"], "Title")
        forename, surname = (c.forename, c.surname) if c else ("", "")
        self.guessed = c is not None and not (forename or surname)
        if c is not None and self.guessed:
            forename, surname = split_name(c.name)
        self.forename = self._line("&Forename:", "forename", "Forename", forename, 100)
        self.surname = self._line("&Surname:", "surname", "Surname", surname, 100)
        if self.guessed and c is not None:
            guess = QLabel(f"Recorded as one name, \u201c{c.name}\u201d: check the forename and surname.", self)
            guess.setWordWrap(True)
            self.form.addRow("", guess)
        self.address = QPlainTextEdit(c.address if c else "", self)
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("House number and street\nTown")
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 4 + 12)
        self.add_row("A&ddress:", self.address, ["address"], "Address")
        self.postcode = self._line("Pos&tcode:", "postcode", "Postcode", c.postcode if c else "", 10,
                                   normalise_postcode)
        self.phone = self._line("P&hone:", "phone", "Phone", c.phone if c else "", 50)
        self.email = self._line("&Email:", "email", "Email", c.email if c else "", 200)
        self.main = QCheckBox("Letters to the family go to this person", self)
        self.add_row("&Main correspondent:", self.main, ["main_correspondent"], "Main correspondent")
        self._set_main()
        self.watch(self.role, self.relationship, self.title, self.forename, self.surname, self.address, self.postcode,
                   self.phone, self.email, self.main)

    def _line(self, text: str, field: str, accessible: str, value: str, max_length: int,
              tidy: Callable[[str], str] | None = None) -> QLineEdit:
        edit = QLineEdit(value, self)
        edit.setMaxLength(max_length)
        self.add_row(text, edit, [field], accessible)
        if tidy is not None:
            edit.editingFinished.connect(lambda: tidy_text(edit, tidy))
        return edit

    def _set_main(self) -> None:
        """Exactly one current contact is the main correspondent: the box says when it cannot be changed."""
        c = self.contact
        main_now = next((o for o in self.others if o.main_correspondent), None)
        if main_now is None:
            # Letters need someone: with no other current contact marked, this one is the main correspondent.
            self.main.setChecked(True)
            self.main.setEnabled(False)
            self.main.setToolTip("No other current contact is the main correspondent")
        elif c is not None and c.main_correspondent:
            self.main.setChecked(True)
            self.main.setEnabled(False)
            self.main.setToolTip("To change who letters go to, make another contact the main correspondent")
        else:
            self.main.setChecked(False)
            self.main.setToolTip(f"Instead of {main_now.name}" if main_now else "")

    # --- what the form says ------------------------------------------------------------------------
    def edit(self) -> ContactEdit:
        return ContactEdit(
            role=str(self.role.currentData()), title=text_of(self.title), forename=text_of(self.forename),
            surname=self.surname.text(), relationship_to_child=text_of(self.relationship),
            address=text_of(self.address), postcode=text_of(self.postcode), phone=text_of(self.phone),
            email=text_of(self.email), main_correspondent=self.main.isChecked())

    def problems(self) -> list[Problem]:
        found, values = check_contact(self.edit())
        others_young = any(o.role == "young_person" for o in self.others)
        if values["role"] == "young_person" and others_young:
            found.append(Problem("role", "the young person is already a contact: change that contact instead"))
        if not self.desktop.actor.can_write:
            found.append(Problem("", f"your role ({self.desktop.actor.role.replace('_', ' ')}) cannot change cases"))
        return found

    def unchanged(self) -> bool:
        c = self.contact
        if c is None or self.guessed:
            return False
        _, v = check_contact(self.edit())
        stored = {"role": c.role, "title": c.title, "forename": c.forename, "surname": c.surname,
                  "relationship_to_child": c.relationship, "address": c.address.strip(), "postcode": c.postcode,
                  "phone": c.phone, "email": c.email, "main_correspondent": c.main_correspondent}
        return all((v[k] or "") == (value or "") if k != "main_correspondent" else v[k] == value
                   for k, value in stored.items())

    def save_call(self) -> Callable[[], Any]:
        ctx, actor, case_id, edit = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.edit()
        c = self.contact
        if c is None:
            return lambda: add_contact(ctx, actor, case_id, edit)
        contact_id, version = c.id, c.version
        return lambda: change_contact(ctx, actor, case_id, contact_id, edit, expected_version=version)


class EndContactDialog(CaseEditForm):
    """End a contact from a date: letters are no longer offered to them; the main correspondent needs a successor."""

    heading = "End a contact"
    ok_text = "End contact"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, contact: ContactView,
                 parent: QWidget | None = None) -> None:
        self.contact = contact
        self.others = [c for c in detail.contacts if c.current and c.id != contact.id]
        super().__init__(desktop, detail, parent)

    def build(self) -> None:
        c = self.contact
        self.intro.setText(f"{c.name} stops being a contact for {self.detail.child} from the date below: letters "
                           "are no longer offered to them. Nothing is deleted: letters already made to them stay in "
                           "the log, and the history keeps who they were.")
        self.ended_on = DateEdit(self.today, self)
        self.add_row("&From:", self.ended_on, ["ended_on"], "Ended on")
        self.successor = QComboBox(self)
        for o in self.others:
            self.successor.addItem(f"{o.name} ({ROLE_WORDS.get(o.role, o.role).lower()})", o.id)
        needs_successor = c.main_correspondent and bool(self.others)
        self.successor.setCurrentIndex(0 if needs_successor else -1)
        row = self.add_row("&Letters go instead to:", self.successor, ["main_correspondent"],
                           "Who letters go to instead")
        for widget in (row.label, row.widget.parentWidget()):
            if widget is not None:
                widget.setVisible(needs_successor)
        self.watch(self.ended_on, self.successor)

    def problems(self) -> list[Problem]:
        found = []
        on = self.ended_on.value()
        if on > self.today:
            found.append(Problem("ended_on", "a contact is ended from today or an earlier day, not a day still to "
                                             "come"))
        elif on < self.detail.date_of_birth:
            born = long_date(self.detail.date_of_birth)
            found.append(Problem("ended_on", f"that is before the child was born ({born})"))
        if not self.desktop.actor.can_write:
            found.append(Problem("", f"your role ({self.desktop.actor.role.replace('_', ' ')}) cannot change cases"))
        return found

    def save_call(self) -> Callable[[], Any]:
        ctx, actor, case_id, c = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.contact
        on, successor = self.ended_on.value(), self.successor.currentData()
        new_main = int(successor) if successor is not None and c.main_correspondent else None
        return lambda: end_contact(ctx, actor, case_id, c.id, on, new_main_id=new_main, expected_version=c.version)


__all__ = ["ROLE_WORDS", "ContactDialog", "EndContactDialog", "split_name"]
