"""A case's chronology as a PDF evidence index: numbered events, oldest first, with the case on every page.

Each page is headed with the child, their date of birth, the case reference, the caseworker, when and by
whom it was printed, and "Page N of M", so a page taken out of a bundle still says whose it is. The
fonts are the letters' own (caseworker.letters.fonts and .text): names in any script print as they are
recorded. Rendering is deterministic for the same chronology, printer and moment (reportlab's invariant
mode).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, LongTable, PageTemplate, Paragraph, Spacer, TableStyle

from caseworker.letters.fonts import BOLD, FONT, dejavu_prints, register_fonts
from caseworker.letters.text import draw_text, markup
from caseworker.views.chronology import KINDS, Chronology, ChronologyEvent
from caseworker.views.chronology_events import LONDON, day

PAGE_W, PAGE_H = A4
LEFT, RIGHT = 15 * mm, PAGE_W - 15 * mm
HEADER_H = 27 * mm  # the case header above the table, on every page
BOTTOM = 14 * mm
INK, GREY = (0.1, 0.1, 0.1), (0.35, 0.35, 0.35)
# No., When, What, Who, Details, Source: 180 mm, the width between the margins.
WIDTHS = (9 * mm, 22 * mm, 40 * mm, 25 * mm, 56 * mm, 28 * mm)
HEADINGS = ("No.", "When", "What", "By", "Details", "Where recorded")
PAD = 2.5  # points either side of a cell's text


class ChronologyCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Holds the pages back until the end, so each can carry the case header and "Page N of M"."""

    def __init__(self, *args: Any, header: tuple[str, str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header = header
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, 1):
            self.__dict__.update(state)
            self._draw_header(number, total)
            super().showPage()
        super().save()

    def _draw_header(self, number: int, total: int) -> None:
        title, case_line, printed_line = self._header
        top = PAGE_H - 12 * mm
        self.setFillColorRGB(*INK)
        draw_text(self, LEFT, top, title, BOLD, 12)
        draw_text(self, RIGHT, top, f"Page {number} of {total}", BOLD, 10, "right")
        draw_text(self, LEFT, top - 5.5 * mm, case_line, FONT, 9)
        self.setFillColorRGB(*GREY)
        draw_text(self, LEFT, top - 10 * mm, printed_line, FONT, 8.5)
        self.setStrokeColorRGB(*GREY)
        self.setLineWidth(0.6)
        self.line(LEFT, top - 12.5 * mm, RIGHT, top - 12.5 * mm)


def _styles() -> dict[str, ParagraphStyle]:
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, textColor=INK)
    return {"cell": cell, "head": ParagraphStyle("head", parent=cell, fontName=BOLD),
            "note": ParagraphStyle("note", parent=cell, fontSize=8.5, leading=11, spaceAfter=3 * mm)}


def _cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """Text the letter font prints is wrapped here and drawn as plain lines (a tenth of a Paragraph's cost);
    a name in another script goes through a Paragraph, which switches to that script's font."""
    if dejavu_prints(text):
        return "\n".join(simpleSplit(text, style.fontName, style.fontSize, width - 2 * PAD))
    return Paragraph(markup(text, bold=style.fontName == BOLD), style)


def _row(n: int, e: ChronologyEvent, st: dict[str, ParagraphStyle]) -> list[str | Paragraph]:
    cell, head = st["cell"], st["head"]
    texts = (str(n), e.when, e.what, e.who, e.details, e.source)
    return [_cell(t, head if i == 2 else cell, WIDTHS[i]) for i, t in enumerate(texts)]


def _table(events: tuple[ChronologyEvent, ...], st: dict[str, ParagraphStyle]) -> LongTable:
    data = [list(HEADINGS)] + [_row(n, e, st) for n, e in enumerate(events, 1)]
    table = LongTable(data, colWidths=WIDTHS, repeatRows=1)
    cell = st["cell"]
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, cell.fontSize, cell.leading),
        ("FONT", (0, 0), (-1, 0), BOLD, cell.fontSize, cell.leading),
        ("FONT", (2, 1), (2, -1), BOLD, cell.fontSize, cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.Color(*INK)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.91, 0.93)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.Color(*GREY)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.75, 0.75, 0.75)),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def header_lines(c: Chronology, printed_by: str, printed_at: datetime) -> tuple[str, str, str]:
    h = c.header
    local = printed_at.astimezone(LONDON)
    worker = h.caseworker or "not allocated"
    return (f"Chronology: {h.child}",
            f"Child: {h.child}    Date of birth: {day(h.date_of_birth)}    Reference: {h.reference}    "
            f"Caseworker: {worker}",
            f"Printed on {day(local.date())} at {local:%H:%M} by {printed_by}. Evidence index: every event recorded "
            "on the case, oldest first.")


def shown_kinds(kinds: Iterable[str] | None) -> list[str]:
    return list(KINDS) if kinds is None else [k for k in KINDS if k in set(kinds)]


def render_chronology_pdf(c: Chronology, *, printed_by: str, printed_at: datetime,
                          kinds: Iterable[str] | None = None) -> bytes:
    """The chronology (only events of ``kinds`` when given) as a paginated A4 PDF."""
    register_fonts()
    wanted = shown_kinds(kinds)
    events = c.of_kinds(wanted)
    st = _styles()
    scope = "all kinds" if len(wanted) == len(KINDS) else "only " + ", ".join(KINDS[k].lower() for k in wanted)
    note = (f"{len(events)} event{'s' if len(events) != 1 else ''} ({scope}). A date alone is the date recorded on "
            "the case for that step; a date with a time (UK time) is when it was recorded, made or written. "
            "\u201cBy\u201d is who recorded, made or wrote it; \u201cWhere recorded\u201d is where it can be found in "
            "the case file.")
    story = [Paragraph(markup(note), st["note"])]
    story.append(_table(events, st) if events else Paragraph("Nothing of these kinds is recorded on this case.",
                                                             st["cell"]))
    story.append(Spacer(0, 4 * mm))
    story.append(Paragraph(markup(f"End of chronology: {len(events)} events."), st["cell"]))
    buf = io.BytesIO()
    frame = Frame(LEFT, BOTTOM, RIGHT - LEFT, PAGE_H - HEADER_H - BOTTOM, id="events", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    header = header_lines(c, printed_by, printed_at)
    doc = BaseDocTemplate(buf, pagesize=A4, invariant=1, initialFontName=FONT, title=header[0],
                          author=printed_by, subject=f"Chronology of case {c.header.reference}", creator="Caseworker",
                          pageTemplates=[PageTemplate("page", [frame])])
    doc.build(story, canvasmaker=lambda *a, **k: ChronologyCanvas(*a, header=header, **k))
    return buf.getvalue()
