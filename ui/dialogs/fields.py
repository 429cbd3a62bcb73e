"""Small input widgets the step forms share: a date box (and an optional one), a yes/no choice, how
something was sent, and a problem label."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QToolButton,
    QWidget,
)

from caseworker.dates_typed import EARLIEST, LATEST, UnreadableDate, date_in_words, read_typed_date, typed_form
from caseworker.errors import CaseworkerError, ValidationError
from caseworker.views.case_detail import AdviceView
from ui.status import status_colour, status_icon
from ui.widgets.wording import ADVICE_LONG, SENT_BY_WORDS, short_date

PROBLEM_STATUS = "overdue"  # the red cross: a problem is shown in words, with an icon, and in red


DATE_TIP = ("Type the date day first: 01/09/2026, 1/9/26, 01092026, 2026-09-01 or 1 Sep 2026. A two-digit year "
            "is this century: 26 is 2026. The arrow keys and the mouse wheel never change the date; to pick it from "
            "a calendar, use the button beside it or Alt+Down.")


class DateBox(QLineEdit):
    """The typed part of a date field: plain text, so nothing but typing (or the calendar) changes it."""

    calendar_wanted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt_arrow = event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and bool(
            event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if alt_arrow or event.key() == Qt.Key.Key_F4:  # the keys a combo box opens its list with
            event.accept()
            self.calendar_wanted.emit()
            return
        super().keyPressEvent(event)


class DateEdit(QWidget):
    """A date typed whole, day first, read back in words beside it ("Tuesday 1 September 2026").

    ``value()`` is the date the text reads as; while the text is not a date (being typed, or impossible)
    the field says why in red, ``problem()`` gives the reason, ``value()`` keeps the last date read, and
    forms keep OK disabled (``unreadable_dates``). ``dateChanged`` carries the date read, or None, each
    time the reading changes. With ``blank`` words the field may be left empty (it then reads those words).
    """

    dateChanged = Signal(object)

    def __init__(self, value: date | None, parent: QWidget | None = None, *, blank: str | None = None,
                 earliest: date = EARLIEST, latest: date = LATEST) -> None:
        super().__init__(parent)
        self.earliest, self.latest, self.blank = earliest, latest, blank
        self._last = value or earliest
        self._reading: date | str | None = None  # the date read, the reason it cannot be, or None when blank
        self._description = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.box = DateBox(self)
        self.box.setPlaceholderText("dd/mm/yyyy")
        self.box.setToolTip(DATE_TIP)
        self.box.setMinimumWidth(self.box.fontMetrics().horizontalAdvance("30 Sept 2026") + 16)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down from the box does the same
        self.calendar_button.setToolTip("Pick the date from a calendar (Alt+Down)")
        self.calendar_button.setAccessibleName("Pick the date from a calendar")
        self.words = QLabel(self)
        self.words.setTextFormat(Qt.TextFormat.PlainText)
        self.words.setWordWrap(True)
        self.words.setAccessibleName("The date read as")
        self.problem_label = ProblemLabel(self)
        layout.addWidget(self.box)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.words, 1)
        layout.addWidget(self.problem_label, 1)
        self.setFocusProxy(self.box)
        self.calendar: QCalendarWidget | None = None
        self.box.textChanged.connect(self._read)
        self.box.editingFinished.connect(self._tidy)
        self.box.calendar_wanted.connect(self.open_calendar)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.box.setText(typed_form(value) if value is not None else "")
        self._read()

    # --- what the form reads -----------------------------------------------------------------------
    def value(self) -> date:
        """The date typed; while the text is not a date, the last one it was (OK waits meanwhile)."""
        return self._last

    def typed(self) -> date | None:
        """The date the text reads as now, or None (blank, or not a date)."""
        return self._reading if isinstance(self._reading, date) else None

    def problem(self) -> str | None:
        """Why the text is not a date, or None when it is one (or is a blank that may be left)."""
        return self._reading if isinstance(self._reading, str) else None

    def text(self) -> str:
        return self.box.text()

    def set_value(self, value: date | None) -> None:
        self.box.setText(typed_form(value) if value is not None else "")

    # --- reading as the user types -----------------------------------------------------------------
    def _read(self) -> None:
        text = self.box.text()
        reading: date | str | None
        if not text.strip() and self.blank is not None:
            reading = None
        else:
            try:
                reading = read_typed_date(text, self.earliest, self.latest)
            except UnreadableDate as exc:
                reading = exc.reason
        if isinstance(reading, date):
            self._last = reading
        before = (self.typed(), self.problem() is None)
        self._reading = reading
        self._show_reading()
        if (self.typed(), self.problem() is None) != before:  # a new date, or the text stopped (or started) being one
            self.dateChanged.emit(self.typed())

    def _show_reading(self) -> None:
        reading = self._reading
        words = date_in_words(reading) if isinstance(reading, date) else (self.blank or "")
        self.words.setText(words)
        self.problem_label.set_reasons([reading] if isinstance(reading, str) else [])
        self.words.setVisible(not isinstance(reading, str))
        self._describe()

    def _tidy(self) -> None:
        """Once the user moves on, show a date read from 1/9/26 as 01/09/2026: what was understood."""
        reading = self.typed()
        if reading is not None and self.box.text() != typed_form(reading):
            self.box.setText(typed_form(reading))

    # --- the calendar: the one way to pick a date other than typing it --------------------------------
    def open_calendar(self) -> None:
        if not self.isEnabled():
            return
        if self.calendar is None:
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setGridVisible(True)
            self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            self.calendar.setDateRange(qdate(self.earliest), qdate(self.latest))
            self.calendar.setAccessibleName("Calendar")
            self.calendar.clicked.connect(self._picked)
            self.calendar.activated.connect(self._picked)
        self.calendar.setSelectedDate(qdate(self.typed() or self.value()))
        self.calendar.adjustSize()
        self.calendar.move(self.box.mapToGlobal(QPoint(0, self.box.height())))
        self.calendar.show()
        self.calendar.setFocus()

    def _picked(self, picked: QDate) -> None:
        if self.calendar is not None:
            self.calendar.hide()
        value = picked.toPython()
        assert isinstance(value, date)
        self.set_value(value)
        self.box.setFocus()

    # --- accessibility -----------------------------------------------------------------------------
    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.box.setAccessibleName(name)

    def setAccessibleDescription(self, description: str) -> None:
        """A form's problem with the date (set here) is read out with the field's own reading of it."""
        super().setAccessibleDescription(description)
        self._description = description
        self._describe()

    def _describe(self) -> None:
        own = self.problem() or self.words.text()
        self.box.setAccessibleDescription("; ".join(t for t in (own, self._description) if t))


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def unreadable_dates(root: QWidget) -> list[DateEdit]:
    """The date fields in use under ``root`` whose text is not a date: a form's OK waits for them."""
    return [edit for edit in root.findChildren(DateEdit) if edit.problem() is not None and edit.isEnabledTo(root)]


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
