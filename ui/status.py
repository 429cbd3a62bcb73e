"""How a status looks: words first, then an icon shape, then a colour, so no one relies on colour."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

# status -> (words, shape, colour)
STATUS_LOOK: dict[str, tuple[str, str, str]] = {
    "overdue": ("Overdue", "cross", "#b3261e"),
    "late": ("Late", "cross", "#b3261e"),
    "late_advice": ("Late advice", "cross", "#b3261e"),
    "met_late": ("Done late", "tick", "#8a5a00"),
    "received_late": ("Received late", "tick", "#8a5a00"),
    "cannot_be_met": ("Week 20 cannot be met", "cross", "#b3261e"),
    "behind_plan": ("Later than planned", "triangle", "#a15c00"),
    "due_soon": ("Due soon", "clock", "#a15c00"),
    "at_risk": ("At risk", "triangle", "#a15c00"),
    "exempt": ("Exempt", "dash", "#5b4a8b"),
    "met": ("Done on time", "tick", "#1d6b35"),
    "received": ("Received", "tick", "#1d6b35"),
    "pending": ("Pending", "circle", "#4a5560"),
    "on_track": ("On track", "circle", "#1d6b35"),
    "not_applicable": ("Not needed", "dash", "#80868b"),
    "issued": ("Plan issued", "tick", "#1d6b35"),
    "closed": ("Closed", "dash", "#80868b"),
    "plan": ("Plan in place", "circle", "#4a5560"),
}


def status_text(status: str) -> str:
    return STATUS_LOOK.get(status, (status.replace("_", " ").capitalize(), "circle", "#4a5560"))[0]


def status_colour(status: str) -> QColor:
    return QColor(STATUS_LOOK.get(status, ("", "circle", "#4a5560"))[2])


def _draw(painter: QPainter, shape: str, size: int, colour: QColor) -> None:
    m = size * 0.15
    box = QRectF(m, m, size - 2 * m, size - 2 * m)
    pen = QPen(colour, max(1.5, size / 8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    if shape == "cross":
        painter.setBrush(colour)
        painter.drawEllipse(box)
        painter.setPen(QPen(QColor("white"), max(1.5, size / 8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        c = box.adjusted(size * 0.2, size * 0.2, -size * 0.2, -size * 0.2)
        painter.drawLine(c.topLeft(), c.bottomRight())
        painter.drawLine(c.topRight(), c.bottomLeft())
    elif shape == "tick":
        path = QPainterPath(QPointF(box.left(), box.center().y()))
        path.lineTo(box.left() + box.width() * 0.4, box.bottom() - box.height() * 0.1)
        path.lineTo(box.right(), box.top() + box.height() * 0.1)
        painter.drawPath(path)
    elif shape == "clock":
        painter.drawEllipse(box)
        painter.drawLine(box.center(), QPointF(box.center().x(), box.top() + box.height() * 0.2))
        painter.drawLine(box.center(), QPointF(box.right() - box.width() * 0.25, box.center().y()))
    elif shape == "triangle":
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([QPointF(box.center().x(), box.top()), box.bottomRight(), box.bottomLeft()]))
    elif shape == "dash":
        painter.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y()))
    else:
        painter.drawEllipse(box)


@cache
def status_icon(status: str, size: int = 16) -> QIcon:
    """A small icon whose shape alone tells the status apart (for colour-blind users and print)."""
    _words, shape, colour = STATUS_LOOK.get(status, ("", "circle", "#4a5560"))
    icon = QIcon()
    for scale in (1, 2):  # crisp on high-DPI screens
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _draw(painter, shape, size, QColor(colour))
        painter.end()
        icon.addPixmap(pixmap)
    return icon
