"""The 20-week strip: where a request stands against its statutory dates, at a glance.

Week 0 (the day the request arrived) to week 20 (the final plan's due date) run left to right. Each
milestone is a diamond at its due date and, once done, a dot at the day it was done (joined to the
diamond when late); each advice request is a thin bar over its own 6 weeks; exceptions are a shaded
band from the day their circumstances began to the day they ended (or on); a dashed line marks today.
A date that does not bind (week 16 after a "yes", the latest safe draft day) is never drawn as a
breach. Everything is labelled in words and drawn with float geometry, so it stays crisp at any
scale, and the whole picture is also given as text in the accessible description.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from caseworker.statutory.engine import Milestone
from caseworker.statutory.rules import Rules
from caseworker.views.case_detail import CaseDetail
from ui.status import status_colour, status_icon
from ui.widgets._timeline_layout import Geometry, geometry, place
from ui.widgets.wording import (
    DAYS,
    MILESTONE_SHORT,
    WEEKS,
    advice_look,
    advice_name,
    advice_status_words,
    advice_tooltip,
    exception_tooltip,
    milestone_look,
    milestone_tooltip,
    milestone_words,
    short_date,
    timeline_description,
    week_of,
)

LABEL_ROWS = 3
EXCEPTION_COLOUR = QColor("#5b4a8b")
LATE_COLOUR = QColor("#b3261e")


class TimelineWidget(QWidget):
    """Paints one request's 20 weeks. Call ``set_detail(detail, today)`` whenever the case loads."""

    def __init__(self, parent: QWidget | None = None, rules: Rules | None = None) -> None:
        super().__init__(parent)
        self._detail: CaseDetail | None = None
        self._today: date = date.today()
        self._rules = rules
        self._hits: list[tuple[QRectF, str]] = []
        self.setAccessibleName("Timeline of the 20-week assessment")
        self.setAccessibleDescription(timeline_description(None, self._today))
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # --- data ----------------------------------------------------------------------------------------
    def set_detail(self, detail: CaseDetail | None, today: date) -> None:
        self._detail, self._today = detail, today
        self.setAccessibleDescription(timeline_description(detail, today))
        self.setToolTip("")
        self.updateGeometry()
        self.update()

    def description(self) -> str:
        return self.accessibleDescription()

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(max(7.0, font.pointSizeF() * 0.92))
        return font

    def _geometry(self, width: float) -> Geometry:
        rows = len(self._detail.advice) if self._detail else 1
        return geometry(QFontMetricsF(self._small_font()).height() + 2, width, rows, LABEL_ROWS)

    def _has_clock(self) -> bool:
        return self._detail is not None and self._detail.deadlines is not None and self._detail.received is not None

    def sizeHint(self) -> QSize:
        if not self._has_clock():
            return QSize(1200, int(QFontMetricsF(self.font()).height() * 3))
        return QSize(1200, int(self._geometry(1200).height + 0.5))

    def minimumSizeHint(self) -> QSize:
        return QSize(420, self.sizeHint().height())

    # --- tooltips ------------------------------------------------------------------------------------
    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip text for a point (the last painted layout); empty when nothing is there."""
        for rect, text in reversed(self._hits):
            if rect.contains(pos):
                return text
        return ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # --- painting ------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        self._hits = []
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        pal = self.palette()
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1.0))
        p.setBrush(pal.brush(QPalette.ColorRole.Base))
        p.drawRoundedRect(frame, 4, 4)
        if self.hasFocus():
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(frame.adjusted(1.5, 1.5, -1.5, -1.5), 3, 3)
        p.setFont(self._small_font())
        if not self._has_clock():
            p.setPen(pal.color(QPalette.ColorRole.Text))
            text = ("Loading the case…" if self._detail is None
                    else "There is no assessment on record: this is a plan in place.")
            p.drawText(frame, Qt.AlignmentFlag.AlignCenter, text)
            p.end()
            return
        g = self._geometry(self.width())
        self._paint_exceptions(p, g)
        self._paint_axis(p, g)
        self._paint_advice(p, g)
        self._paint_milestones(p, g)
        self._paint_today(p, g)
        p.end()

    def _text(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _muted(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.PlaceholderText)

    def _place(self, taken: list[list[QRectF]], rect: QRectF, rows: list[int], top: float, line: float) -> QRectF:
        return place(taken, rect, rows, top, line, self.width())

    def _label(self, p: QPainter, rect: QRectF, text: str, status: str | None, colour: QColor) -> None:
        """Draw a label (an optional status icon then words) on a background so lines never cross it."""
        bg = QColor(self.palette().color(QPalette.ColorRole.Base))
        bg.setAlphaF(0.9)
        p.fillRect(rect, bg)
        x = rect.x()
        if status is not None:
            size = rect.height() - 4
            status_icon(status, 16).paint(p, QRectF(x, rect.y() + 2, size, size).toRect())
            x += size + 3
        p.setPen(colour)
        p.drawText(QRectF(x, rect.y(), rect.right() - x, rect.height()),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)

    def _label_width(self, text: str, icon: bool) -> float:
        fm = QFontMetricsF(self._small_font())
        return fm.horizontalAdvance(text) + (fm.height() + 4 if icon else 0) + 4

    def _arrow(self, p: QPainter, x: float, y: float, colour: QColor, right: bool = True) -> None:
        d = 5.0 if right else -5.0
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(x, y - 4), QPointF(x + d, y), QPointF(x, y + 4)]))

    def _paint_axis(self, p: QPainter, g: Geometry) -> None:
        assert self._detail is not None and self._detail.received is not None
        received, today = self._detail.received, self._today
        end = g.left + g.span
        track = QRectF(g.left, g.axis_y - 2.5, g.span, 5)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.palette().color(QPalette.ColorRole.Midlight))
        p.drawRoundedRect(track, 2.5, 2.5)
        today_x, _ = g.x(received, today)
        p.setBrush(self.palette().color(QPalette.ColorRole.Mid))
        p.drawRoundedRect(QRectF(g.left, track.y(), max(0.0, today_x - g.left), track.height()), 2.5, 2.5)
        per_week = g.span / WEEKS
        fm = QFontMetricsF(self._small_font())
        step = next((s for s in (2, 4, 5, 10) if per_week * s >= fm.horizontalAdvance("wk 20") + 14), 20)
        first = f"wk 0 · {short_date(received)}"
        last = f"wk 20 · {short_date(received.fromordinal(received.toordinal() + DAYS))}"
        first_rect = QRectF(g.left - 4, g.weeks_y, fm.horizontalAdvance(first) + 4, g.line)
        last_w = fm.horizontalAdvance(last) + 4
        last_rect = QRectF(end - last_w + 4, g.weeks_y, last_w, g.line)
        p.setPen(QPen(self._muted(), 1.0))
        for week in range(WEEKS + 1):
            x = g.left + per_week * week
            tall = week % step == 0
            p.drawLine(QPointF(x, g.axis_y + 3), QPointF(x, g.axis_y + (7 if tall else 5)))
            if tall and 0 < week < WEEKS:
                w = fm.horizontalAdvance(f"wk {week}") + 4
                rect = QRectF(x - w / 2, g.weeks_y, w, g.line)
                clear = not rect.intersects(first_rect) and not rect.intersects(last_rect)
                if clear and not rect.adjusted(-2, 0, 2, 0).contains(QPointF(today_x, rect.center().y())):
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"wk {week}")
        p.setPen(self._text())
        p.drawText(first_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), first)
        p.drawText(last_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), last)

    def _today_label(self, g: Geometry) -> tuple[QRectF, str, int]:
        assert self._detail is not None and self._detail.received is not None
        x, side = g.x(self._detail.received, self._today)
        week = week_of(self._detail.received, self._today)
        text = f"Today: week {week}" if side >= 0 else "Today (before the request)"
        width = self._label_width(text, False)
        left = max(2.0, min(x - width / 2, self.width() - width - (14 if side > 0 else 2)))
        return QRectF(left, g.bottom_y + 2, width, g.line), text, side

    def _paint_today(self, p: QPainter, g: Geometry) -> None:
        assert self._detail is not None and self._detail.received is not None
        x, _ = g.x(self._detail.received, self._today)
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        p.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x, 4), QPointF(x, g.bottom_y + 2))
        rect, text, side = self._today_label(g)
        self._label(p, rect, text, None, colour)
        if side > 0:
            self._arrow(p, rect.right() + 3, rect.center().y(), colour)
        week = week_of(self._detail.received, self._today)
        self._hits.append((rect, f"Today: {short_date(self._today)}, week {week} of {WEEKS}"))

    def _paint_exceptions(self, p: QPainter, g: Geometry) -> None:
        assert self._detail is not None and self._detail.received is not None
        taken: list[list[QRectF]] = [[self._today_label(g)[0]], []]  # the bottom rows, around today's label
        d = self._detail.deadlines
        for e in sorted(self._detail.exceptions, key=lambda e: e.began or e.recorded):
            began = e.began or e.recorded
            x, _ = g.x(self._detail.received, began)
            end_x = g.x(self._detail.received, e.ended)[0] if e.ended else g.left + g.span
            band = QRectF(x, 4, max(2.0, end_x - x), g.bottom_y - 2)
            fill = QColor(EXCEPTION_COLOUR)
            fill.setAlphaF(0.07)
            p.fillRect(band, fill)
            hatch = QColor(EXCEPTION_COLOUR)
            hatch.setAlphaF(0.16)
            p.fillRect(band, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(EXCEPTION_COLOUR, 1.5))
            p.drawLine(QPointF(x, 4), QPointF(x, g.bottom_y + g.line * 2))
            until = f" to {short_date(e.ended)}" if e.ended else ""
            text = f"Exception ({e.ground}): {e.title.lower()}, {short_date(began)}{until}"
            want = QRectF(x + 3, 0, self._label_width(text, True), g.line)
            rect = self._place(taken, want, [1, 0], g.bottom_y + 2, g.line)
            self._label(p, rect, text, "exempt", EXCEPTION_COLOUR)
            self._hits.append((band, exception_tooltip(e, self._rules, d)))
            self._hits.append((rect, exception_tooltip(e, self._rules, d)))
        facts = self._detail.deadlines.facts if self._detail.deadlines else None
        if facts is not None and facts.withdrawn is not None:
            x, _ = g.x(self._detail.received, facts.withdrawn)
            p.setPen(QPen(self._muted(), 1.5, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, 4), QPointF(x, g.bottom_y + g.line))
            text = f"Withdrawn {short_date(facts.withdrawn)}"
            rect = self._place(taken, QRectF(x + 3, 0, self._label_width(text, True), g.line), [1, 0],
                               g.bottom_y + 2, g.line)
            self._label(p, rect, text, "closed", self._text())

    def _paint_milestones(self, p: QPainter, g: Geometry) -> None:
        """Late segments and leader lines first, then the markers, then the labels, so nothing crosses words."""
        assert self._detail is not None and self._detail.deadlines is not None
        received = self._detail.deadlines.facts.received
        taken: list[list[QRectF]] = [[] for _ in range(LABEL_ROWS)]
        markers: list[tuple[Milestone, float, int]] = []
        labels: list[tuple[QRectF, str, str]] = []
        d = self._detail.deadlines
        for m in d.milestones:
            look = milestone_look(m, d)
            colour = status_colour(look)
            due_x, due_side = g.x(received, m.due)
            late_to = m.done if m.done and m.done > m.due else (self._today if m.status == "overdue" else None)
            if late_to is not None:
                to_x, to_side = g.x(received, late_to)
                p.setPen(QPen(colour, 3.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
                p.drawLine(QPointF(due_x, g.axis_y), QPointF(to_x, g.axis_y))
                if to_side > 0:
                    self._arrow(p, to_x + 4, g.axis_y, colour)
            words = milestone_words(m, d)
            text = f"{MILESTONE_SHORT.get(m.name, m.name)}: {words[:1].lower()}{words[1:]}"
            width = self._label_width(text, True)
            rect = self._place(taken, QRectF(due_x - width / 2, 0, width, g.line),
                               list(range(LABEL_ROWS - 1, -1, -1)), 4, g.line)
            p.setPen(QPen(colour, 1.0))
            anchor_x = min(max(due_x, rect.left() + 4), rect.right() - 4)
            p.drawLine(QPointF(due_x, g.axis_y - 7), QPointF(anchor_x, rect.bottom()))
            markers.append((m, due_x, due_side))
            labels.append((rect, text, look))
            self._hits.append((rect, milestone_tooltip(m, self._rules, d)))
        for m, due_x, due_side in markers:
            self._paint_marker(p, g, m, due_x, due_side)
        for rect, text, status in labels:
            self._label(p, rect, text, status, self._text())

    def _paint_marker(self, p: QPainter, g: Geometry, m: Milestone, due_x: float, due_side: int) -> None:
        """A diamond at the due date and, once done, a dot on the day it was done."""
        d = self._detail.deadlines if self._detail is not None else None
        colour = status_colour(milestone_look(m, d))
        tip = milestone_tooltip(m, self._rules, d)
        diamond = QPolygonF([QPointF(due_x, g.axis_y - 6), QPointF(due_x + 6, g.axis_y),
                             QPointF(due_x, g.axis_y + 6), QPointF(due_x - 6, g.axis_y)])
        p.setPen(QPen(colour, 2.0))
        p.setBrush(self.palette().color(QPalette.ColorRole.Base))
        p.drawPolygon(diamond)
        if due_side > 0:
            self._arrow(p, due_x + 8, g.axis_y, colour)
        if m.done is not None:
            assert self._detail is not None and self._detail.received is not None
            done_x, done_side = g.x(self._detail.received, m.done)
            p.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1.5))
            p.setBrush(colour)
            p.drawEllipse(QPointF(done_x, g.axis_y), 4.5, 4.5)
            if done_side > 0:
                self._arrow(p, done_x + 7, g.axis_y, colour)
            self._hits.append((QRectF(done_x - 7, g.axis_y - 7, 14, 14), tip))
        self._hits.append((diamond.boundingRect().adjusted(-3, -3, 3, 3), tip))

    def _paint_advice(self, p: QPainter, g: Geometry) -> None:
        assert self._detail is not None and self._detail.deadlines is not None
        received = self._detail.deadlines.facts.received
        advice = self._detail.advice  # the same requests as the engine's, with how each went and any excuse
        if not advice:
            p.setPen(self._muted())
            p.drawText(QRectF(g.left, g.advice_y, g.span, g.line),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), "No advice requested yet")
            return
        for i, a in enumerate(advice):
            y = g.advice_y + i * g.line + g.line / 2
            start_x, _ = g.x(received, a.requested)
            due_x, due_side = g.x(received, a.due)
            colour = status_colour(advice_look(a.status))
            bar = QColor(self._muted())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(bar)
            p.drawRoundedRect(QRectF(start_x, y - 1.5, max(1.0, due_x - start_x), 3), 1.5, 1.5)
            p.setPen(QPen(bar, 1.5))
            p.drawLine(QPointF(start_x, y - 4), QPointF(start_x, y + 4))
            end_x, end_side = due_x, due_side
            late_to = a.received if a.received and a.received > a.due else (self._today if a.status == "late" else None)
            if late_to is not None:
                end_x, end_side = g.x(received, late_to)
                late = QRectF(due_x, y - 3, max(1.0, end_x - due_x), 6)
                p.fillRect(late, QColor(LATE_COLOUR.red(), LATE_COLOUR.green(), LATE_COLOUR.blue(), 60))
                p.fillRect(late, QBrush(LATE_COLOUR, Qt.BrushStyle.BDiagPattern))
                p.setPen(QPen(LATE_COLOUR, 1.0))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(late)
            if end_side > 0:
                self._arrow(p, end_x + 3, y, colour)
            if a.received is not None:
                rx, _ = g.x(received, a.received)
                p.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                p.drawLine(QPointF(rx, y - 5), QPointF(rx, y + 5))
            text = f"{advice_name(a.kind, a.service or '')}: {advice_status_words(a.status, a.days_late).lower()}"
            width = self._label_width(text, True)
            x = end_x + 10 if end_x + 10 + width <= self.width() - 4 else start_x - 6 - width
            rect = QRectF(max(2.0, x), y - g.line / 2, width, g.line)
            self._label(p, rect, text, advice_look(a.status), self._text())
            tip = advice_tooltip(a, self._rules)
            self._hits.append((QRectF(start_x - 3, y - 6, max(6.0, end_x - start_x) + 6, 12), tip))
            self._hits.append((rect, tip))
