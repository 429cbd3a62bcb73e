"""Small pieces of the main window's frame: what a tab shows before its page is built, and the toolbar's
pickers, which keep one width whatever they list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QTabWidget, QWidget

OPENING = "caseworker_opening_page"  # the property that marks a tab's stand-in
PICKER_CHARACTERS = 30  # "Kirsty Davies (team lead)" and most names fit; longer ones are elided, listed whole


def opening_page(title: str, parent: QWidget) -> QLabel:
    """What a fixed tab shows in the moment between the window appearing and its page being built."""
    page = QLabel(f"Opening {title}\u2026", parent)
    page.setAlignment(Qt.AlignmentFlag.AlignCenter)
    page.setEnabled(False)  # greyed: nothing to do here yet
    page.setProperty(OPENING, True)
    return page


def place_page(tabs: QTabWidget, page: QWidget, title: str) -> int:
    """Put ``page`` in the tab the frame's opening page for ``title`` holds, the same tab still chosen, so
    the tab bar does not change as the pages arrive. Its index; -1 (nothing placed) with no such tab."""
    index = _opening_tab(tabs, title)
    if index >= 0:
        current, opening = tabs.currentIndex(), tabs.widget(index)
        tabs.insertTab(index, page, title)
        tabs.removeTab(index + 1)
        if opening is not None:
            opening.deleteLater()
        tabs.tabBar().setTabButton(index, tabs.tabBar().ButtonPosition.RightSide, None)  # nobody closes it
        tabs.setCurrentIndex(current)
    return index


def drop_opening_page(tabs: QTabWidget, title: str) -> None:
    """The frame's opening page for ``title`` taken away: its page is not this person's after all."""
    index = _opening_tab(tabs, title)
    if index >= 0:
        opening = tabs.widget(index)
        tabs.removeTab(index)
        if opening is not None:
            opening.deleteLater()


def _opening_tab(tabs: QTabWidget, title: str) -> int:
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if tabs.tabText(index) == title and page is not None and page.property(OPENING):
            return index
    return -1


def fixed_width(picker: QComboBox) -> None:
    """A toolbar picker as wide before the staff list loads as after, so the toolbar does not jump."""
    picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    picker.setMinimumContentsLength(PICKER_CHARACTERS)
    picker.view().setTextElideMode(Qt.TextElideMode.ElideNone)
