"""Edit child: correct or complete the child's record from the case record (names, date of birth, UPN or
why it is not known, NHS number, ULN, postcode, SEN2 needs, current school from the council's list).

Checked as the user types with the service's own checks (caseworker.services.case_edit), so a value the
import or the new-request form would refuse is refused here beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from caseworker.errors import Problem
from caseworker.identifiers import normalise_nhs_number, normalise_postcode, normalise_uln, normalise_upn
from caseworker.services.case_edit import ChildEdit, birth_fits_case, check_child_details, edit_child
from caseworker.services.case_links import SchoolView, list_schools
from caseworker.services.person_checks import UPN_UNKNOWN_REASONS
from caseworker.views.case_detail import CaseDetail
from caseworker.views.case_people import ChildRecord
from ui.context import DesktopContext
from ui.dialogs.edit_form import CaseEditForm, text_of, tidy_text
from ui.dialogs.fields import DateEdit

NOT_RECORDED = "Not recorded"


class SchoolPicker(QComboBox):
    """The council's schools, "Not recorded" first; type part of a name to find one (only listed ones count)."""

    def __init__(self, desktop: DesktopContext, school_id: int | None, school_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(30)
        self.loaded = False
        self.addItem(NOT_RECORDED, None)
        if school_id is not None:  # shown at once; the whole list follows off the UI thread
            self.addItem(school_name, school_id)
            self.setCurrentIndex(1)
        ctx = desktop.ctx
        desktop.runner.run(lambda: list_schools(ctx), self._loaded, owner=self)

    def _loaded(self, schools: list[SchoolView]) -> None:
        keep = self.chosen()
        self.blockSignals(True)
        self.clear()
        self.addItem(NOT_RECORDED, None)
        for s in schools:
            self.addItem(f"{s.name} ({s.postcode})" if s.postcode else s.name, s.id)
        self.setCurrentIndex(max(0, self.findData(keep)) if keep is not None else 0)
        self.blockSignals(False)
        self.loaded = True
        self.currentIndexChanged.emit(self.currentIndex())

    def listed(self) -> bool:
        """Whether what is shown is one of the list's entries (typed text that matches none is not)."""
        return self.findText(self.currentText()) >= 0

    def chosen(self) -> int | None:
        index = self.findText(self.currentText())
        data = self.itemData(index) if index >= 0 else None
        return int(data) if data is not None else None

    def choose(self, school_id: int | None) -> None:
        self.setCurrentIndex(max(0, self.findData(school_id)) if school_id is not None else 0)


class EditChildDialog(CaseEditForm):
    heading = "Edit the child"
    ok_text = "Save"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None) -> None:
        assert detail.child_record is not None
        self.record: ChildRecord = detail.child_record
        super().__init__(desktop, detail, parent)
        self.setMinimumWidth(640)

    def build(self) -> None:
        r, rules = self.record, self.desktop.ctx.engine.rules
        self.intro.setText("Correct or complete the child's details. They are checked as the tracker import checks "
                           "them; every change is kept in the case's history with what it replaced.")
        self.forename = self._line("&Forename:", "forename", "Child's forename", r.forename, 100)
        self.surname = self._line("&Surname:", "surname", "Child's surname", r.surname, 100)
        self.date_of_birth = DateEdit(r.date_of_birth, self)
        self.add_row("Date of &birth:", self.date_of_birth, ["date_of_birth"], "Child's date of birth")
        self.upn = self._line("&UPN:", "upn", "Unique pupil number", r.upn, 20, normalise_upn,
                              "13 characters, for example B801200005001")
        self.upn_reason = QComboBox(self)
        self.upn_reason.addItem("Not recorded", None)
        for code, words in UPN_UNKNOWN_REASONS.items():
            self.upn_reason.addItem(f"{code}: {words}", code)
        self.upn_reason.setCurrentIndex(max(0, self.upn_reason.findData(r.upn_unknown_reason or None)))
        self.add_row("UPN not &known:", self.upn_reason, ["upn_unknown_reason"], "Why the UPN is not known")
        self.nhs_number = self._line("&NHS number:", "nhs_number", "NHS number", r.nhs_number, 12,
                                     normalise_nhs_number, "10 digits")
        self.uln = self._line("U&LN:", "uln", "Unique learner number", r.uln, 10, normalise_uln,
                              "10 digits, for a young person in further education")
        self.postcode = self._line("&Postcode:", "postcode", "Child's home postcode", r.postcode, 10,
                                   normalise_postcode)
        needs = [(f"{code}: {title}", code) for code, title in rules.primary_needs.items()]
        self.primary_need = self._needs("Primary n&eed:", "primary_need", "Primary need", needs, r.primary_need)
        self.secondary_need = self._needs("Se&condary need:", "secondary_need", "Secondary need", needs,
                                          r.secondary_need)
        self.school = SchoolPicker(self.desktop, r.school_id, self.detail.school, self)
        self.add_row("Current scho&ol:", self.school, ["school"], "Current school or setting")
        self.watch(self.forename, self.surname, self.date_of_birth, self.upn, self.upn_reason, self.nhs_number,
                   self.uln, self.postcode, self.primary_need, self.secondary_need, self.school)
        self.upn.textChanged.connect(self._upn_changed)
        self._upn_changed()

    def _line(self, text: str, field: str, accessible: str, value: str, max_length: int,
              tidy: Callable[[str], str] | None = None, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(value, self)
        edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder or "Not recorded")
        self.add_row(text, edit, [field], accessible)
        if tidy is not None:
            edit.editingFinished.connect(lambda: tidy_text(edit, tidy))
        return edit

    def _needs(self, text: str, field: str, accessible: str, needs: list[tuple[str, str]], code: str) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem("Not known", None)
        for words, value in needs:
            combo.addItem(words, value)
        combo.setCurrentIndex(max(0, combo.findData(code or None)))
        self.add_row(text, combo, [field], accessible)
        return combo

    def _upn_changed(self, *_: object) -> None:
        """A reason the UPN is not known is only for a child with no UPN."""
        has_upn = bool(self.upn.text().strip())
        self.upn_reason.setEnabled(not has_upn)
        if has_upn:
            self.upn_reason.setCurrentIndex(0)

    # --- what the form says ------------------------------------------------------------------------
    def edit(self) -> ChildEdit:
        return ChildEdit(
            forename=self.forename.text(), surname=self.surname.text(), date_of_birth=self.date_of_birth.value(),
            upn=text_of(self.upn), upn_unknown_reason=self.upn_reason.currentData(),
            nhs_number=text_of(self.nhs_number), uln=text_of(self.uln), postcode=text_of(self.postcode),
            primary_need=self.primary_need.currentData(), secondary_need=self.secondary_need.currentData(),
            school_id=self.school.chosen())

    def problems(self) -> list[Problem]:
        edit, today = self.edit(), self.today
        found, _ = check_child_details(edit, self.desktop.ctx.engine.rules, today)
        if edit.date_of_birth != self.record.date_of_birth:
            found += birth_fits_case(edit.date_of_birth, today, self.detail.reference, self.detail.received,
                                     self.detail.final_issued)
        if not self.school.listed():
            found.append(Problem("school", "choose a school from the list (type part of its name to find it)"))
        if not self.desktop.actor.can_write:
            found.append(Problem("", f"your role ({self.desktop.actor.role.replace('_', ' ')}) cannot change cases"))
        return found

    def unchanged(self) -> bool:
        _, values = check_child_details(self.edit(), self.desktop.ctx.engine.rules, self.today)
        r = self.record
        stored = {"forename": r.forename, "surname": r.surname, "date_of_birth": r.date_of_birth, "upn": r.upn,
                  "upn_unknown_reason": r.upn_unknown_reason, "nhs_number": r.nhs_number, "uln": r.uln,
                  "postcode": r.postcode, "primary_need": r.primary_need, "secondary_need": r.secondary_need}
        same = all((values[k] or "") == (v or "") for k, v in stored.items())
        return same and self.school.chosen() == r.school_id

    def save_call(self) -> Callable[[], Any]:
        ctx, actor, case_id, edit, version = (self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.edit(),
                                              self.record.version)
        return lambda: edit_child(ctx, actor, case_id, edit, expected_version=version)


__all__ = ["EditChildDialog", "SchoolPicker"]
