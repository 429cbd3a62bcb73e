"""What "squashed" means in the size tests: a visible input, button, list or line of words given less room
than it needs (a date field cut to half its height read "todav" for "today")."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollBar,
    QWidget,
)

from ui.dialogs.fields import DateEdit

INPUTS = (QLineEdit, QComboBox, DateEdit, QAbstractButton, QAbstractItemView)


def needs(widget: QWidget) -> tuple[int, int]:
    """The least width and height ``widget`` can show itself in."""
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    height = hint.height()
    if isinstance(widget, QLabel) and widget.hasHeightForWidth():
        height = widget.heightForWidth(widget.width())  # words that wrap need more lines when narrower
    return hint.width(), height


def inside_another_input(widget: QWidget) -> bool:
    """A combo box's own line edit, a table's header and scroll bars are the parent's business."""
    if isinstance(widget, QScrollBar):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractItemView | QAbstractSpinBox | QCalendarWidget):
            return True
        parent = parent.parentWidget()
    return False


def squashed(root: QWidget, *, words: bool = True) -> list[str]:
    """Each visible input (and, with ``words``, each label) under ``root`` smaller than it needs."""
    kinds = (*INPUTS, QLabel) if words else INPUTS
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisible() or inside_another_input(widget):
            continue
        width, height = needs(widget)
        if widget.width() < width or widget.height() < height:
            name = widget.accessibleName() or widget.objectName() or getattr(widget, "text", lambda: "")()
            found.append(f"{type(widget).__name__} {name!r}: {widget.width()}x{widget.height()} < "
                         f"{width}x{height}")
    return found
