"""Small pieces of the main window's frame: what a tab shows before its page is built, and the toolbar's
pickers, which keep one width whatever they list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

PICKER_CHARACTERS = 30  # "Kirsty Davies (team lead)" and most names fit; longer ones are elided, listed whole


def opening_page(title: str, parent: QWidget) -> QLabel:
    """What a fixed tab shows in the moment between the window appearing and its page being built."""
    page = QLabel(f"Opening {title}\u2026", parent)
    page.setAlignment(Qt.AlignmentFlag.AlignCenter)
    page.setEnabled(False)  # greyed: nothing to do here yet
    return page


def fixed_width(picker: QComboBox) -> None:
    """A toolbar picker as wide before the staff list loads as after, so the toolbar does not jump."""
    picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    picker.setMinimumContentsLength(PICKER_CHARACTERS)
    picker.view().setTextElideMode(Qt.TextElideMode.ElideNone)
