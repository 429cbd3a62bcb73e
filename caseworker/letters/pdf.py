"""Letters to PDF with reportlab: A4, letterhead, window-envelope address, "Page x of y", embedded fonts.

Every name prints in DejaVu Sans, a Unicode TrueType font shipped in resources/fonts and embedded
(subset) in each PDF, so "Nguyễn Thị Hà" or "Łukasz Wiśniewski" print and copy out exactly; the PDF
base fonts cannot. Rendering is deterministic: reportlab's invariant mode and fixed metadata, so the
same letter always gives the same bytes (a reprint is the identical document).
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from caseworker.letters.document import RIGHTS_HEADING, Block, Bullets, Heading, Letter, Para
from caseworker.letters.errors import LetterError
from caseworker.letters.fonts import BOLD, FONT, register_fonts
from caseworker.letters.jinja import short_date
from caseworker.letters.logo_image import draw_logo
from caseworker.letters.paragraphs import paragraph
from caseworker.letters.scripts import unprintable
from caseworker.letters.text import draw_text, markup, text_width

PAGE_W, PAGE_H = A4
LEFT, RIGHT = 20 * mm, PAGE_W - 20 * mm
TOP_MARGIN, BOTTOM_MARGIN = 14 * mm, 22 * mm
# The window of a DL or C5 envelope: 90 x 35 mm, 20 mm from the left, from 46 mm down the page (to 81 mm).
WINDOW_X, WINDOW_TOP, WINDOW_W, WINDOW_H = 20 * mm, 46 * mm, 90 * mm, 35 * mm
DETAILS_X = 116 * mm  # the reference block to the right of the window
LETTERHEAD_RULE = 41 * mm
FIRST_BODY_TOP = 90 * mm
INK, GREY = (0.1, 0.1, 0.1), (0.35, 0.35, 0.35)
CREATOR = "Caseworker"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    """The letter's paragraph styles, made once: parsed paragraphs are kept by style (letters.paragraphs)."""
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=7, textColor=INK)
    return {
        "body": body,
        "subject": ParagraphStyle("subject", parent=body, fontName=BOLD, fontSize=11, leading=15, spaceAfter=9),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, spaceBefore=5, spaceAfter=3, keepWithNext=1),
        "rights": ParagraphStyle("rights", parent=body, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=2,
                                 spaceAfter=4, keepWithNext=1),
        # The rights blocks: a little smaller than the letter, still well above legible print size.
        "small": ParagraphStyle("small", parent=body, fontSize=10, leading=13.5, spaceAfter=6),
        "small_heading": ParagraphStyle("small_heading", parent=body, fontName=BOLD, fontSize=10, leading=13.5,
                                        spaceBefore=4, spaceAfter=2, keepWithNext=1),
        "small_bullet": ParagraphStyle("small_bullet", parent=body, fontSize=10, leading=13.5, leftIndent=6 * mm,
                                       bulletIndent=1.5 * mm, spaceAfter=2, bulletFontName=FONT),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=6 * mm, bulletIndent=1.5 * mm, spaceAfter=2.5,
                                 bulletFontName=FONT),
        # Numbered points (a decision's reasons): room for "10." before the text.
        "number": ParagraphStyle("number", parent=body, leftIndent=7.5 * mm, bulletIndent=1 * mm, spaceAfter=4,
                                 bulletFontName=FONT),
        "small_number": ParagraphStyle("small_number", parent=body, fontSize=10, leading=13.5, leftIndent=7.5 * mm,
                                       bulletIndent=1 * mm, spaceAfter=2, bulletFontName=FONT),
        # The signature: the name and role close up under each other.
        "sig": ParagraphStyle("sig", parent=body, spaceAfter=0),
        "role": ParagraphStyle("role", parent=body, spaceAfter=0),
    }


class LetterStart(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Marks where a letter begins, so the page furniture and numbering know whose page it is."""

    def __init__(self, index: int, letter: Letter) -> None:
        super().__init__()
        self.index, self.letter = index, letter
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._cw_index = self.index
        self.canv._cw_letter = self.letter


class Rule(Flowable):  # type: ignore[misc]
    """A thin line across the frame."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, 3 * mm

    def draw(self) -> None:
        self.canv.setStrokeColorRGB(*GREY)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 1.5 * mm, self.width, 1.5 * mm)


class LetterCanvas(Canvas):  # type: ignore[misc]
    """Holds pages back until the end so each can say "Page x of y" for its own letter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals = Counter(state.get("_cw_index", 0) for state in self._held)
        seen: Counter[int] = Counter()
        for state in self._held:
            index = state.get("_cw_index", 0)
            seen[index] += 1
            self.__dict__.update(state)
            self.setFont(FONT, 8.5)
            self.setFillColorRGB(*GREY)
            self.drawCentredString(PAGE_W / 2, 11 * mm, f"Page {seen[index]} of {totals[index]}")
            self.stamp()
            super().showPage()
        super().save()

    def stamp(self) -> None:
        """Nothing on a real letter; a preview marks every page."""


class PreviewCanvas(LetterCanvas):
    """A preview is marked on every page so it cannot be mistaken for (or posted as) a logged letter."""

    def stamp(self) -> None:
        self.saveState()
        self.setFillColorRGB(0.85, 0.1, 0.1, alpha=0.25)
        self.setFont(BOLD, 46)
        self.translate(PAGE_W / 2, PAGE_H / 2)
        self.rotate(40)
        self.drawCentredString(0, 0, PREVIEW_MARK)
        self.restoreState()


PREVIEW_MARK = "PREVIEW - NOT SENT"


def _fit(canv: Canvas, text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest size from ``size`` down to ``smallest`` at which ``text`` fits ``width`` (else ``smallest``)."""
    while size > smallest and text_width(text, font, size) > width:
        size -= 0.25
    return size


def _address_block(canv: Canvas, letter: Letter) -> None:
    """'Private and confidential' and the address, inside the envelope window."""
    r = letter.recipient
    lines = [line for line in (r.addressee, r.name, *r.address_lines, r.postcode) if line]
    size, leading = (10.0, 11.0) if len(lines) <= 7 else (9.0, 10.0)
    if len(lines) > 8 or 8.5 * mm + (len(lines) - 1) * leading + 1 * mm > WINDOW_H:
        raise LetterError(f"{r.id}: the address has {len(lines)} lines; at most 8 fit the envelope window")
    widest = max(lines, key=lambda s: text_width(s, FONT, size))
    size = _fit(canv, widest, FONT, size, WINDOW_W - 4 * mm, 7.5)
    if text_width(widest, FONT, size) > WINDOW_W - 4 * mm:
        raise LetterError(f"{r.id}: the address line {widest!r} is too long for the envelope window")
    x = WINDOW_X + 2 * mm
    y = PAGE_H - WINDOW_TOP - 3.5 * mm
    canv.setFillColorRGB(*INK)
    canv.setFont(BOLD, 8.5)
    canv.drawString(x, y, "Private and confidential")
    y -= 5 * mm
    for line in lines:
        draw_text(canv, x, y, line, FONT, size)
        y -= leading


def _letterhead(canv: Canvas, letter: Letter) -> None:
    c = letter.council
    top = PAGE_H - TOP_MARGIN
    x = LEFT
    if c.logo is not None:
        draw_logo(canv, c.logo.data, LEFT, top - 20 * mm, 20 * mm, 20 * mm)
        x = LEFT + 24 * mm
    canv.setFillColorRGB(*INK)
    name_size = _fit(canv, c.name, BOLD, 15, DETAILS_X - x - 4 * mm, 10)
    draw_text(canv, x, top - 8 * mm, c.name, BOLD, name_size)
    canv.setFillColorRGB(*GREY)
    draw_text(canv, x, top - 13 * mm, c.team_name, FONT, 9)
    address = [*c.address_lines[:-1], f"{c.address_lines[-1]} {c.postcode}"]
    lines = [*address, f"Phone {c.phone}", c.email] + ([c.website] if c.website else [])
    step = min(3.7 * mm, (LETTERHEAD_RULE - TOP_MARGIN - 5 * mm) / max(len(lines) - 1, 1))
    size = min(8.5, step / mm * 2.45)
    y = top - 2.5 * mm
    for line in lines:
        draw_text(canv, RIGHT, y, line, FONT, _fit(canv, line, FONT, size, RIGHT - DETAILS_X, 6.5), "right")
        y -= step
    canv.setStrokeColorRGB(*GREY)
    canv.setLineWidth(0.6)
    canv.line(LEFT, PAGE_H - LETTERHEAD_RULE, RIGHT, PAGE_H - LETTERHEAD_RULE)


def _details(canv: Canvas, letter: Letter) -> None:
    """Our reference, who to ask for, how, and the date, to the right of the window."""
    rows = [("Our reference", letter.our_reference), ("Please ask for", letter.signatory),
            ("Phone", letter.contact_phone), ("Email", letter.contact_email), ("Date", short_date(letter.date))]
    y = PAGE_H - WINDOW_TOP - 3.5 * mm
    label_w = 23 * mm
    width = RIGHT - DETAILS_X - label_w
    for label, value in rows:
        canv.setFillColorRGB(*GREY)
        canv.setFont(FONT, 8.5)
        canv.drawString(DETAILS_X, y, label)
        canv.setFillColorRGB(*INK)
        font = BOLD if label in ("Our reference", "Date") else FONT
        size = _fit(canv, value, font, 9, width, 8)
        parts = [value]
        if text_width(value, font, size) > width and "@" in value:
            name, _, domain = value.partition("@")
            parts = [name, "@" + domain]  # a long email address goes on two lines rather than shrinking
            size = min(_fit(canv, p, font, 9, width, 6.5) for p in parts)
        for part in parts:
            draw_text(canv, DETAILS_X + label_w, y, part, font, size)
            y -= 4.6 * mm


def _first_page(canv: Canvas, doc: BaseDocTemplate) -> None:
    letter: Letter | None = getattr(canv, "_cw_letter", None)
    if letter is None:
        return
    canv.saveState()
    _letterhead(canv, letter)
    _address_block(canv, letter)
    _details(canv, letter)
    canv.restoreState()


def _later_page(canv: Canvas, doc: BaseDocTemplate) -> None:
    letter: Letter | None = getattr(canv, "_cw_letter", None)
    if letter is None:
        return
    canv.saveState()
    canv.setFont(FONT, 8.5)
    canv.setFillColorRGB(*GREY)
    draw_text(canv, LEFT, PAGE_H - 12 * mm, f"Our reference: {letter.our_reference}", FONT, 8.5)
    draw_text(canv, RIGHT, PAGE_H - 12 * mm, f"{letter.council.name}, {short_date(letter.date)}", FONT, 8.5, "right")
    canv.restoreState()


def _paragraphs(blocks: Sequence[Block], st: dict[str, ParagraphStyle], small: bool = False) -> list[Flowable]:
    prefix = "small_" if small else ""
    out: list[Flowable] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(paragraph(markup(block.text, bold=True), st[prefix + "heading"]))
        elif isinstance(block, Bullets):
            style = st[prefix + ("number" if block.numbered else "bullet")]
            out.extend(paragraph(markup(item), style, mark)
                       for mark, item in zip(block.markers(), block.items, strict=True))
            out.append(Spacer(0, 4))
        else:
            out.append(paragraph(markup(block.text), st["small" if small else "body"]))
    return out


def _story(letter: Letter, index: int, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [LetterStart(index, letter), NextPageTemplate("later"),
                             paragraph(markup(letter.recipient.greeting) + ",", st["body"]),
                             paragraph(markup(letter.subject, bold=True), st["subject"])]
    body = _paragraphs(letter.body, st)
    # The last paragraph goes with the signature, so a page never holds the signature alone; a heading
    # just before it goes too, or it would be left alone at the foot of the page.
    last = body[-1:] if body and isinstance(body[-1], Paragraph) else []
    if last and len(body) > 1 and getattr(body[-2], "style", None) is st["heading"]:
        last = body[-2:]
    story.extend(body[:len(body) - len(last)])
    closing = "Yours faithfully," if letter.recipient.greeting.lower().startswith("dear sir") else "Yours sincerely,"
    story.append(KeepTogether([
        *last, Spacer(0, 2), paragraph(closing, st["body"]), Spacer(0, 10 * mm),
        paragraph(f"<b>{markup(letter.signatory, bold=True)}</b>", st["sig"]),
        paragraph(markup(letter.signatory_role), st["role"]),
        paragraph(markup(letter.council.team_name), st["body"]),
    ]))
    if letter.rights:
        story.extend([CondPageBreak(45 * mm), Rule(), paragraph(RIGHTS_HEADING, st["rights"])])
        story.extend(_paragraphs(letter.rights, st, small=True))
    return story


def _document(buf: io.BytesIO, title: str, author: str, subject: str) -> BaseDocTemplate:
    first = Frame(LEFT, BOTTOM_MARGIN, RIGHT - LEFT, PAGE_H - FIRST_BODY_TOP - BOTTOM_MARGIN, id="first",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(LEFT, BOTTOM_MARGIN, RIGHT - LEFT, PAGE_H - 22 * mm - BOTTOM_MARGIN, id="later",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    templates = [PageTemplate("first", [first], onPageEnd=_first_page),
                 PageTemplate("later", [later], onPageEnd=_later_page)]
    return BaseDocTemplate(buf, pagesize=A4, invariant=1, initialFontName=FONT, initialFontSize=10.5, title=title,
                           author=author, subject=subject, creator=CREATOR, keywords="", pageTemplates=templates)


def _nfc(text: str, where: str) -> str:
    """Text in composed form (a name typed as 'e' + accent prints and copies out as 'é'), or refused."""
    text = unicodedata.normalize("NFC", text)
    bad = unprintable(text)
    if bad is not None:
        raise LetterError(f"{where}: {bad} cannot be printed by any letter font; "
                          "record the name or address in a form that can be printed")
    return text


def _nfc_block(block: Block, where: str) -> Block:
    if isinstance(block, Bullets):
        return Bullets(tuple(_nfc(item, where) for item in block.items), block.numbered)
    if isinstance(block, Heading):
        return Heading(_nfc(block.text, where))
    return Para(_nfc(block.text, where))


def printable(letter: Letter) -> Letter:
    """The letter with every text composed (NFC) and checked against the font; LetterError names the part."""
    r = letter.recipient
    where = f"letter {letter.template_id} to {r.id}"
    recipient = replace(r, name=_nfc(r.name, f"{where}: the recipient's name"),
                        address_lines=tuple(_nfc(a, f"{where}: the address") for a in r.address_lines),
                        postcode=_nfc(r.postcode, f"{where}: the postcode"),
                        salutation=_nfc(r.salutation, f"{where}: the salutation"),
                        addressee=_nfc(r.addressee, f"{where}: the addressee"))
    return replace(letter, recipient=recipient, subject=_nfc(letter.subject, f"{where}: the heading"),
                   our_reference=_nfc(letter.our_reference, f"{where}: our reference"),
                   body=tuple(_nfc_block(b, f"{where}: the text") for b in letter.body),
                   rights=tuple(_nfc_block(b, f"{where}: the rights blocks") for b in letter.rights),
                   signatory=_nfc(letter.signatory, f"{where}: the signatory"))


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Write streams as binary rather than ASCII85 text: a third smaller and much faster to make."""
    was = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = was


def render_many(letters: Iterable[Letter], *, preview: bool = False) -> bytes:
    """One PDF of many letters, in the given order: each starts on a new page and is numbered on its own
    ("Page 1 of 2", "Page 2 of 2", then "Page 1 of 1" ...), so a batch prints as whole letters."""
    register_fonts()
    items = [printable(letter) for letter in letters]
    if not items:
        raise LetterError("there are no letters to print")
    st = _styles()
    story: list[Flowable] = []
    for i, letter in enumerate(items):
        if i:
            story.extend([NextPageTemplate("first"), PageBreak()])
        story.extend(_story(letter, i, st))
    one = len(items) == 1
    buf = io.BytesIO()
    doc = _document(buf, items[0].title if one else f"Letters ({len(items)})", items[0].council.name,
                    items[0].template_id if one else "batch")
    with _binary_streams():
        doc.build(story, canvasmaker=PreviewCanvas if preview else LetterCanvas)
    return buf.getvalue()


def render_pdf(letter: Letter, *, preview: bool = False) -> bytes:
    """One letter as PDF bytes; the same letter always gives the same bytes. A preview is stamped
    "PREVIEW - NOT SENT" on every page."""
    return render_many([letter], preview=preview)
