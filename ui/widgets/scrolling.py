"""Pages that scroll rather than squash, and words that claim the lines they wrap onto: on a short screen
(1280x720) every part keeps the room it needs; on a tall one the page fills the window as before."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QStyle, QTabWidget, QVBoxLayout, QWidget


def scroll_when_short(owner: QWidget, content: QWidget) -> QScrollArea:
    """Make ``content`` the whole of ``owner``, inside a frameless scroll area that only scrolls when
    the window is smaller than the content's least size."""
    area = QScrollArea(owner)
    area.setWidgetResizable(True)  # as large as the window allows, never smaller than the content needs
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes through the page's own fields
    area.setWidget(content)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(area)
    return area


class WrappedLabel(QLabel):
    """Words that wrap, claiming the lines they need at the width they are given.

    A splitter or a scroll area does not ask a label how tall it must be at its width, so a long line
    that wraps onto three took the room of the fields under it (the Letters tab's To and Letter boxes
    were squeezed to 2 px). This label sets its least height to what its words need, each time its
    width or words change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._claim_lines()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._claim_lines()

    def _claim_lines(self) -> None:
        need = self.heightForWidth(self.width()) if self.text() else 0
        if need != self.minimumHeight():
            self.setMinimumHeight(max(need, 0))


class CurrentPageTabs(QTabWidget):
    """Tabs that ask for the room of the page shown, not of the largest page: on a short screen the
    record scrolls only while its tallest tab (Letters) is open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        if page is None:
            return super().minimumSizeHint()
        least = page.minimumSizeHint().expandedTo(page.minimumSize())
        bar = self.tabBar().sizeHint()
        frame = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) + 4
        return QSize(max(least.width(), super().minimumSizeHint().width()), least.height() + bar.height() + frame)
