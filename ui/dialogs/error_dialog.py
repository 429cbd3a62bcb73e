"""Something went wrong: the short message a user sees for an error nobody planned for.

It says their saved work is safe, where the log is, and lets them copy the details (the traceback, the
version and the platform) for whoever supports Caseworker. More errors while it is open are added to it,
never stacked as more dialogs.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

MESSAGE = ("<b>Something went wrong, and Caseworker could not finish what it was doing.</b><p>Your work up to "
           "the last save is kept. If it happens again, press <i>Copy details</i> and send them to whoever "
           "looks after Caseworker for your team (your IT service desk).</p>")


def open_folder(folder: Path) -> bool:
    """Show a folder in the system's file manager (Explorer, Files)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class ErrorDialog(QDialog):
    def __init__(self, details: str, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.details = details
        self.errors = 1
        self.log_file = log_file
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        sign = QLabel(self)
        sign.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        sign.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(sign)
        message = QLabel(MESSAGE, self)
        message.setWordWrap(True)
        top.addWidget(message, 1)
        layout.addLayout(top)
        self.where = QLabel(self._where_text(), self)
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where)
        self.more = QLabel("", self)  # how many more errors came while this was open
        self.more.setVisible(False)
        layout.addWidget(self.more)
        self.status = QLabel("", self)
        self.status.setAccessibleName("What happened to the details")
        layout.addWidget(self.status)
        layout.addWidget(self._buttons())
        self.setMinimumWidth(560)

    def _where_text(self) -> str:
        if self.log_file is None:
            return "The log could not be written on this computer, so Copy details is the only record."
        return f"The details are also in the log file:<br><tt>{html.escape(str(self.log_file))}</tt>"

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_button = QPushButton("&Open log folder", self)
        self.folder_button.clicked.connect(self.open_log_folder)
        self.folder_button.setEnabled(self.log_file is not None)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        return buttons

    def add_error(self, details: str) -> None:
        """Another error arrived while this was open: its details join these, and the count is shown."""
        self.errors += 1
        self.details += f"\n\n--- another error, {self.errors} in all ---\n\n{details}"
        self.more.setText(f"{self.errors - 1} more error{'s' if self.errors > 2 else ''} happened while this "
                          "message was open; Copy details includes them all.")
        self.more.setVisible(True)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.status.setText("The details are copied: paste them into an email or a support request.")

    def open_log_folder(self) -> None:
        if self.log_file is not None and not open_folder(self.log_file.parent):
            self.status.setText(f"The folder could not be opened here; it is {self.log_file.parent}")
