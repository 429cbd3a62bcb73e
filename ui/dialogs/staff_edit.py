"""Add a member of staff, or change one, from the Staff page. Each field is checked as it is typed with
the service's own readers (caseworker/services/staff_fields.py), the reason beside the field; only the
fields the acting user may change are open (a team lead: their own team's FTE). A save from a record a
colleague changed meanwhile is refused and says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import ConflictError, Problem, ValidationError
from caseworker.services.person_checks import TITLES
from caseworker.services.staff import StaffMember, StaffRights, add_staff, change_staff
from caseworker.services.staff_fields import FIELDS, LOGIN_MAX, READERS, ROLES, FieldRefused
from ui.context import DesktopContext
from ui.dialogs.base import FieldRow, form_row, grow_to_fit, show_problems
from ui.dialogs.fields import DateEdit, ProblemLabel, unreadable_dates
from ui.dialogs.saving import SavingDialog, case_changed

ROLE_WORDS = {"caseworker": "Caseworker", "team_lead": "Team lead", "admin": "Admin",
              "read_only": "Read only (sees everything, changes nothing)"}
CONFLICT = ("Someone else changed this person's record since you opened it, so nothing was saved. Close this "
            "form and open it again to see their change.")


def _line(parent: QWidget, value: str | None, length: int) -> QLineEdit:
    edit = QLineEdit(value or "", parent)
    edit.setMaxLength(length)
    return edit


def _choices(parent: QWidget, choices: list[str], value: str | None, length: int) -> QComboBox:
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(["", *choices])
    line = combo.lineEdit()
    assert line is not None
    line.setMaxLength(length)
    combo.setEditText(value or "")
    return combo


class StaffEditDialog(SavingDialog):
    """Add a person (``record`` None) or change one; ``teams`` are the teams already on the list."""

    def __init__(self, desktop: DesktopContext, rights: StaffRights, teams: list[str],
                 record: StaffMember | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.rights, self.record = desktop, rights, record
        heading = f"Change {record.display_name}'s record" if record else "Add a member of staff"
        self.setWindowTitle(heading)
        self.setAccessibleName(heading)
        self.setMinimumWidth(560)
        self.rows: list[FieldRow] = []
        outer = QVBoxLayout(self)
        self.intro = QLabel("The username is the person's login to the team's database. The title and job title "
                            "go on letters they sign.", self)
        self.intro.setWordWrap(True)
        outer.addWidget(self.intro)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        self._build_fields(teams)
        self.general = ProblemLabel(self)
        outer.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.ok.setAccessibleName("Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self._refused = False
        self._lock_fields()
        self.revalidate()

    def _build_fields(self, teams: list[str]) -> None:
        r = self.record
        self.username = _line(self, r.username if r else "", LOGIN_MAX)
        self.display_name = _line(self, r.display_name if r else "", 200)
        self.title = _choices(self, list(TITLES), r.title if r else None, 20)
        self.job_title = _line(self, r.job_title if r else "", 100)
        self.email = _line(self, r.email if r else "", 200)
        self.phone = _line(self, r.phone if r else "", 50)
        self.role = QComboBox(self)
        for code in ROLES:
            self.role.addItem(ROLE_WORDS[code], code)
        self.role.setCurrentIndex(max(0, self.role.findData(r.role if r else "caseworker")))
        self.team = _choices(self, teams, r.team if r else None, 100)
        self.fte = QDoubleSpinBox(self)
        self.fte.setRange(0.0, 1.0)
        self.fte.setDecimals(2)
        self.fte.setSingleStep(0.1)
        self.fte.setValue(r.fte if r else 1.0)
        self.start_date = DateEdit(r.start_date if r else None, self, blank="not recorded")
        self.widgets: dict[str, QWidget] = {
            "username": self.username, "display_name": self.display_name, "title": self.title,
            "job_title": self.job_title, "email": self.email, "phone": self.phone, "role": self.role,
            "team": self.team, "fte": self.fte, "start_date": self.start_date}
        labels = {"username": "&Username:", "display_name": "&Name:", "title": "T&itle:",
                  "job_title": "&Job title:", "email": "&Email:", "phone": "&Phone:", "role": "&Role:",
                  "team": "&Team:", "fte": "&FTE (1 is full time):", "start_date": "Start &date:"}
        for field, widget in self.widgets.items():
            self.rows.append(form_row(self, self.form, labels[field], widget, [field]))
            self._watch(widget)

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self.changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.changed)
            if widget.isEditable():
                widget.editTextChanged.connect(self.changed)
        elif isinstance(widget, QDoubleSpinBox):
            widget.valueChanged.connect(self.changed)
        elif isinstance(widget, DateEdit):
            widget.dateChanged.connect(self.changed)

    def _lock_fields(self) -> None:
        """Only what the acting user may change is open; the rest is shown, greyed."""
        team = self.record.team if self.record else None
        allowed = self.rights.fields_for(team) if self.record else frozenset(FIELDS)
        for field, widget in self.widgets.items():
            widget.setEnabled(field in allowed)
        if allowed == {"fte"}:
            self.intro.setText(self.intro.text() + " As a team lead you can change the FTE of your own team; "
                               "an admin changes the rest.")

    # --- what is typed ------------------------------------------------------------------------------
    def typed(self) -> dict[str, Any]:
        def text(w: QLineEdit | QComboBox) -> str:
            return (w.currentText() if isinstance(w, QComboBox) else w.text()).strip()

        return {"username": text(self.username), "display_name": text(self.display_name),
                "title": text(self.title), "job_title": text(self.job_title), "email": text(self.email),
                "phone": text(self.phone), "role": self.role.currentData(), "team": text(self.team),
                "fte": self.fte.value(), "start_date": self.start_date.typed()}

    def changes(self) -> tuple[dict[str, Any], list[Problem]]:
        """The fields that differ from the record (all of them for a new person), and what is wrong."""
        read, problems = {}, []
        for field, value in self.typed().items():
            try:
                read[field] = READERS[field](value)
            except FieldRefused as exc:
                problems.append(Problem(field, str(exc)))
        if self.record is not None:
            read = {f: v for f, v in read.items() if v != self.record.value(f)}
        return read, problems

    def changed(self, *_: object) -> None:
        self._refused = False
        self.revalidate()

    def revalidate(self) -> None:
        if not hasattr(self, "ok"):
            return
        read, problems = self.changes()
        show_problems(self.rows, self.general, problems)
        nothing = self.record is not None and not read
        self.ok.setEnabled(not problems and not nothing and not self._refused and not self.saving
                           and not unreadable_dates(self))
        grow_to_fit(self)

    # --- saving ------------------------------------------------------------------------------------
    def save_call(self) -> Callable[[], Any] | None:
        read, problems = self.changes()
        if problems:
            return None
        ctx, actor, record = self.desktop.ctx, self.desktop.actor, self.record
        if record is None:
            return lambda: add_staff(ctx, actor, read)
        return lambda: change_staff(ctx, actor, record.username, read, expected_version=record.version)

    def accept(self) -> None:
        if self.saving or not self.ok.isEnabled():
            return
        call = self.save_call()
        if call is not None:
            self.start_save(call, announce=case_changed(self.desktop, 0))

    def saving_changed(self, saving: bool) -> None:
        self.revalidate()

    def on_refused(self, exc: BaseException) -> None:
        self._refused = True
        if isinstance(exc, ConflictError):
            self.general.set_reasons([CONFLICT])
        elif isinstance(exc, ValidationError):
            show_problems(self.rows, self.general, exc.problems)
        else:
            super().on_refused(exc)
        self.ok.setEnabled(False)
        grow_to_fit(self)

    def problem_text(self) -> str:
        return "\n".join(t for t in [r.problem.reasons() for r in self.rows] + [self.general.reasons()] if t)


__all__ = ["StaffEditDialog"]
