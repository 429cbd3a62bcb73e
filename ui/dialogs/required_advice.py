"""The reg 6(1) check on a decision to issue and on a draft: which required advice has nothing on record,
and for each the reg 6(4) reason advice already available is used instead (docs/law.md#required-advice).

It is a warning, never a block: the form may still be saved without reasons. But it must be seen, so
the form waits for the check before OK is enabled, and the first press of OK with a kind left
unexplained stops once, moves to the first empty reason and renames OK "Save without reasons".
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from caseworker.services.advice import advice_missing
from caseworker.statutory.required_advice import REQUIRED_TITLES
from ui.context import DesktopContext
from ui.dialogs.base import StepDialog
from ui.status import status_colour, status_icon

WARNING_STATUS = "at_risk"  # an amber triangle: a warning, not an error
SAVE_ANYWAY = "&Save without reasons"


def warning_text(kinds: list[str]) -> str:
    named = "; ".join(REQUIRED_TITLES.get(k, k) for k in kinds)
    return (f"No advice on record for: {named}. The council must seek it before deciding to issue a plan "
            "(reg 6(1)). If advice already available is being used instead, say why for each (reg 6(4)); the "
            "reason is kept on the case. You can save without reasons.")


class RequiredAdviceBox(QFrame):
    """The warning and one reason field per required kind (all built at once, so Tab reaches them in order)."""

    changed = Signal()

    def __init__(self, desktop: DesktopContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id = desktop, case_id
        self.missing: list[str] = []
        self.loaded = False
        self._checked_on: date | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("required_advice")
        colour = status_colour(WARNING_STATUS).name()
        self.setStyleSheet(f"QFrame#required_advice {{ border: 1px solid {colour}; border-left: 4px solid {colour};"
                           " border-radius: 3px; }")
        self.setAccessibleName("Required advice missing")
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(status_icon(WARNING_STATUS, 20).pixmap(20, 20))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("Required advice warning")
        top.addWidget(icon)
        top.addWidget(self.text, 1)
        outer.addLayout(top)
        reasons = QVBoxLayout()  # each reason the full width, under the kind it is for
        reasons.setSpacing(2)
        self.reason: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        for kind, title in REQUIRED_TITLES.items():
            edit = QLineEdit(self)
            edit.setMaxLength(500)
            edit.setPlaceholderText("e.g. the report of January 2025 is current, and the family agree (reg 6(4))")
            edit.setAccessibleName(f"Reason for using {title} already available")
            edit.textChanged.connect(lambda _t: self.changed.emit())
            label = QLabel(f"Why the {title} already available is used:", self)
            label.setWordWrap(True)
            label.setBuddy(edit)
            reasons.addWidget(label)
            reasons.addWidget(edit)
            self.reason[kind], self.labels[kind] = edit, label
        outer.addLayout(reasons)
        self.set_missing([])

    # --- the check, off the UI thread --------------------------------------------------------------
    def check(self, on: date) -> None:
        """Ask the service which required kinds have nothing on record as of ``on`` (newest ask wins)."""
        if on == self._checked_on:
            return
        self._checked_on = on
        ctx, case_id = self.desktop.ctx, self.case_id
        self.desktop.runner.run(lambda: advice_missing(ctx, case_id, on), self._got, lambda _exc: self._got([]),
                                owner=self, latest="missing advice")

    def recheck(self) -> None:
        """The case changed (a reload after a conflict): ask again."""
        on, self._checked_on = self._checked_on, None
        if on is not None:
            self.check(on)

    def _got(self, kinds: list[str]) -> None:
        self.loaded = True
        self.set_missing(kinds)
        self.changed.emit()

    # --- what the form reads -----------------------------------------------------------------------
    def set_missing(self, kinds: list[str]) -> None:
        self.missing = list(kinds)
        for kind, edit in self.reason.items():
            edit.setVisible(kind in kinds)
            self.labels[kind].setVisible(kind in kinds)
        self.text.setText(warning_text(kinds) if kinds else "")
        self.setAccessibleDescription(self.text.text())

    def reasons(self) -> dict[str, str]:
        """The reasons given, for the kinds still missing: the service records each as reg 6(4) advice."""
        given = {k: self.reason[k].text().strip() for k in self.missing}
        return {k: r for k, r in given.items() if r}

    def unexplained(self) -> list[str]:
        return [k for k in self.missing if not self.reason[k].text().strip()]

    def first_unexplained(self) -> QLineEdit | None:
        kinds = self.unexplained()
        return self.reason[kinds[0]] if kinds else None


class RequiredAdviceStep(StepDialog):
    """A step form that shows the reg 6(1) check: the decision to issue (a "yes") and the draft."""

    def add_required_advice(self) -> None:
        """Call at the end of ``build``: the box sits under the fields, before OK in the Tab order."""
        self._warned = False
        self.required = RequiredAdviceBox(self.desktop, self.detail.case_id, self)
        self.required.hide()
        self.form.addRow(self.required)
        self.required.changed.connect(self.changed)

    # hooks
    def advice_on(self) -> date:
        """The day the check is made for (the step's own date: the year group can turn on it)."""
        return self.today

    def wants_required_advice(self) -> bool:
        return True

    # what the subclass uses
    def required_missing(self) -> str | None:
        if self.wants_required_advice() and not self.required.loaded:
            return "Checking the advice on record…"
        return None

    def existing_advice(self) -> dict[str, str] | None:
        return (self.required.reasons() or None) if self.wants_required_advice() else None

    def revalidate(self) -> None:
        if not hasattr(self, "ok"):
            return  # still building
        if hasattr(self, "required"):
            want = self.wants_required_advice()
            if want:
                self.required.check(self.advice_on())
            shown = want and bool(self.required.missing)
            if shown != self.required.isVisible():
                self.required.setVisible(shown)
                self.adjustSize()
        super().revalidate()
        if hasattr(self, "required") and not self.saving:
            unexplained = self.wants_required_advice() and bool(self.required.unexplained())
            self.ok.setText(SAVE_ANYWAY if self._warned and unexplained else self.ok_text)

    def accept(self) -> None:
        """The first OK with a kind unexplained stops, once, at the warning; the next saves."""
        if (not self.saving and self.ok.isEnabled() and self.wants_required_advice()
                and self.required.unexplained() and not self._warned):
            self._warned = True
            self.ok.setText(SAVE_ANYWAY)
            first = self.required.first_unexplained()
            if first is not None:
                first.setFocus()
            return
        super().accept()

    def detail_changed(self) -> None:
        self.required.recheck()
