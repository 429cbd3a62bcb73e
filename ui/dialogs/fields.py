"""Small input widgets the step forms share: a date box (and an optional one), a yes/no choice, how
something was sent, and a problem label."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QWidget,
)

from caseworker.errors import CaseworkerError, ValidationError
from caseworker.views.case_detail import AdviceView
from ui.status import status_colour, status_icon
from ui.widgets.wording import ADVICE_LONG, SENT_BY_WORDS, short_date

PROBLEM_STATUS = "overdue"  # the red cross: a problem is shown in words, with an icon, and in red


class DateEdit(QDateEdit):
    """A dd/MM/yyyy date with a calendar popup; ``value()`` is a ``datetime.date``."""

    def __init__(self, value: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setMinimumDate(QDate(1990, 1, 1))
        self.setMaximumDate(QDate(2100, 12, 31))
        self.setCorrectionMode(QDateEdit.CorrectionMode.CorrectToPreviousValue)
        self.set_value(value)

    def value(self) -> date:
        picked = self.date().toPython()
        assert isinstance(picked, date)
        return picked

    def set_value(self, value: date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))


class OptionalDate(QWidget):
    """A date that may be left out: a check box ("ended on") that enables its date box."""

    changed = Signal()

    def __init__(self, text: str, value: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.given = QCheckBox(text, self)
        self.edit = DateEdit(value, self)
        self.edit.setEnabled(False)
        layout.addWidget(self.given)
        layout.addWidget(self.edit, 1)
        self.given.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        if on:
            self.edit.setFocus()
        self.changed.emit()

    def value(self) -> date | None:
        return self.edit.value() if self.given.isChecked() else None

    def set_value(self, value: date | None) -> None:
        if value is not None:
            self.edit.set_value(value)
        self.given.setChecked(value is not None)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.given.setAccessibleDescription(name)
        self.edit.setAccessibleName(name)


class SentBy(QComboBox):
    """Email, portal, hand or post; ``value()`` is the code the services take."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for code, words in SENT_BY_WORDS.items():
            self.addItem(words, code)

    def value(self) -> str:
        return str(self.currentData())

    def set_value(self, code: str) -> None:
        self.setCurrentIndex(max(0, self.findData(code)))


class YesNo(QWidget):
    """Two radio buttons with no default: a statutory decision is never pre-filled."""

    changed = Signal()

    def __init__(self, yes: str, no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.yes, self.no = QRadioButton(yes, self), QRadioButton(no, self)
        self.group = QButtonGroup(self)
        for button in (self.yes, self.no):
            self.group.addButton(button)
            layout.addWidget(button)
            button.toggled.connect(lambda _checked: self.changed.emit())
        layout.addStretch(1)

    def value(self) -> bool | None:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def set_value(self, value: bool) -> None:
        (self.yes if value else self.no).setChecked(True)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.yes.setAccessibleDescription(name)
        self.no.setAccessibleDescription(name)


class ProblemLabel(QWidget):
    """What is wrong with one field: a red cross icon and the reason in red words; hidden when fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.icon = QLabel(self)
        self.icon.setPixmap(status_icon(PROBLEM_STATUS, 16).pixmap(16, 16))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setStyleSheet(f"color: {status_colour(PROBLEM_STATUS).name()};")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        self.setAccessibleName("Problem")
        self.hide()

    def set_reasons(self, reasons: list[str]) -> None:
        words = "\n".join(f"{r[:1].upper()}{r[1:]}." if not r.endswith(".") else r for r in reasons)
        self.text.setText(words)
        self.setAccessibleDescription(words)
        self.setVisible(bool(reasons))

    def reasons(self) -> str:
        return self.text.text() if not self.isHidden() else ""

    def show_refusal(self, exc: BaseException) -> None:
        """A service's refusal in its own words; anything unexpected said plainly (nothing was saved)."""
        if isinstance(exc, ValidationError):
            self.set_reasons([p.reason for p in exc.problems])
        elif isinstance(exc, CaseworkerError):
            self.set_reasons([str(exc)])
        else:
            self.set_reasons([f"something went wrong ({type(exc).__name__}: {exc}); nothing was changed"])


def fill_advice_choices(combo: QComboBox, choices: Iterable[AdviceView], keep: Any) -> None:
    """Offer advice requests by kind, service and dates, keeping ``keep`` (an advice id) chosen if offered."""
    combo.blockSignals(True)
    combo.clear()
    for a in choices:
        service = f", {a.service}" if a.service else ""
        combo.addItem(f"{ADVICE_LONG.get(a.kind, a.kind)}{service}: requested {short_date(a.requested)}, "
                      f"due {short_date(a.due)}", a.id)
    index = combo.findData(keep) if keep is not None else -1
    combo.setCurrentIndex(max(index, 0) if combo.count() else -1)
    combo.blockSignals(False)
