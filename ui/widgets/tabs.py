"""Tab titles that carry a count ("Letters (3)"), set by the page itself when its data lands."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget


def set_own_tab_text(page: QWidget, text: str) -> None:
    """Retitle the tab that shows ``page`` (a QTabWidget parents its pages through a stacked widget)."""
    stack = page.parentWidget()
    tabs = stack.parentWidget() if stack is not None else None
    if isinstance(tabs, QTabWidget) and (index := tabs.indexOf(page)) >= 0:
        tabs.setTabText(index, text)
