"""The Team tab's place in the main window: shown to team leads and admins (who can move work), hidden
from everyone else; View > Team (Ctrl+4) goes to it. Kept here so the main window only attaches it."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget, QWidget

from ui.context import DesktopContext
from ui.panels.team import TeamPanel
from ui.widgets.frame_parts import drop_opening_page, place_page

TITLE = "Team"


class HasTabs(Protocol):
    desktop: DesktopContext
    tabs: QTabWidget

    def open_case(self, case_id: int) -> None: ...


def attach_team_tab(window: HasTabs) -> TeamPanel:
    assert isinstance(window, QMainWindow)
    panel = TeamPanel(window.desktop, window)
    panel.open_case.connect(window.open_case)
    attach_lead_tab(window, panel, title=TITLE, menu_text="&Team", shortcut="Ctrl+4", name="show_team")
    return panel


def attach_lead_tab(window: HasTabs, panel: QWidget, *, title: str, menu_text: str, shortcut: str,
                    name: str) -> QAction:
    """Show `panel` as a fixed tab to team leads and admins only, re-placed whenever the actor changes,
    with a View menu entry that goes to it. The panel must have `load_when_shown()`."""
    assert isinstance(window, QMainWindow)
    show = QAction(menu_text, window, shortcut=QKeySequence(shortcut))
    show.setObjectName(name)
    show.triggered.connect(lambda: window.tabs.setCurrentWidget(panel) if window.tabs.indexOf(panel) >= 0 else None)
    for action in window.menuBar().actions():
        menu = action.menu()
        if action.text() == "&View" and isinstance(menu, QMenu):
            menu.addAction(show)

    def place() -> None:
        lead = window.desktop.can_view_team
        index = window.tabs.indexOf(panel)
        show.setVisible(lead)
        if lead and index < 0 and place_page(window.tabs, panel, title) >= 0:
            panel.load_when_shown()  # type: ignore[attr-defined]  # read when a lead opens it, not at start
        elif lead and index < 0:
            # After the fixed pages (those without a close button), before any open case.
            bar = window.tabs.tabBar()
            at = next((i for i in range(window.tabs.count())
                       if bar.tabButton(i, bar.ButtonPosition.RightSide) is not None), window.tabs.count())
            index = window.tabs.insertTab(at, panel, title)
            bar.setTabButton(index, bar.ButtonPosition.RightSide, None)
            panel.load_when_shown()  # type: ignore[attr-defined]  # read when a lead opens it, not at start
        elif not lead and index >= 0:
            window.tabs.removeTab(index)
        elif not lead:
            drop_opening_page(window.tabs, title)  # the frame's stand-in, if it has one

    window.desktop.actor_changed.connect(place)
    place()
    panel.show_action = show  # type: ignore[attr-defined]
    return show
