"""Where things go on the 20-week strip: the rows, the x of a date, and labels that never overlap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QRectF

from ui.widgets.wording import DAYS


@dataclass(frozen=True)
class Geometry:
    left: float
    span: float
    line: float
    axis_y: float
    weeks_y: float
    advice_y: float
    bottom_y: float
    height: float

    def x(self, received: date, day: date) -> tuple[float, int]:
        """The x of ``day``, clamped to the strip, and -1/0/1 for before/inside/after it."""
        offset = (day - received).days
        side = -1 if offset < 0 else (1 if offset > DAYS else 0)
        return self.left + self.span * min(max(offset, 0), DAYS) / DAYS, side


def geometry(line: float, width: float, advice_rows: int, label_rows: int) -> Geometry:
    """Milestone labels on top, the axis, week labels, one row per advice request, two rows for flags."""
    pad = 6.0
    axis_y = pad + label_rows * line + 12
    weeks_y = axis_y + 9
    advice_y = weeks_y + line + 4
    bottom_y = advice_y + max(1, advice_rows) * line + 2
    height = bottom_y + 2 * line + pad
    left = pad + 6
    return Geometry(left, max(40.0, width - left - 34), line, axis_y, weeks_y, advice_y, bottom_y, height)


def place(taken: list[list[QRectF]], rect: QRectF, rows: list[int], top: float, line: float,
          widget_width: float) -> QRectF:
    """Put ``rect`` in the first of ``rows`` where it overlaps nothing already placed there; failing that,
    beside what is in the way (right, then left) in the first row where that fits. Records the result."""
    width = rect.width()

    def clamp(x: float) -> float:
        return max(2.0, min(x, widget_width - width - 2))

    def clashes(row: int, x: float) -> list[QRectF]:
        box = QRectF(x, top + row * line, width, line)
        return [r for r in taken[row] if r.adjusted(-6, 0, 6, 0).intersects(box)]

    candidates = [(row, clamp(rect.x())) for row in rows]
    for row in rows:
        in_way = clashes(row, clamp(rect.x()))
        if in_way:
            candidates.append((row, clamp(max(r.right() for r in in_way) + 8)))
            candidates.append((row, clamp(min(r.left() for r in in_way) - 8 - width)))
    row, x = next(((r, x) for r, x in candidates if not clashes(r, x)), candidates[0])
    placed = QRectF(x, top + row * line, width, line)
    taken[row].append(placed)
    return placed
