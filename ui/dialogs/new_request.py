"""The New request form: register a request for an EHC needs assessment and start its 20-week clock.

Checked as the user types with the service's ``check_new_request``: each problem beside its field, OK
disabled until the form is right (a required field not reached yet is a hint, not an error), and below,
what registering means. OK saves on the task runner (``SavingDialog``: "Saving…", the form held open
meanwhile); a refusal comes back beside the fields. A child
who may already be on record is named above the buttons as the details are typed, with a button to open
that case instead; when one of them has an open request, the reason for a second one is asked for at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import Problem, ValidationError
from caseworker.identifiers import IdentifierError, normalise_nhs_number, normalise_postcode, normalise_upn
from caseworker.services import steps
from caseworker.services.duplicates import StoredMatch
from caseworker.services.person_checks import TITLES
from caseworker.services.steps import NewRequest
from caseworker.views.staff import StaffView, list_staff
from ui.context import DesktopContext
from ui.dialogs.base import FieldRow, fields_named, grow_to_fit, show_problems
from ui.dialogs.child_edit import SchoolPicker
from ui.dialogs.fields import DateEdit, ProblemLabel, unreadable_dates
from ui.dialogs.new_request_duplicates import PossibleDuplicates, child_to_check
from ui.dialogs.saving import SavingDialog
from ui.widgets.wording import long_date

HEADING = "New request for an EHC needs assessment"
OK_TEXT = "&Register request"
# Who asked for the assessment (the rules' request_sources), in words; an unknown code shows as itself.
SOURCE_WORDS = {"parent": "A parent or carer", "young_person": "The young person",
                "school": "A school, college or early-years setting", "health": "A health service",
                "other": "Someone else (for example social care)"}
CONTACT_ROLES = (("parent", "Parent"), ("carer", "Carer"), ("young_person", "The young person"))
ALLOCATABLE = frozenset({"caseworker", "team_lead"})
IDENTIFYING = frozenset({"forename", "surname", "date_of_birth", "upn", "nhs_number"})  # what finds a stored child
Choices = list[tuple[str, str | None]]


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def tidy_text(edit: QLineEdit, tidy: Callable[[str], str]) -> None:
    """Show a valid UPN or postcode as it will be saved; leave a wrong one as typed (its problem shows)."""
    try:
        value = tidy(edit.text()) if edit.text().strip() else ""
    except IdentifierError:
        return
    if value != edit.text():
        edit.setText(value)


class BirthDateEdit(DateEdit):
    """A date of birth with no default: it reads "Not given" until the user types one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(None, parent, blank="Not given")

    def given(self) -> date | None:
        return self.typed()


class NewRequestDialog(SavingDialog):
    """Register a new request; ``registered`` carries the new case's id once it is saved."""

    registered = Signal(int)
    open_existing = Signal(int)  # the user chose to open a stored case instead: its id

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None, *,
                 staff: list[StaffView] | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.today, self.rules = desktop, desktop.today(), desktop.ctx.engine.rules
        self.rows: list[FieldRow] = []
        self.touched: set[str] = set()  # required fields the user has been into: blank is then an error
        self.case_id: int | None = None
        self._names = {desktop.actor.username: desktop.actor.display_name}  # caseworkers' usernames to names
        self._refused = False  # a refusal is on screen: OK waits until the user changes something
        self.confirm_open: QMessageBox | None = None
        self.setWindowTitle(HEADING)
        self.setAccessibleName(HEADING)
        self.setMinimumWidth(880)
        outer = QVBoxLayout(self)
        intro = QLabel("Register a request for an EHC needs assessment. The 20-week clock starts on the day the "
                       "council received the request, not the day it is keyed in: give the date on the letter, "
                       "email or form.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName("About this form")
        outer.addWidget(intro)
        columns = QHBoxLayout()
        for groups in ((self._build_child(), self._build_request()), (self._build_contact(),)):
            column = QVBoxLayout()
            for group in groups:
                column.addWidget(group)
            column.addStretch(1)
            columns.addLayout(column, 1)
        outer.addLayout(columns)
        self.general = ProblemLabel(self)
        outer.addWidget(self.general)
        self.consequence = c = QLabel(self)  # the step forms' consequence box
        c.setWordWrap(True)
        c.setTextFormat(Qt.TextFormat.PlainText)
        c.setFrameShape(QLabel.Shape.StyledPanel)
        c.setMargin(8)
        c.setMinimumHeight(self.fontMetrics().height() * 3 + 16)
        c.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        c.setAccessibleName("What registering means")
        c.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(c)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(OK_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        for first, second in pairwise([r.widget for r in self.rows] + [self.ok, self.cancel]):
            self.setTabOrder(first, second)
        # Made after the tab order is set, so it joins the chain after OK only when it shows.
        outer.insertWidget(outer.indexOf(self.general) + 1, self._build_second_request())
        self.duplicates = PossibleDuplicates(desktop, self)
        self.duplicates.found.connect(self._duplicates_found)
        self.duplicates.open_wanted.connect(self.offer_to_open)
        outer.insertWidget(outer.indexOf(self.buttons), self.duplicates)
        self.forename.setFocus()
        if staff:
            self._fill_staff(staff)
        else:  # the staff list loads off the UI thread; the acting caseworker is offered meanwhile
            ctx = desktop.ctx
            desktop.runner.run(lambda: list_staff(ctx), self._fill_staff, lambda _e: None, owner=self)
        self.revalidate()

    # --- building ----------------------------------------------------------------------------------
    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return box, form

    def _row(self, form: QFormLayout, text: str, widget: QWidget, field: str, accessible: str) -> None:
        label, problem, box = QLabel(text, self), ProblemLabel(self), QVBoxLayout()
        label.setBuddy(widget)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(problem)
        widget.setAccessibleName(accessible)
        form.addRow(label, box)
        self.rows.append(FieldRow(label, widget, problem, fields_named(field)))
        signal = {QLineEdit: "textChanged", QComboBox: "currentIndexChanged", QPlainTextEdit: "textChanged"}
        name = next((n for cls, n in signal.items() if isinstance(widget, cls)), "dateChanged")
        getattr(widget, name).connect(lambda *_: self.changed(field))
        if isinstance(widget, QComboBox) and widget.isEditable():  # typing, not only choosing, is a change
            widget.editTextChanged.connect(lambda *_: self.changed(field))

    def _line(self, form: QFormLayout, text: str, field: str, accessible: str, max_length: int,
              placeholder: str = "", tidy: Callable[[str], str] | None = None) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder)
        self._row(form, text, edit, field, accessible)
        if tidy is not None:
            edit.editingFinished.connect(lambda: tidy_text(edit, tidy))
        return edit

    def _combo(self, form: QFormLayout, text: str, field: str, accessible: str, items: Choices) -> QComboBox:
        combo = QComboBox(self)
        for words, code in items:
            combo.addItem(words, code)
        self._row(form, text, combo, field, accessible)
        return combo

    def _build_child(self) -> QGroupBox:
        box, form = self._group("The child or young person")
        self.forename = self._line(form, "&Forename:", "forename", "Child's forename", 100)
        self.surname = self._line(form, "&Surname:", "surname", "Child's surname", 100)
        self.date_of_birth = BirthDateEdit(self)
        self._row(form, "Date of &birth:", self.date_of_birth, "date_of_birth", "Child's date of birth")
        self.upn = self._line(form, "&UPN:", "upn", "Unique pupil number (optional)", 20,
                              "Optional: 13 characters, for example B801200005001", normalise_upn)
        self.nhs_number = self._line(form, "NHS nu&mber:", "nhs_number", "NHS number (optional)", 12,
                                     "Optional: 10 digits", normalise_nhs_number)
        self.postcode = self._line(form, "&Postcode:", "postcode", "Child's home postcode (optional)", 10,
                                   "Optional", normalise_postcode)
        needs: Choices = [("Not known yet", None)]
        needs += [(f"{code}: {title}", code) for code, title in self.rules.primary_needs.items()]
        self.primary_need = self._combo(form, "Primary &need:", "primary_need", "Primary need (optional)", needs)
        self.school = SchoolPicker(self.desktop, None, "", self)
        self._row(form, "School or settin&g:", self.school, "school", "Current school or setting (optional)")
        return box

    def _build_request(self) -> QGroupBox:
        box, form = self._group("The request")
        self.received = DateEdit(self.today, self)
        self._row(form, "Recei&ved on:", self.received, "request_received", "Date the request was received")
        sources: Choices = [("Choose who asked…", None)]
        sources += [(SOURCE_WORDS.get(code, code.replace("_", " ").capitalize()), code)
                    for code in self.rules.request_sources]
        self.source = self._combo(form, "&Who asked:", "request_source", "Who asked for the assessment", sources)
        self.caseworker = self._combo(form, "&Caseworker:", "caseworker", "Caseworker", [("Unallocated", None)])
        me = self.desktop.actor
        if me.role == "caseworker":
            self.caseworker.addItem(f"{me.display_name} (caseworker)", me.username)
            self.caseworker.setCurrentIndex(1)
        return box

    def _build_contact(self) -> QGroupBox:
        box, form = self._group("Main contact")
        form.addRow(QLabel("Letters about the request go to this person.", self))
        self.contact_title = QComboBox(self)
        self.contact_title.setEditable(True)
        self.contact_title.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.contact_title.addItems(["", *TITLES])
        self._row(form, "T&itle:", self.contact_title, "contact_title", "Main contact's title (optional)")
        self.contact_forename = self._line(form, "F&orename:", "contact_forename", "Main contact's forename", 100)
        self.contact_surname = self._line(form, "Surn&ame:", "contact_surname", "Main contact's surname", 100)
        self.rows[-1].matches = fields_named("contact_surname", "contact_name")  # "give their name" goes here
        self.contact_name = self.contact_surname  # where a problem with the contact's name shows
        self.contact_role = self._combo(form, "Re&lationship:", "contact_role", "Main contact's relationship",
                                        [(words, code) for code, words in CONTACT_ROLES])
        self.contact_address = QPlainTextEdit(self)
        self.contact_address.setTabChangesFocus(True)
        self.contact_address.setPlaceholderText("House number and street\nTown")
        self.contact_address.setFixedHeight(self.contact_address.fontMetrics().lineSpacing() * 4 + 12)
        self._row(form, "A&ddress:", self.contact_address, "contact_address", "Main contact's address")
        self.contact_postcode = self._line(form, "Pos&tcode:", "contact_postcode", "Main contact's postcode", 10,
                                           tidy=normalise_postcode)
        self.contact_phone = self._line(form, "P&hone:", "contact_phone", "Main contact's phone", 50, "Optional")
        self.contact_email = self._line(form, "&Email:", "contact_email", "Main contact's email", 200, "Optional")
        return box

    def _fill_staff(self, staff: list[StaffView]) -> None:
        chosen = self.caseworker.currentData()
        self.caseworker.blockSignals(True)
        while self.caseworker.count() > 1:
            self.caseworker.removeItem(1)
        for s in staff:
            if s.active and s.role in ALLOCATABLE:
                self._names[s.username] = s.display_name
                self.caseworker.addItem(f"{s.display_name} ({s.role.replace('_', ' ')})", s.username)
        self.caseworker.setCurrentIndex(max(0, self.caseworker.findData(chosen)))
        self.caseworker.blockSignals(False)
        self.revalidate()

    def _build_second_request(self) -> QWidget:
        """Shown when the child already has an open request: a second one needs the reason why."""
        self.second_request = box = QWidget(self)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        self.duplicate_reason = QLineEdit(box)
        self.duplicate_reason.setMaxLength(500)
        self.duplicate_reason.setAccessibleName("Why this is a second request for the same child")
        self.duplicate_reason.setPlaceholderText("for example: the school asked in March, now the parent asks too")
        self.duplicate_reason.textChanged.connect(lambda _t: self.changed("duplicate_reason"))
        form.addRow("Wh&y a second request:", self.duplicate_reason)
        box.hide()
        return box

    # --- what is typed -----------------------------------------------------------------------------
    def request(self) -> NewRequest:
        """What the form says now (a blank date of birth stands in as the received date)."""
        text = {name: getattr(self, name).text().strip() or None
                for name in ("upn", "nhs_number", "postcode", "contact_forename", "contact_surname",
                             "contact_postcode", "contact_phone", "contact_email")}
        received = self.received.value()
        return NewRequest(
            forename=self.forename.text().strip(), surname=self.surname.text().strip(),
            date_of_birth=self.date_of_birth.given() or received, received=received,
            request_source=self.source.currentData(), primary_need=self.primary_need.currentData(),
            caseworker=self.caseworker.currentData(), contact_role=self.contact_role.currentData() or "parent",
            contact_address=self.contact_address.toPlainText().strip() or None,
            contact_title=self.contact_title.currentText().strip() or None, school_id=self.school.chosen(),
            duplicate_reason=self.reason_given(), **text)

    def reason_given(self) -> str | None:
        """Why a second request, when the form asks for it (a reason left from a match since typed away is not)."""
        return (self.duplicate_reason.text().strip() or None) if not self.second_request.isHidden() else None

    def problems(self) -> list[Problem]:
        """The service's checks, less blanks the user has not reached yet."""
        req = self.request()
        found = [p for p in steps.check_new_request(self.desktop.ctx, req)
                 if p.field not in ("forename", "surname") or p.field in self.touched]
        if self.date_of_birth.given() is None:
            found = [p for p in found if p.field != "date_of_birth"]
        if not self.school.listed():
            found.append(Problem("school", "choose a school from the list (type part of its name to find it)"))
        if not self.desktop.actor.can_write:
            role = self.desktop.actor.role.replace("_", " ")
            found.append(Problem("", f"your role ({role}) cannot register requests"))
        return found

    def missing(self) -> str | None:
        """A hint while something required is still to give (not an error)."""
        wanted = [words for words, absent in (
            ("the child's forename", not self.forename.text().strip()),
            ("the child's surname", not self.surname.text().strip()),
            ("the child's date of birth", self.date_of_birth.given() is None),
            ("who asked for the assessment", self.source.currentData() is None),
            ("why this is a second request for the same child", self.duplicates.any_open()
             and not self.duplicate_reason.text().strip())) if absent]
        words = ", ".join(wanted[:-1]) + " and " * (len(wanted) > 1) + "".join(wanted[-1:])
        return f"Still to give: {words}." if wanted else None

    def clock_text(self) -> str:
        """The consequence: the day the 20-week clock starts and what falls due from it."""
        received, offsets = self.received.value(), self.rules.milestone_offsets
        decide = received + timedelta(days=offsets["decision_to_assess"])
        final = received + timedelta(days=offsets["final_plan"])
        text = (f"The 20-week clock starts on {long_date(received)}: decide whether to assess by "
                f"{long_date(decide)}; the final plan is due {long_date(final)}.")
        work_by = self.desktop.ctx.engine.calendar.work_by(decide)
        if work_by != decide:
            text += f" {long_date(decide)} is not a working day: decide by {long_date(work_by)}."
        if decide < self.today:
            text += f" The decision is already {plural((self.today - decide).days, 'day')} overdue."
        elif received < self.today:
            text += (f" Received {plural((self.today - received).days, 'day')} ago: "
                     f"{plural((decide - self.today).days, 'day')} left to decide.")
        who = self._names.get(self.caseworker.currentData() or "")
        return text + (f"\n{who} will be the caseworker." if who
                       else "\nThe case will be unallocated until a team lead allocates it.")

    def changed(self, field: str) -> None:
        self.touched.add(field)
        if field in IDENTIFYING:
            self.duplicates.ask(child_to_check(self.forename.text(), self.surname.text(),
                                               self.date_of_birth.given(), self.upn.text(), self.nhs_number.text()))
        if field == "request_source" and "contact_role" not in self.touched:
            self.contact_role.blockSignals(True)  # a young person asking is usually the main contact too
            young = self.source.currentData() == "young_person"
            self.contact_role.setCurrentIndex(self.contact_role.findData("young_person" if young else "parent"))
            self.contact_role.blockSignals(False)
        self._refused = False
        self.revalidate()

    def show_problems(self, problems: list[Problem]) -> None:
        show_problems(self.rows, self.general, problems)

    def revalidate(self) -> None:
        if not hasattr(self, "ok"):
            return  # still building
        problems, missing, unread = self.problems(), self.missing(), unreadable_dates(self)
        self.show_problems(problems)
        lines = []
        if problems or unread:  # a date that is not a date yet says why beside itself
            lines.append(f"Correct the problem{'s' if len(problems) + len(unread) > 1 else ''} shown above to "
                         "register the request.")
        elif missing:
            lines.append(missing)
        if not any(p.field == "request_received" for p in problems) and self.received.problem() is None:
            lines.append(self.clock_text())
        self.consequence.setText("\n".join(lines))
        self.consequence.setAccessibleDescription("\n".join(lines))
        self.ok.setEnabled(not problems and not missing and not unread and not self.saving and not self._refused)
        self._fit()

    def _fit(self) -> None:
        """Grow (never shrink) so a problem that wraps onto a second line is never cut off."""
        grow_to_fit(self)

    def problem_text(self) -> str:
        return "\n".join(t for t in [r.problem.reasons() for r in self.rows] + [self.general.reasons()] if t)

    def row_problem(self, widget: QWidget) -> str:
        return next(r.problem.reasons() for r in self.rows if r.widget is widget)

    # --- a child already on record -----------------------------------------------------------------
    def _duplicates_found(self) -> None:
        """An open request among the matches asks for the reason now, not after a refused save."""
        wanted = self.duplicates.any_open()
        if self._refused:  # a refusal stays on screen (and its reason field open) until the user changes something
            if wanted:
                self.second_request.show()
            return
        if wanted != (not self.second_request.isHidden()):
            self.second_request.setVisible(wanted)
        self.revalidate()

    def offer_to_open(self, match: StoredMatch) -> QMessageBox | None:
        """Ask before leaving what was typed; Yes closes the form and asks the window to open the case."""
        if self.saving:
            return None
        ask = QMessageBox(QMessageBox.Icon.Question, "Open the case on record",
                          f"Close this form and open {match.reference}? What you typed here is not saved.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        ask.setDefaultButton(QMessageBox.StandardButton.No)
        ask.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = ask.button(QMessageBox.StandardButton.Yes)
        case_id = match.case_id
        yes.clicked.connect(lambda: self.open_instead(case_id))
        self.confirm_open = ask
        ask.open()
        return ask

    def open_instead(self, case_id: int) -> None:
        if self.saving:
            return
        self.open_existing.emit(case_id)
        self.reject()

    # --- saving ------------------------------------------------------------------------------------
    def accept(self) -> None:
        self.touched.update(("forename", "surname"))
        self.revalidate()
        if self.saving or not self.ok.isEnabled():  # a save already on its way, or not right yet
            return
        ctx, actor, req = self.desktop.ctx, self.desktop.actor, self.request()
        # The new case's id is the news: other windows reload even if this form has gone meanwhile.
        self.start_save(lambda: steps.register_request(ctx, actor, req), announce=self.desktop.data_changed.emit)

    def saving_changed(self, saving: bool) -> None:
        self.duplicates.allow_opening(not saving)
        self.revalidate()

    def on_saved(self, case_id: int) -> None:
        self.case_id = case_id
        self.registered.emit(case_id)
        super().on_saved(case_id)

    def on_refused(self, exc: BaseException) -> None:
        self._refused = True
        super().on_refused(exc)
        if isinstance(exc, ValidationError) and any(p.field == "duplicate" for p in exc.problems):
            self.second_request.show()
            self.duplicate_reason.setFocus()
        self.consequence.setText("Nothing was saved. Correct the problem shown above and try again.")
        self.ok.setEnabled(False)
