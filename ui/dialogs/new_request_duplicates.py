"""The New request form's "may already be on record" panel.

As the child's identifying details are typed (a name with a date of birth, a UPN or an NHS number),
the stored children are asked about on the task runner, a moment after the typing stops; a stored case
that looks like the same child is named here, with a button to open it instead. Only the newest
question's answer is shown: the runner drops an older one (``latest``), and an answer to details since
typed away is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from caseworker.identifiers import IdentifierError, normalise_nhs_number, normalise_upn
from caseworker.services.duplicates import ChildDetails, StoredMatch, possible_duplicates
from ui.context import DesktopContext

HEADING = "This child may already be on record:"
SHOWN = 3  # matches listed by name; the rest are counted
PAUSE_MS = 300  # how long the typing must stop before the stored children are asked about
NO_NAME_BORN = date.min  # stands in for a date of birth not given: no stored child has it


def identifier(text: str, tidy: Callable[[str], str]) -> str | None:
    """A UPN or NHS number as stored, or None when blank or not yet a valid one (its own problem shows)."""
    if not text.strip():
        return None
    try:
        return tidy(text)
    except IdentifierError:
        return None


def child_to_check(forename: str, surname: str, born: date | None, upn: str, nhs_number: str) -> ChildDetails | None:
    """What to look for, or None until there is enough: both names with a date of birth, a UPN, or an
    NHS number. Names without a date of birth are left out, so they match nobody by name."""
    named = bool(forename.strip() and surname.strip() and born is not None)
    upn_id, nhs_id = identifier(upn, normalise_upn), identifier(nhs_number, normalise_nhs_number)
    if not named and upn_id is None and nhs_id is None:
        return None
    if not named:
        return ChildDetails("", "", NO_NAME_BORN, upn_id, nhs_id)
    assert born is not None
    return ChildDetails(forename.strip(), surname.strip(), born, upn_id, nhs_id)


def more_words(n: int) -> str:
    return f"and {n} more" if n else ""


class PossibleDuplicates(QFrame):
    """Stored cases that look like the child being typed; hidden when there are none.

    ``found`` is sent each time an answer is shown (or the panel is cleared); ``open_wanted`` carries the
    match whose "Open that case" was pressed.
    """

    found = Signal()
    open_wanted = Signal(object)

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.matches: list[StoredMatch] = []
        self._asked: ChildDetails | None = None  # the newest question (None: nothing to ask yet)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Possible duplicate")
        self.setStyleSheet("PossibleDuplicates { background: rgba(191, 122, 0, 0.10); }")
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(4)
        self.heading = QLabel(HEADING, self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        box.addWidget(self.heading)
        self.rows = QGridLayout()
        self.rows.setColumnStretch(0, 1)
        box.addLayout(self.rows)
        self.more = QLabel(self)
        box.addWidget(self.more)
        self.buttons: list[QPushButton] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self._ask_now)
        self.hide()

    # --- asking ------------------------------------------------------------------------------------
    def ask(self, child: ChildDetails | None) -> None:
        """Look for ``child`` once the typing pauses; None clears the panel at once."""
        if child == self._asked:
            return
        self._asked = child
        if child is None:
            self.timer.stop()
            self.show_matches([])
            return
        self.timer.start()

    def _ask_now(self) -> None:
        child, ctx = self._asked, self.desktop.ctx
        if child is None:
            return
        self.desktop.runner.run(lambda: possible_duplicates(ctx, child),
                                lambda found: self._answered(child, found), self._failed,
                                owner=self, latest="duplicates")

    def _answered(self, child: ChildDetails, found: list[StoredMatch]) -> None:
        if child != self._asked:
            return  # the user typed on (or cleared the details) before the next question was asked
        self.show_matches(found)

    def _failed(self, _exc: BaseException) -> None:
        """The check is a help, not a gate: the service checks open requests again when saving."""
        self.show_matches([])

    # --- showing -----------------------------------------------------------------------------------
    def show_matches(self, found: list[StoredMatch]) -> None:
        self.matches = list(found)
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.buttons = []
        for row, match in enumerate(found[:SHOWN]):
            words = QLabel(match.describe(), self)
            words.setWordWrap(True)
            words.setTextFormat(Qt.TextFormat.PlainText)
            words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            # No Alt+letter: the form's fields have taken the useful ones, and each row would want the same.
            button = QPushButton("Open that case", self)
            button.setAccessibleName(f"Open {match.reference}")
            button.setToolTip(f"Close this form and open {match.reference}")
            button.setAutoDefault(False)  # Enter still registers the request
            button.clicked.connect(lambda _=False, m=match: self.open_wanted.emit(m))
            self.rows.addWidget(words, row, 0)
            self.rows.addWidget(button, row, 1, Qt.AlignmentFlag.AlignTop)
            self.buttons.append(button)
        self.more.setText(more_words(max(0, len(found) - SHOWN)))
        self.more.setVisible(len(found) > SHOWN)
        self.setAccessibleDescription("; ".join(m.describe() for m in found))
        self.setVisible(bool(found))
        self.found.emit()

    def any_open(self) -> bool:
        """A match is an open request: a second one needs the reason why."""
        return any(m.is_open for m in self.matches)

    def allow_opening(self, allowed: bool) -> None:
        for button in self.buttons:
            button.setEnabled(allowed)
