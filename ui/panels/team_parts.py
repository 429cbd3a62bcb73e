"""The Team page's pieces: band looks, the load bar, and the two tables' models (people take drops,
cases can be dragged)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from caseworker.caseload import percent
from caseworker.views.caseload import CaseLoad, PersonLoad
from caseworker.vocabulary import short_date
from ui.table_model import Column, Index, RowTableModel

CASES_MIME = "application/x-caseworker-case-ids"
# band -> (words, colour); the words always show, so colour is never the only signal.
BAND_LOOK = {"under": ("under", "#2b6a9e"), "ok": ("ok", "#1d6b35"), "over": ("over", "#a15c00"),
             "critical": ("critical", "#b3261e")}
BAR_FULL_SCALE = 1.5  # the bar's right end is 150%; a tick marks 100%
LOAD_COLUMN = 2


def load_words(p: PersonLoad) -> str:
    return f"{percent(p.utilisation)} {BAND_LOOK[p.band][0]}"


PEOPLE_COLUMNS: list[Column[PersonLoad]] = [
    Column("Caseworker", lambda p: p.display_name),
    Column("Team", lambda p: p.team or "-"),
    Column("Load against capacity", load_words, lambda p: (p.utilisation, p.display_name),
           tooltip=lambda p: f"{p.points:,.0f} of {p.capacity:,.0f} points ({load_words(p)})"),
    Column("Cases", lambda p: f"{p.cases:,}", lambda p: p.cases, align_right=True),
    Column("Points", lambda p: f"{p.points:,.0f} / {p.capacity:,.0f}", lambda p: p.points, align_right=True),
    Column("Overdue", lambda p: str(p.overdue), lambda p: p.overdue, align_right=True),
    Column("Late advice", lambda p: str(p.late_advice), lambda p: p.late_advice, align_right=True),
    Column("Note", lambda p: p.note),
]

CASE_COLUMNS: list[Column[CaseLoad]] = [
    Column("Reference", lambda c: c.reference),
    Column("Child", lambda c: c.child),
    Column("Stage", lambda c: c.state_words),
    Column("Points", lambda c: f"{c.points:g}", lambda c: c.points, align_right=True),
    Column("Next deadline", lambda c: f"{c.next_what} {short_date(c.next_due)}" if c.next_due else "-",
           lambda c: (c.next_due is None, c.next_due)),
    Column("Stays put because", lambda c: c.protected or ""),
]


class PeopleModel(RowTableModel[PersonLoad]):
    """Caseworkers; dropping cases on a row asks to move them to that person."""

    cases_dropped = Signal(list, str)  # case ids, the username they were dropped on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PEOPLE_COLUMNS, parent)
        self.accept_drops = False

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDropEnabled if self.accept_drops and index.isValid() else base

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CASES_MIME]

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        return self.accept_drops and data.hasFormat(CASES_MIME) and parent.isValid()

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        ids = [int(i) for i in json.loads(bytes(data.data(CASES_MIME).data()).decode())]
        self.cases_dropped.emit(ids, self.row(parent.row()).username)
        return False  # the move happens only after the lead gives a reason; nothing to remove here


class CasesModel(RowTableModel[CaseLoad]):
    """One person's cases; selected rows drag as their case ids."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(CASE_COLUMNS, parent)
        self.allow_drag = False

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if self.allow_drag and index.isValid() else base

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CASES_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = sorted({self.row(i.row()).case_id for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(CASES_MIME, QByteArray(json.dumps(ids).encode()))
        data.setText("\n".join(self.row(i.row()).reference for i in indexes if i.isValid() and i.column() == 0))
        return data


class LoadBarDelegate(QStyledItemDelegate):
    """A bar to 150% with a tick at 100%, in the band's colour, with the percentage and band as words."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        model = index.model()
        if not isinstance(model, PeopleModel):
            super().paint(painter, option, index)
            return
        p = model.row(index.row())
        words, colour = BAND_LOOK[p.band]
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        r: QRect = option.rect.adjusted(4, 5, -4, -5)
        text_width = option.fontMetrics.horizontalAdvance("no capacity critical") + 10
        bar = QRect(r.left(), r.top(), max(20, r.width() - text_width), r.height())
        painter.save()
        painter.setPen(QPen(QColor("#9aa0a6"), 1))
        painter.setBrush(QColor("#eef0f2"))
        painter.drawRect(bar)
        share = 1.0 if math.isinf(p.utilisation) else min(p.utilisation, BAR_FULL_SCALE) / BAR_FULL_SCALE
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawRect(QRect(bar.left() + 1, bar.top() + 1, int((bar.width() - 1) * share), bar.height() - 1))
        tick = bar.left() + int(bar.width() / BAR_FULL_SCALE)
        painter.setPen(QPen(QColor("#202124"), 2))
        painter.drawLine(tick, bar.top() - 2, tick, bar.bottom() + 2)
        painter.setPen(option.palette.color(option.palette.ColorRole.Text))
        text = QRect(bar.right() + 8, r.top(), text_width, r.height())
        painter.drawText(text, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         f"{percent(p.utilisation)}  {words}")
        painter.restore()
