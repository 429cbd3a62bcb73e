"""Text in any script onto a letter: paragraph markup, widths, and lines drawn on the page.

Every string that reaches a page goes through here, so a name in Arabic, Chinese or Devanagari prints
in its own font, shaped and in the right order (caseworker.letters.scripts), beside the letter font.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from caseworker.letters.fonts import BOLD, FONT
from caseworker.letters.scripts import Piece, pieces


def _pieces(text: str, font: str) -> list[Piece]:
    if font not in (FONT, BOLD):
        return [Piece(font, text)]
    return pieces(text, bold=font == BOLD)


def markup(text: str, bold: bool = False) -> str:
    """``text`` as reportlab paragraph markup: escaped, with each run of another script in its font."""
    return "".join(escape(p.text) if p.font in (FONT, BOLD) else f'<font face="{p.font}">{escape(p.text)}</font>'
                   for p in pieces(text, bold))


def text_width(text: str, font: str, size: float) -> float:
    return float(sum(stringWidth(p.text, p.font, size) for p in _pieces(text, font)))


def draw_text(canv: Canvas, x: float, y: float, text: str, font: str, size: float, align: str = "left") -> None:
    """One line at (x, y): ``align`` left (x is the start), right (x is the end) or centre."""
    parts = _pieces(text, font)
    if align != "left":
        width = sum(stringWidth(p.text, p.font, size) for p in parts)
        x -= width if align == "right" else width / 2
    for p in parts:
        canv.setFont(p.font, size)
        canv.drawString(x, y, p.text)
        x += stringWidth(p.text, p.font, size)
    canv.setFont(font, size)
