"""The shape every step form shares: fields, problems beside them, the consequence, save off-thread.

A form subclass declares its fields in ``build``, says what the step would mean in ``preview`` (a
pure function of what is typed: ``caseworker.statutory.preview``), and returns the service call in
``task``. The base re-checks on every change, so a date the service would refuse is refused next to
its field at once and OK stays disabled; the consequence is shown in plain words below. OK runs the
service through the desktop's task runner; a refusal comes back beside the fields with the dialog
still open, a conflict offers to reload the case, and success announces ``data_changed`` and closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import ConflictError, Problem, ValidationError
from caseworker.statutory.engine import RequestFacts
from caseworker.statutory.preconditions import step_blocked
from caseworker.statutory.preview import Preview
from caseworker.views.case_detail import CaseDetail, load_case_detail
from ui.context import DesktopContext
from ui.dialogs.fields import ProblemLabel, unreadable_dates
from ui.dialogs.saving import CaseTaskDialog, case_changed
from ui.tasks import alive as alive  # kept here for the dialogs; pages import it from ui.tasks
from ui.widgets.wording import MILESTONE_SHORT, long_date, week_of

Matcher = Callable[[str], bool]


@dataclass
class FieldRow:
    label: QLabel
    widget: QWidget
    problem: ProblemLabel
    matches: Matcher


def show_problems(rows: list[FieldRow], general: ProblemLabel, problems: list[Problem]) -> None:
    """Each problem beside the field it names (and read out with it); the rest under the form."""
    left = list(problems)
    for row in rows:
        mine = [p for p in problems if row.matches(p.field)]
        row.problem.set_reasons([p.reason for p in mine])
        row.widget.setAccessibleDescription("; ".join(p.reason for p in mine))
        left = [p for p in left if p not in mine]
    general.set_reasons([p.reason for p in left])


def form_row(owner: QWidget, form: QFormLayout, text: str, widget: QWidget, matches: Matcher | Iterable[str],
             accessible: str | None = None) -> FieldRow:
    """A labelled field with its problem line under it, named for screen readers."""
    label = QLabel(text, owner)
    label.setBuddy(widget)
    problem = ProblemLabel(owner)
    cell = QWidget(owner)
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(widget)
    box.addWidget(problem)
    widget.setParent(cell)
    widget.setAccessibleName(accessible or text.replace("&", "").rstrip(":"))
    form.addRow(label, cell)
    matcher = matches if callable(matches) else fields_named(*matches)
    return FieldRow(label, widget, problem, matcher)


def grow_to_fit(dialog: QWidget) -> None:
    """Grow a form to fit what was just shown (a problem that wraps onto a second line); never shrink it
    under the user. Its least height is set too: Qt works out no window minimum from words that wrap, so a
    form could be dragged (or left) shorter than its fields, squashing a date to half its height."""
    layout = dialog.layout()
    if layout is None or not dialog.isVisible():
        return
    layout.activate()
    # A form given its own least width no longer gets its layout's: keep the wider of the two.
    dialog.setMinimumWidth(max(dialog.minimumWidth(), layout.totalMinimumSize().width()))
    width = max(dialog.width(), dialog.minimumWidth())
    wraps = layout.hasHeightForWidth()
    least = layout.totalMinimumHeightForWidth(width) if wraps else layout.totalMinimumSize().height()
    need = layout.totalHeightForWidth(width) if wraps else layout.totalSizeHint().height()
    dialog.setMinimumHeight(least)
    if max(need, least) > dialog.height() or width > dialog.width():
        dialog.resize(width, max(need, least, dialog.height()))


def fields_named(*names: str) -> Matcher:
    return lambda field: field in names


class StepDialog(CaseTaskDialog):
    """One step of the 20-week process, as a small form. Subclasses fill in the four hooks."""

    step: ClassVar[str] = ""
    heading: ClassVar[str] = ""
    ok_text: ClassVar[str] = "&Save"  # Alt+S: no field of a step form may take S

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if detail.deadlines is None:
            raise ValueError("a plan in place has no assessment steps")
        self.desktop, self.detail = desktop, detail
        self.today = desktop.today()
        self.rows: list[FieldRow] = []
        self._refused = False
        self.setWindowTitle(f"{self.heading}: {detail.reference} {detail.child}")
        self.setAccessibleName(self.heading)
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setAccessibleName("About this step")
        outer.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        outer.addLayout(self.form)
        self.build()
        self.general = ProblemLabel(self)
        outer.addWidget(self.general)
        self.consequence = QLabel(self)
        self.consequence.setWordWrap(True)
        self.consequence.setTextFormat(Qt.TextFormat.PlainText)
        self.consequence.setFrameShape(QFrame.Shape.StyledPanel)
        self.consequence.setMargin(8)
        self.consequence.setMinimumHeight(self.fontMetrics().height() * 3 + 16)
        self.consequence.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.consequence.setAccessibleName("What this step means")
        self.consequence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.consequence)
        self._build_conflict(outer)
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

    def _build_conflict(self, outer: QVBoxLayout) -> None:
        self.conflict = QFrame(self)
        self.conflict.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.conflict)
        self.conflict_text = QLabel(self.conflict)
        self.conflict_text.setWordWrap(True)
        self.reload_button = QPushButton("Re&load the case", self.conflict)
        self.reload_button.setAutoDefault(False)
        self.reload_button.clicked.connect(self.reload)
        row.addWidget(self.conflict_text, 1)
        row.addWidget(self.reload_button)
        self.conflict.setAccessibleName("Someone else changed this case")
        self.conflict.hide()
        outer.addWidget(self.conflict)

    # --- hooks -------------------------------------------------------------------------------------
    def build(self) -> None:
        """Add the fields with ``add_row``."""

    def preview(self) -> Preview | None:
        """What the step would mean, or None while a choice is still missing."""
        return None

    def missing(self) -> str | None:
        """A plain hint while something required is not given yet (not an error)."""
        return None

    def blocked(self) -> str | None:
        """Why the step cannot be recorded on this case at all (the service's own words)."""
        return step_blocked(self.facts, self.step)

    def case_id(self) -> int:
        return self.detail.case_id

    def task(self) -> Callable[[], Any]:
        """The service call, with every value read now (it runs on a worker thread)."""
        raise NotImplementedError

    def intro_text(self) -> str:
        return ""

    def detail_changed(self) -> None:
        """The case was reloaded (after a conflict); refresh choices that depend on it."""

    # --- building helpers --------------------------------------------------------------------------
    @property
    def facts(self) -> RequestFacts:
        assert self.detail.deadlines is not None
        return self.detail.deadlines.facts

    def add_row(self, text: str, widget: QWidget, matches: Matcher | Iterable[str], *,
                accessible: str | None = None) -> FieldRow:
        row = form_row(self, self.form, text, widget, matches, accessible)
        self.rows.append(row)
        return row

    def milestone_intro(self, name: str, what: str, after: str = "") -> str:
        assert self.detail.deadlines is not None
        m = self.detail.deadlines.milestone(name)
        received = self.facts.received
        rule = self.desktop.ctx.engine.rules.milestone(name)
        work_by = f"; work by {long_date(m.work_by)}" if m.work_by != m.due else ""
        return (f"{what} The request was received on {long_date(received)}. "
                f"{MILESTONE_SHORT.get(name, name)}: due by {long_date(m.due)} "
                f"(week {week_of(received, m.due)}{work_by}), {rule.law}.{after}")

    # --- checking as the user types ----------------------------------------------------------------
    def changed(self, *_: object) -> None:
        """Connect every field's change signal here."""
        self._refused = False
        self.revalidate()

    def show_problems(self, problems: list[Problem]) -> None:
        show_problems(self.rows, self.general, problems)

    def revalidate(self) -> None:
        if not hasattr(self, "ok"):
            return  # still building
        blocked = self.blocked()
        unread = bool(unreadable_dates(self))  # a date still being typed says why beside itself
        preview = self.preview() if blocked is None and not unread else None
        problems = preview.problems if preview is not None else []
        self.show_problems(problems + ([Problem("", blocked)] if blocked else []))
        missing = self.missing()
        if blocked:
            text = "This step cannot be recorded yet."
        elif problems or unread:
            text = "Correct the problem shown above to see what this step means."
        elif preview is None or missing:
            text = missing or "Fill in the form to see what this step means."
        else:
            text = preview.consequence
        self.consequence.setText(text)
        self.consequence.setAccessibleDescription(text)
        ready = preview is not None and preview.ok and not missing
        self.ok.setEnabled(ready and not self.saving and not self._refused)
        self.fit_height()

    def fit_height(self) -> None:
        grow_to_fit(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_height()  # Qt opens a window at most 2/3 of the screen wide, whatever its fields need

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_height()  # narrower, the words wrap onto more lines

    def problem_text(self) -> str:
        """Every problem shown, for tests and the status line."""
        return "\n".join(t for t in [r.problem.reasons() for r in self.rows] + [self.general.reasons()] if t)

    # --- saving ------------------------------------------------------------------------------------
    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._refused = True
            self.show_problems(exc.problems)
            self.consequence.setText("Nothing was saved. Correct the problem shown above and try again.")
        elif isinstance(exc, ConflictError):
            self._refused = True
            self.conflict_text.setText("Someone else changed this case since you opened it, so nothing was "
                                       "saved. Reload the case to see their change; what you typed here stays.")
            self.conflict.show()
            self.reload_button.setFocus()
        else:
            super().on_refused(exc)
        self.ok.setEnabled(False if self._refused else self.ok.isEnabled())

    def reload(self) -> None:
        ctx, case_id, today = self.desktop.ctx, self.detail.case_id, self.today
        self.reload_button.setEnabled(False)
        self.desktop.runner.run(lambda: load_case_detail(ctx, case_id, today), self._reloaded, self.on_refused,
                                owner=self, announce=case_changed(self.desktop, case_id))

    def _reloaded(self, detail: CaseDetail) -> None:
        if detail.deadlines is None:
            self.general.set_reasons(["this case no longer has an assessment request on record"])
            return
        self.detail = detail
        self.reload_button.setEnabled(True)
        self.conflict.hide()
        self._refused = False
        self.detail_changed()
        self.intro.setText(self.intro_text())
        self.revalidate()
