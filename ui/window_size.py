"""Where the main window opens: on the screen, whatever its size.

At 1400x850 the window ran past the edge of a 1280x720 laptop screen. It now opens at that size only
where it fits with its frame, centred; on a smaller screen it fills the room there is (maximised). A
size remembered from last time is used only if it still fits the screen it would open on (a laptop
taken off its big monitor opens on the laptop's own screen instead).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1400, 850)
LEAST = QSize(900, 600)
# The window manager's border and title bar: not known until the window is first shown.
FRAME = QSize(16, 48)


def opening_geometry(available: QRect, preferred: QSize = PREFERRED) -> tuple[QRect, bool]:
    """The window's rectangle on a screen with ``available`` room, and whether to open it maximised
    (when the preferred size and its frame do not fit)."""
    room = QSize(available.width() - FRAME.width(), available.height() - FRAME.height())
    fits = preferred.width() <= room.width() and preferred.height() <= room.height()
    placed = QRect(available.topLeft(), preferred.boundedTo(room))
    placed.moveCenter(available.center())
    return placed, not fits


def least_size(available: QRect) -> QSize:
    """The smallest the window may be made: never more than the screen holds."""
    return LEAST.boundedTo(QSize(available.width() - FRAME.width(), available.height() - FRAME.height()))


def fits_a_screen(window: QWidget) -> bool:
    """Whether the window, where it is now, lies wholly inside the free room of a screen."""
    if window.isMaximized() or window.isFullScreen():
        return True
    placed = window.geometry()
    screen = QGuiApplication.screenAt(placed.center())
    return screen is not None and screen.availableGeometry().contains(placed)


def place_on_screen(window: QWidget) -> None:
    """Open at the preferred size, centred on the window's screen, or maximised when that is too small."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    window.setMinimumSize(least_size(available))
    placed, maximise = opening_geometry(available)
    window.setGeometry(placed)
    state = window.windowState() & ~Qt.WindowState.WindowMaximized
    window.setWindowState(state | Qt.WindowState.WindowMaximized if maximise else state)
