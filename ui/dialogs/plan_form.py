"""The shape every plan step form shares (reviews, amendments, transfers, ceasing, the year group).

Like the request's step forms (ui.dialogs.base): fields with a problem line under each, what the step
would mean below them, OK (Alt+S) enabled only while nothing typed is wrong, the save run through the
service off the UI thread, and a refusal shown beside the field it names with the form still open. The
dates are checked here as the service checks them (not before the plan was issued, not after today); what
a step would mean is worked out by the plan clocks themselves on the plan as it would then stand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import ConflictError, Problem, ValidationError
from caseworker.services.plans import check_day
from caseworker.statutory.plan_facts import PlanFacts
from caseworker.statutory.plans import PlanClocks, clocks_for
from caseworker.views.case_detail import CaseDetail
from caseworker.views.plan_detail import PlanDetail
from ui.context import DesktopContext
from ui.dialogs.base import FieldRow, Matcher, form_row, grow_to_fit, show_problems
from ui.dialogs.fields import OptionalDate, ProblemLabel, unreadable_dates
from ui.dialogs.saving import CaseTaskDialog

CONFLICT = ("Someone else changed this case since you opened this form, so nothing was saved. The record behind "
            "reloads with their change: close this form and open it again.")


class Choice(QWidget):
    """Radio buttons with no default (a decision is never pre-filled); ``value()`` is the chosen code."""

    changed = Signal()

    def __init__(self, options: Iterable[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.options: dict[str, QRadioButton] = {}
        for code, text in options:
            button = QRadioButton(text, self)
            self.group.addButton(button)
            layout.addWidget(button)
            button.toggled.connect(lambda _on: self.changed.emit())
            self.options[code] = button
        layout.addStretch(1)

    def value(self) -> str | None:
        return next((code for code, b in self.options.items() if b.isChecked()), None)

    def set_value(self, code: str) -> None:
        self.options[code].setChecked(True)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        for button in self.options.values():
            button.setAccessibleDescription(name)


class PlanStepDialog(CaseTaskDialog):
    """One step on a plan in place, as a small form. Subclasses fill in the hooks."""

    step: ClassVar[str] = ""
    heading: ClassVar[str] = ""
    ok_text: ClassVar[str] = "&Save"  # Alt+S: no field of a plan form may take S

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plan = detail.plan
        if plan is None or plan.facts is None:
            raise ValueError(f"{detail.reference} has no plan in place")
        self.desktop, self.detail = desktop, detail
        self.plan: PlanDetail = plan
        self.facts: PlanFacts = plan.facts
        self.today = desktop.today()
        self.clocks: PlanClocks = clocks_for(desktop.ctx.engine.rules, desktop.ctx.engine.calendar)
        self.rows: list[FieldRow] = []
        self._refused = False
        self.setWindowTitle(f"{self.heading}: {detail.reference} {detail.child}")
        self.setAccessibleName(self.heading)
        self.setMinimumWidth(600)
        outer = QVBoxLayout(self)
        self.intro = self._words("About this step")
        outer.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        outer.addLayout(self.form)
        self.build()
        self.general = ProblemLabel(self)
        outer.addWidget(self.general)
        self.consequence = self._words("What this step means")
        self.consequence.setFrameShape(QFrame.Shape.StyledPanel)
        self.consequence.setMargin(8)
        self.consequence.setMinimumHeight(self.fontMetrics().height() * 3 + 16)
        self.consequence.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        outer.addWidget(self.consequence)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.ok_text)
        self.ok.setDefault(True)
        self.ok.setAccessibleName(self.ok_text.replace("&", ""))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.intro.setText(self.intro_text())
        self.revalidate()

    def _words(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        return label

    # --- hooks -------------------------------------------------------------------------------------
    def build(self) -> None:
        """Add the fields with ``add_row``; connect each one's change to ``changed``."""

    def intro_text(self) -> str:
        return ""

    def problems(self) -> list[Problem]:
        """What is wrong with what is typed, by the service's field names (checked as it is typed)."""
        return []

    def missing(self) -> str | None:
        """A plain hint while something required is not chosen yet (not an error)."""
        return None

    def meaning(self) -> str:
        """What the step would mean, once the form is complete and right."""
        return ""

    def case_id(self) -> int:
        return self.detail.case_id

    def task(self) -> Callable[[], Any]:
        """The service call with every value read now (it runs on a worker thread)."""
        raise NotImplementedError

    # --- helpers for the forms ---------------------------------------------------------------------
    def add_row(self, text: str, widget: QWidget, matches: Matcher | Iterable[str], *,
                accessible: str | None = None) -> FieldRow:
        row = form_row(self, self.form, text, widget, matches, accessible)
        self.rows.append(row)
        return row

    def add_note(self, label: QLabel) -> None:
        """Words under the fields, in the field column (a due day worked out as the user types)."""
        self.form.addRow("", label)

    def day_problems(self, problems: list[Problem], field: str, d: date | None, *, ahead: bool = False) -> None:
        """Not before the plan was issued, not after today (``ahead``: not more than a year ahead)."""
        check_day(problems, field, d, self.facts, self.today, ahead=ahead)

    def would_be(self, facts: PlanFacts) -> Any:
        """The plan's schedule on ``facts`` (the plan as the step would leave it), for today."""
        return self.clocks.schedule(facts, self.today)

    # --- checking as the user types ----------------------------------------------------------------
    def changed(self, *_: object) -> None:
        self._refused = False
        self.revalidate()

    def revalidate(self) -> None:
        if not hasattr(self, "ok"):
            return  # still building
        unread = bool(unreadable_dates(self))
        problems = [] if unread else self.problems()
        show_problems(self.rows, self.general, problems)
        missing = None if problems or unread else self.missing()
        if problems or unread:
            text = "Correct the problem shown above to see what this step means."
        else:
            text = missing or self.meaning()
        self.consequence.setText(text)
        self.consequence.setAccessibleDescription(text)
        self.ok.setEnabled(not unread and not problems and not missing and not self.saving and not self._refused)
        grow_to_fit(self)

    def problem_text(self) -> str:
        """Every problem shown, for tests and the status line."""
        return "\n".join(t for t in [r.problem.reasons() for r in self.rows] + [self.general.reasons()] if t)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            grow_to_fit(self)

    # --- saving ------------------------------------------------------------------------------------
    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._refused = True
            show_problems(self.rows, self.general, exc.problems)
            self.consequence.setText("Nothing was saved. Correct the problem shown above and try again.")
        elif isinstance(exc, ConflictError):
            self._refused = True
            self.general.set_reasons([CONFLICT])
            self.desktop.data_changed.emit(self.detail.case_id)
        else:
            super().on_refused(exc)
        self.ok.setEnabled(not self._refused and self.ok.isEnabled())
        grow_to_fit(self)

    @property
    def version(self) -> int:
        return self.detail.version


def optional(form: PlanStepDialog, text: str, value: date | None) -> OptionalDate:
    """A date that may be left out, ticked and filled when known; Alt+its label reaches the tick box."""
    edit = OptionalDate(text, value or form.today, form)
    edit.set_value(value)
    edit.setFocusProxy(edit.given)
    edit.changed.connect(form.changed)
    return edit


__all__ = ["Choice", "PlanStepDialog", "optional"]
