"""A letter on screen: the PDF itself (QPdfView), so what is shown is what is printed and logged."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.printing import open_pdf


class PdfViewer(QWidget):
    """A caption saying what the letter is, and its pages, fitted to the width, one under another."""

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._empty_text = empty_text
        self.pdf: bytes = b""
        self.document: QPdfDocument | None = None
        self.caption = QLabel(empty_text, self)
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAccessibleName("What the letter on screen is")
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setAccessibleName("Letter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)

    def show_pdf(self, pdf: bytes, caption: str) -> None:
        """Show ``pdf``; the previous document is dropped (its memory with it)."""
        document = open_pdf(pdf, self)
        old = self.document
        self.view.setDocument(document)
        self.document, self.pdf = document, pdf
        if old is not None:
            old.deleteLater()
        self.caption.setText(caption)
        self.view.setAccessibleDescription(caption)

    def clear(self) -> None:
        self.view.setDocument(None)  # type: ignore[arg-type]
        if self.document is not None:
            self.document.deleteLater()
        self.document, self.pdf = None, b""
        self.caption.setText(self._empty_text)

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0
