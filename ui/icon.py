"""Caseworker's icon (resources/icons, drawn as SVG with PNG renderings), for the windows and About."""

from __future__ import annotations

from PySide6.QtGui import QIcon

ICON_FILES = ("caseworker.svg", "caseworker-256.png", "caseworker-48.png")


def app_icon() -> QIcon:
    """The icon from the shipped resources; an empty icon (Qt's default) if its files are missing."""
    from caseworker.letters.resources import shipped_resources_dir

    icon = QIcon()
    for name in ICON_FILES:
        path = shipped_resources_dir() / "icons" / name
        if path.is_file():
            icon.addFile(str(path))
    return icon
