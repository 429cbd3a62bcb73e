"""Printing and saving the stored letter PDFs, exactly as they were logged.

Choosing a printer (a modal dialog) is kept apart from painting onto it, so tests paint onto a QPrinter
set to PDF output and never open a real print dialog. When the user picks "Print to file (PDF)", the
stored bytes are written as they are: vector text, byte for byte the logged letter.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize, Qt
from PySide6.QtGui import QPagedPaintDevice, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

Progress = Callable[[int, int], bool]  # (pages done, pages in all) -> False to stop
RENDER_DPI_CAP = 300  # a page at the printer's 1200 dpi would be a 560 MB image; 300 dpi prints sharp text


class PdfError(Exception):
    """The bytes could not be read as a PDF (they should always be: they come from the letter log)."""


def open_pdf(pdf: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A QPdfDocument over ``pdf`` in memory; the buffer lives as long as the document."""
    document = QPdfDocument(parent)  # type: ignore[arg-type]  # Qt accepts no parent; the stub says otherwise
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise PdfError(f"the letter could not be read as a PDF ({document.error().name})")
    return document


def paint_pdf(pdf: bytes, device: QPagedPaintDevice, progress: Progress | None = None) -> bool:
    """Paint every page of ``pdf`` onto ``device`` in order, each fitted to its page; False if stopped."""
    document = open_pdf(pdf)
    try:
        total = document.pageCount()
        dpi = min(device.logicalDpiX(), RENDER_DPI_CAP) if device.logicalDpiX() > 0 else RENDER_DPI_CAP
        painter = QPainter()
        if not painter.begin(device):
            raise PdfError("the printer could not be started")
        try:
            target = _printable(device)
            for page in range(total):
                if page and not device.newPage():
                    raise PdfError("the printer refused a new page")
                points = document.pagePointSize(page)
                size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = document.render(page, size)
                fitted = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), fitted), image)
                if progress is not None and not progress(page + 1, total):
                    if isinstance(device, QPrinter):
                        device.abort()
                    return False
        finally:
            painter.end()
        return True
    finally:
        document.deleteLater()


def _printable(device: QPagedPaintDevice) -> QRect:
    """The printable area in the painter's coordinates (a printer's origin is its printable corner)."""
    if isinstance(device, QPrinter):
        rect = device.pageRect(QPrinter.Unit.DevicePixel).toRect()
        return QRect(0, 0, rect.width(), rect.height())
    return QRect(0, 0, device.width(), device.height())


def choose_printer(parent: QWidget | None, printer: QPrinter) -> bool:
    """Ask which printer (modal). Tests replace this function; they never open the real dialog."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print letters")
    return dialog.exec() == QPrintDialog.DialogCode.Accepted


def ask_save_path(parent: QWidget | None, suggested_name: str) -> str:
    """Ask where to save (modal); an empty string if the user cancelled. Tests replace this too."""
    start = str(Path.home() / suggested_name)
    path, _ = QFileDialog.getSaveFileName(parent, "Save letter as PDF", start, "PDF documents (*.pdf)")
    return path


def print_pdf(parent: QWidget | None, pdf: bytes, title: str) -> bool:
    """Ask for a printer and print ``pdf`` whole and in order; True if it all went to the printer."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    if not choose_printer(parent, printer):
        return False
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return _write(parent, Path(printer.outputFileName()), pdf)  # the logged bytes, not a re-drawing
    return print_with_progress(parent, pdf, printer, title)


def print_with_progress(parent: QWidget | None, pdf: bytes, printer: QPrinter, title: str) -> bool:
    """Paint onto a chosen printer with a progress dialog whose Cancel stops between pages."""
    dialog = QProgressDialog(f"Printing {title}…", "Cancel", 0, 1, parent)
    dialog.setWindowTitle("Printing")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)

    def step(done: int, total: int) -> bool:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"Printing {title}: page {done} of {total}")
        QApplication.processEvents()  # painting runs on the UI thread (QPainter on a printer must)
        return not dialog.wasCanceled()

    try:
        finished = paint_pdf(pdf, printer, step)
    except PdfError as exc:
        QMessageBox.warning(parent, "Printing", f"Nothing was printed: {exc}.")
        return False
    finally:
        dialog.reset()
        dialog.deleteLater()
    return finished


def save_pdf(parent: QWidget | None, pdf: bytes, suggested_name: str) -> Path | None:
    """Ask where, then write the stored bytes unchanged; the path written, or None if cancelled or failed."""
    chosen = ask_save_path(parent, suggested_name)
    if not chosen:
        return None
    path = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
    return path if _write(parent, path, pdf) else None


def _write(parent: QWidget | None, path: Path, pdf: bytes) -> bool:
    try:
        path.write_bytes(pdf)
    except OSError as exc:
        QMessageBox.warning(parent, "Saving the letter", f"The file could not be written: {exc.strerror} "
                                                         f"({path}).")
        return False
    return True


def safe_file_name(*parts: str) -> str:
    """A file name from a case reference and a letter title: letters, digits and dashes only."""
    words = "-".join(p for p in parts if p)
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in words)
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned.strip("-")[:120] + ".pdf"
