"""Letter paragraphs with their markup parsed once per process rather than once per letter.

reportlab parses each Paragraph's markup into styled fragments when it is made: about a sixth of the
cost of a chase letter. Most of a batch's paragraphs are the same text in the same style (the rights
blocks, the closing, the team's name), so the parsed fragments are kept and each new paragraph gets its
own copies of them. A paragraph made from kept fragments is the same as one parsed afresh (same text,
style, bullet and fragments), so a letter does not depend on the cache.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

CACHE_SIZE = 2_000  # parsed paragraphs kept; a few hundred KB at most

_parsed: dict[tuple[str, int, str | None], Paragraph] = {}


def paragraph(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """``Paragraph(text, style, bulletText=bullet)``, parsed only the first time this text and style meet.

    ``style`` must live as long as the process (the letter styles do): it is kept by identity.
    """
    key = (text, id(style), bullet)
    first = _parsed.get(key)
    if first is None or first.style is not style:
        first = Paragraph(text, style, bulletText=bullet)
        if len(_parsed) >= CACHE_SIZE:
            _parsed.clear()
        _parsed[key] = first
    # Copies of the fragments: laying a paragraph out must never change another letter's paragraph.
    return Paragraph(first.text, first.style, first.bulletText, frags=[f.clone() for f in first.frags])


def clear_parsed() -> None:
    """Forget the kept paragraphs (for tests that show a letter does not depend on them)."""
    _parsed.clear()
