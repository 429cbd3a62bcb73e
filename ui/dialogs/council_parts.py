"""Two parts of the Council settings dialog: the logo chooser with its thumbnail, and the preview of a
sample letter's first page as a picture (the PDF itself, drawn by QtPdf, so what is shown is what prints)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caseworker.letters.logo import LOGO_MAX_BYTES, Logo, LogoRefused, check_logo
from ui.printing import PdfError, open_pdf

THUMBNAIL = 88


class LogoPicker(QWidget):
    """The council's logo: a thumbnail, Choose… and Remove. A file that is not a printable image is refused
    (``refused`` says why) and the logo before it is kept."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.logo: Logo | None = None
        self.refused: str | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.thumbnail = QLabel(self)
        self.thumbnail.setFixedSize(THUMBNAIL + 6, THUMBNAIL + 6)
        self.thumbnail.setFrameShape(QFrame.Shape.StyledPanel)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setAccessibleName("The logo")
        row.addWidget(self.thumbnail)
        side = QVBoxLayout()
        self.choose_button = QPushButton("Ch&oose…", self)
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remo&ve", self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda: self.set_logo(None, announce=True))
        hint = QLabel(f"PNG or JPEG, at most {LOGO_MAX_BYTES // 1_000_000} MB; printed 20 mm square at the top "
                      "left of the first page.", self)
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for widget in (self.choose_button, self.remove_button, hint):
            side.addWidget(widget)
        side.addStretch(1)
        row.addLayout(side, 1)
        self.set_logo(None)

    def set_logo(self, logo: Logo | None, *, announce: bool = False) -> None:
        self.logo, self.refused = logo, None
        pixmap = QPixmap()
        if logo is not None and pixmap.loadFromData(logo.data):
            self.thumbnail.setPixmap(pixmap.scaled(QSize(THUMBNAIL, THUMBNAIL), Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))
        else:
            self.thumbnail.clear()
            self.thumbnail.setText("No logo")
        self.remove_button.setEnabled(logo is not None)
        self.thumbnail.setAccessibleDescription("a logo is chosen" if logo is not None else "no logo")
        if announce:
            self.changed.emit()

    def choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, "Choose the council's logo", "",
                                                    "Images (*.png *.jpg *.jpeg)")
        if name:
            self.choose_file(Path(name))

    def choose_file(self, path: Path) -> None:
        """Take the logo from ``path``, or note why it cannot be (the logo chosen before stays)."""
        try:
            logo = check_logo(path.read_bytes())
        except OSError as exc:
            self.refused = f"the file chosen, {path.name}, cannot be read ({exc.strerror or exc})"
        except LogoRefused as exc:
            self.refused = f"the file chosen, {path.name}: {exc}"
        else:
            self.set_logo(logo)
        self.changed.emit()


class LetterPreview(QWidget):
    """Page 1 of the sample letter as a picture, fitted to the pane's width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 4)  # two lines, never clipped
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        box.addWidget(self.caption)
        self.pane = QScrollArea(self)
        self.pane.setWidgetResizable(False)
        self.pane.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pane.setBackgroundRole(QPalette.ColorRole.Dark)
        self.page = QLabel(self.pane)
        self.page.setAccessibleName("First page of the sample letter")
        self.pane.setWidget(self.page)
        box.addWidget(self.pane, 1)
        self.pdf: bytes | None = None

    def show_message(self, text: str) -> None:
        self.caption.setText(text)

    def show_pdf(self, pdf: bytes, caption: str) -> None:
        """Draw page 1 of ``pdf`` as wide as the pane allows (sharp on a high-density screen)."""
        self.pdf = pdf
        try:
            document = open_pdf(pdf, self)
        except PdfError as exc:
            self.caption.setText(str(exc))
            return
        try:
            points = document.pagePointSize(0)
            width = max(self.pane.viewport().width() - self.pane.verticalScrollBar().sizeHint().width() - 4, 200)
            ratio = self.devicePixelRatioF()
            size = QSize(round(width * ratio), round(width * ratio * points.height() / points.width()))
            pixmap = QPixmap(size)
            pixmap.fill(Qt.GlobalColor.white)  # the page is drawn on paper: QtPdf leaves it transparent
            painter = QPainter(pixmap)
            painter.drawImage(0, 0, document.render(0, size))
            painter.end()
            pixmap.setDevicePixelRatio(ratio)
        finally:
            document.close()
            document.deleteLater()
        self.page.setPixmap(pixmap)
        self.page.resize(round(size.width() / ratio), round(size.height() / ratio))
        self.caption.setText(caption)
