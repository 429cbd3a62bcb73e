"""The strip across the top of the main window that says the team database cannot be reached, and
then that it can again. Plain words, no error codes: what happened, when, and that the app is
trying again by itself (Try now for the impatient)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

BACK_SHOWN_MS = 6000  # "Back in contact" stays this long, then the strip goes

LOST_STYLE = "QFrame#contact_banner { background: #fdecea; border-bottom: 1px solid #b3261e; } " \
             "QLabel { color: #7a1b14; }"
BACK_STYLE = "QFrame#contact_banner { background: #e6f4ea; border-bottom: 1px solid #1e7e34; } " \
             "QLabel { color: #14532d; }"


def lost_words(at: datetime) -> str:
    return (f"Lost contact with the team database at {at.astimezone():%H:%M}; trying again\u2026 "
            "Anything you are typing is kept: save it once back in contact.")


BACK_WORDS = "Back in contact with the team database. Every page is reloading to show what changed meanwhile."


class ContactBanner(QFrame):
    try_now = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contact_banner")
        self.setAccessibleName("Connection")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.text.font()
        bold.setBold(True)
        self.text.setFont(bold)
        self.retry = QPushButton("&Try now", self)
        self.retry.setAccessibleName("Try to reach the team database now")
        self.retry.clicked.connect(self.try_now)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.retry)
        self.back_shown_ms = BACK_SHOWN_MS
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self.hide)
        self.hide()

    def show_lost(self, at: datetime) -> None:
        self._fade.stop()
        self.setStyleSheet(LOST_STYLE)
        self.text.setText(lost_words(at))
        self.setAccessibleDescription(self.text.text())
        self.retry.show()
        self.show()

    def show_back(self) -> None:
        self.setStyleSheet(BACK_STYLE)
        self.text.setText(BACK_WORDS)
        self.setAccessibleDescription(BACK_WORDS)
        self.retry.hide()
        self.show()
        self._fade.start(self.back_shown_ms)

    def words(self) -> str:
        return self.text.text() if self.isVisible() else ""


def plain_reason(exc: BaseException) -> str:
    """Why a page could not load, in words: a lost connection is said plainly (the page reloads by itself
    once back in contact), anything else as its own message."""
    from caseworker.services.live_updates import is_lost_contact  # loaded with the pages, after the first paint

    if is_lost_contact(exc):
        return "the team database cannot be reached just now; this page reloads once back in contact"
    return str(exc)


def banner_over(banner: ContactBanner, page: QWidget) -> QWidget:
    """The main window's centre: the banner (hidden while all is well) above its pages."""
    centre = QWidget(page.parentWidget())
    column = QVBoxLayout(centre)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(banner)
    column.addWidget(page, 1)
    return centre


__all__ = ["ContactBanner", "banner_over", "lost_words", "plain_reason"]
