"""The embedded letter fonts, with each font subset made once per process rather than once per letter.

reportlab embeds a subset of a TrueType font (the glyphs a document uses) in every PDF, rebuilding
and recompressing it each time: about a third of the cost of a one-page letter. Letters in a batch
mostly use the same characters in the same order, so the subset bytes repeat; this keeps them. The
bytes written are exactly those reportlab would write, so output does not depend on the cache.
"""

from __future__ import annotations

import unicodedata
import zlib
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace

from caseworker.letters.errors import LetterError
from caseworker.letters.resources import fonts_dir

FONT, BOLD = "CaseworkerSans", "CaseworkerSans-Bold"
FILES = ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"))
CACHE_SIZE = 64  # at most a few MB: a subset is 15-25 KB compressed


class _CachingFace(TTFontFace):  # type: ignore[misc]  # reportlab has no type hints
    """TTFontFace whose subsets (compressed) are kept, keyed by the characters in them."""

    _subsets: dict[tuple[int, ...], tuple[bytes, int]]

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        key = tuple(subset)
        made = self._subsets.get(key)
        if made is None:
            raw = self.makeSubset(subset)
            made = (zlib.compress(raw), len(raw))
            if len(self._subsets) >= CACHE_SIZE:
                self._subsets.clear()
            self._subsets[key] = made
        font_file = pdfdoc.PDFStream(content=made[0])
        font_file.dictionary["Length1"] = made[1]
        font_file.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")  # already compressed: not again
        ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor", "Ascent": self.ascent, "CapHeight": self.capHeight, "Descent": self.descent,
            "Flags": (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC, "FontBBox": pdfdoc.PDFArray(self.bbox),
            "FontName": pdfdoc.PDFName(fontname), "ItalicAngle": self.italicAngle, "StemV": self.stemV,
            "FontFile2": ref, "MissingWidth": self.defaultWidth,
        })
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


_registered = False


def register_fonts() -> None:
    """Register the shipped TrueType fonts once per process (regular and bold, as one family)."""
    global _registered
    if _registered:
        return
    folder = fonts_dir()
    for name, file in FILES:
        path = folder / file
        if not path.is_file():
            raise LetterError(f"the letter font {path} is missing; letters cannot be printed without it")
        font = TTFont(name, str(path))
        font.face.__class__ = _CachingFace
        font.face._subsets = {}
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    _registered = True


def clear_subset_cache() -> None:
    """Forget the kept subsets (for tests that show the output does not depend on them)."""
    for name, _ in FILES:
        face = pdfmetrics.getFont(name).face
        if isinstance(face, _CachingFace):
            face._subsets.clear()


_printable: frozenset[str] | None = None


def _printable_chars() -> frozenset[str]:
    global _printable
    if _printable is None:
        register_fonts()
        regular = pdfmetrics.getFont(FONT).face.charToGlyph
        bold = pdfmetrics.getFont(BOLD).face.charToGlyph
        _printable = frozenset(chr(c) for c in regular if c in bold and c >= 0x20 and
                               unicodedata.bidirectional(chr(c)) not in ("R", "AL", "RLE", "RLO", "RLI")) | {"\xa0"}
    return _printable


def dejavu_prints(text: str) -> bool:
    """True if the letter font prints all of ``text`` as it is (no right-to-left or shaped script)."""
    return _printable_chars().issuperset(text)
