"""Names in every script: font fallback, shaping and right-to-left order for text the letter font lacks.

DejaVu Sans (the letter font) prints Latin, Greek and Cyrillic. Other scripts print in Noto fonts and
others from Debian packages, found on this machine at run time (``FALLBACKS``; docs/letters.md says
which package gives which script). reportlab draws a font's characters one by one, so text that needs
shaping is shaped here with HarfBuzz (uharfbuzz): Arabic letters joined, Devanagari conjuncts and vowel
signs formed. Each glyph HarfBuzz chooses is drawn through a code of its own (from Unicode's private
plane 15) whose ToUnicode entry is the text it stands for, so the PDF copies and searches as the name
itself ("pdftotext" gives it back). Right-to-left runs (Arabic, Hebrew, Thaana, Syriac) are put in
visual order here: the words of a run reversed, numbers inside it kept left to right, and a run kept
on one line.

Limits: mark positioning (GPOS) is not applied, so a vowel mark sits where the font puts it by default;
emoji print in black and white (Symbola), and a sequence joined with ZWJ prints as its parts.
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import uharfbuzz as hb
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from caseworker.letters.fonts import BOLD, FONT, dejavu_prints

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
PRIVATE = 0xF0000  # Supplementary Private Use Area-A: codes for shaped glyphs
RTL_CLASSES = frozenset({"R", "AL"})
NUMBER_CLASSES = frozenset({"EN", "AN"})
IGNORABLE = frozenset({0x200C, 0x200D, *range(0xFE00, 0xFE10), 0xFEFF, 0x200E, 0x200F})


@dataclass(frozen=True, slots=True)
class Fallback:
    """A font for one script (or more), the Debian package it comes from, and the characters it is for."""

    name: str
    package: str
    regular: str  # path under one of FONT_DIRS
    bold: str | None
    ranges: tuple[tuple[int, int], ...]


NOTO = "noto/NotoSans{}-{}.ttf"


def _noto(script: str, *ranges: tuple[int, int], bold: bool = True) -> Fallback:
    return Fallback(script.lower(), "fonts-noto-core", NOTO.format(script, "Regular"),
                    NOTO.format(script, "Bold") if bold else None, ranges)


FALLBACKS: tuple[Fallback, ...] = (
    _noto("Arabic", (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    _noto("Hebrew", (0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    _noto("Devanagari", (0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    _noto("Bengali", (0x0980, 0x09FF)),
    _noto("Gurmukhi", (0x0A00, 0x0A7F)),
    _noto("Gujarati", (0x0A80, 0x0AFF)),
    _noto("Oriya", (0x0B00, 0x0B7F)),
    _noto("Tamil", (0x0B80, 0x0BFF)),
    _noto("Telugu", (0x0C00, 0x0C7F)),
    _noto("Kannada", (0x0C80, 0x0CFF)),
    _noto("Malayalam", (0x0D00, 0x0D7F)),
    _noto("Sinhala", (0x0D80, 0x0DFF)),
    _noto("Thai", (0x0E00, 0x0E7F)),
    _noto("Lao", (0x0E80, 0x0EFF)),
    _noto("Myanmar", (0x1000, 0x109F)),
    _noto("Georgian", (0x10A0, 0x10FF), (0x2D00, 0x2D2F)),
    _noto("Ethiopic", (0x1200, 0x139F), (0x2D80, 0x2DDF)),
    _noto("Khmer", (0x1780, 0x17FF)),
    _noto("Armenian", (0x0530, 0x058F)),
    _noto("Thaana", (0x0780, 0x07BF)),
    _noto("Syriac", (0x0700, 0x074F), bold=False),
    # Noto Sans CJK is an OpenType (CFF) font, which reportlab cannot embed: these are TrueType.
    Fallback("cjk", "fonts-droid-fallback", "droid/DroidSansFallbackFull.ttf", None,
             ((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
              (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FA1F))),
    Fallback("hangul", "fonts-wqy-microhei", "wqy/wqy-microhei.ttc", None,
             ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    Fallback("emoji", "fonts-symbola", "ancient-scripts/Symbola_hint.ttf", None,
             ((0x2190, 0x2BFF), (0x1F000, 0x1FAFF))),
)


class ShapedFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints
    """A fallback font whose shaped glyphs have codes of their own, each copying out as its text."""

    def __init__(self, name: str, path: Path) -> None:
        super().__init__(name, str(path))
        self.hb_font = hb.Font(hb.Face(hb.Blob(self.face._ttf_data)))
        self._codes: dict[tuple[int, str], int] = {}
        self.texts: dict[int, str] = {}
        self._lock = threading.Lock()

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.face.charToGlyph

    def code_for(self, gid: int, text: str, breakable: bool) -> str:
        """The character to draw glyph ``gid`` with, copying out as ``text``."""
        if len(text) == 1 and self.face.charToGlyph.get(ord(text)) == gid and (breakable or not text.isspace()):
            return text
        with self._lock:
            code = self._codes.get((gid, text))
            if code is None:
                code = PRIVATE + len(self._codes)
                self._codes[(gid, text)] = code
                self.texts[code] = text
                self.face.charToGlyph[code] = gid
                self.face.charWidths[code] = self.face._pdfScale(self.hb_font.get_glyph_h_advance(gid))
        return chr(code)

    def addObjects(self, doc: Any) -> None:
        """reportlab's, with a ToUnicode map that gives each code its text (and non-BMP text right)."""
        state = self.state[doc]
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            base = (b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))).decode("pdfdoc")
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name, font.BaseFont, font.FirstChar, font.LastChar = internal, base, 0, len(subset) - 1
            font.Widths = pdfdoc.PDFArray([self.face.getCharWidth(c) for c in subset])
            cmap = pdfdoc.PDFStream()
            cmap.content = to_unicode_cmap(base, [self.texts.get(c, chr(c)) for c in subset])
            if doc.compression:
                cmap.filters = [pdfdoc.PDFZCompress]
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base, subset)
            doc.Reference(font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = font
        del self.state[doc]


def to_unicode_cmap(name: str, texts: list[str]) -> str:
    """A ToUnicode CMap: code i copies out as texts[i] (UTF-16BE, so emoji and CJK extension B work)."""
    entries = [f"<{i:02X}> <{t.encode('utf-16-be').hex().upper() or '0020'}>" for i, t in enumerate(texts)]
    return "\n".join(["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
                      f"<< /Registry ({name})", f"/Ordering ({name})", "/Supplement 0", ">> def",
                      f"/CMapName /{name} def", "/CMapType 2 def", "1 begincodespacerange",
                      f"<00> <{len(texts) - 1:02X}>", "endcodespacerange", f"{len(texts)} beginbfchar", *entries,
                      "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


def _find(relative: str) -> Path | None:
    return next((d / relative for d in FONT_DIRS if (d / relative).is_file()), None)


_load_lock = threading.Lock()


@cache
def fallback_font(fallback: Fallback, bold: bool) -> ShapedFont | None:
    """The fallback's font, registered with reportlab (None: its package is not installed)."""
    relative = fallback.bold if bold and fallback.bold else fallback.regular
    path = _find(relative)
    if path is None:
        return None
    name = f"CW-{fallback.name}" + ("-Bold" if bold and fallback.bold else "")
    with _load_lock:
        try:
            font = pdfmetrics.getFont(name)
        except KeyError:
            font = ShapedFont(name, path)
            pdfmetrics.registerFont(font)
    assert isinstance(font, ShapedFont)
    return font


def _claims(fallback: Fallback, cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in fallback.ranges)


@lru_cache(maxsize=4096)
def font_for(ch: str, bold: bool) -> ShapedFont | None:
    """The fallback font that prints ``ch`` (those that claim its block first); None if none does."""
    cp = ord(ch)
    claimed = [f for f in FALLBACKS if _claims(f, cp)]
    for fallback in claimed + [f for f in FALLBACKS if f not in claimed]:
        font = fallback_font(fallback, bold)
        if font is not None and font.covers(ch):
            return font
    return None


def missing_package(ch: str) -> str | None:
    """The font package that would print ``ch`` but is not installed (None: none is expected to)."""
    cp = ord(ch)
    return next((f.package for f in FALLBACKS if _claims(f, cp) and fallback_font(f, False) is None), None)


def _joins(ch: str) -> bool:
    """A character that belongs to the one before it: a combining mark, a joiner, a selector or modifier."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or ord(ch) in IGNORABLE or 0x1F3FB <= ord(ch) <= 0x1F3FF


def clusters(text: str) -> Iterator[str]:
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not _joins(text[i]):
            yield text[start:i]
            start = i


def _direction(cluster: str) -> str:
    kinds = {unicodedata.bidirectional(c) for c in cluster}
    if kinds & RTL_CLASSES:
        return "R"
    if kinds & {"L"}:
        return "L"
    return "D" if kinds & NUMBER_CLASSES else "N"


@dataclass(frozen=True, slots=True)
class Piece:
    """Text to draw in one font: ``font`` is FONT/BOLD or a fallback; ``text`` the characters to draw."""

    font: str
    text: str


def _cluster_font(cluster: str, bold: bool) -> ShapedFont | None:
    """None: DejaVu prints it (left to right, unshaped); else the fallback for its first character."""
    if dejavu_prints(cluster):
        return None
    base = next((c for c in cluster if ord(c) not in IGNORABLE), cluster[0])
    return font_for(base, bold)


def pieces(text: str, bold: bool = False) -> list[Piece]:
    """``text`` as pieces in visual (drawing) order; ValueError names a character nothing can print."""
    plain = BOLD if bold else FONT
    if dejavu_prints(text):
        return [Piece(plain, text)]
    items = [(c, _direction(c)) for c in clusters(text)]
    out: list[Piece] = []
    i = 0
    while i < len(items):
        if items[i][1] == "R":
            j = i
            while j + 1 < len(items) and items[j + 1][1] != "L" and any(d == "R" for _, d in items[j + 1:]):
                j += 1
            while items[j][1] != "R":
                j -= 1
            out.extend(_rtl_run([c for c, _ in items[i:j + 1]], bold, plain))
            i = j + 1
        else:
            j = i + 1  # a word in one fallback font is shaped whole (conjuncts span clusters)
            font = None if dejavu_prints(items[i][0]) else _cluster_font(items[i][0], bold)
            while font is not None and j < len(items) and items[j][1] != "R" and \
                    not dejavu_prints(items[j][0]) and _cluster_font(items[j][0], bold) is font:
                j += 1
            out.extend(_ltr_run("".join(c for c, _ in items[i:j]), bold, plain))
            i = j
    return _merge(out)


def _unprintable(cluster: str) -> ValueError:
    ch = next((c for c in cluster if ord(c) not in IGNORABLE), cluster[0])
    return ValueError(describe(ch))


def describe(ch: str) -> str:
    package = missing_package(ch)
    what = f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')})"
    return f"{what}, which needs the font package {package} (not installed)" if package else what


def _ltr_run(run: str, bold: bool, plain: str) -> list[Piece]:
    if dejavu_prints(run):
        return [Piece(plain, run)]
    font = _cluster_font(run, bold)
    if font is None:
        raise _unprintable(run)
    return [Piece(font.fontName, shape(font, run, rtl=False, breakable=True))]


def _rtl_run(run: list[str], bold: bool, plain: str) -> list[Piece]:
    """A right-to-left run, drawn right to left: its parts reversed, numbers left to right, unbreakable."""
    font = next((f for f in (_cluster_font(c, bold) for c in run) if f is not None), None)
    if font is None:
        raise _unprintable(run[0])
    parts: list[tuple[bool, str]] = []  # (is_number, text) in logical order
    for cluster in run:
        number = _direction(cluster) == "D"
        if parts and parts[-1][0] == number:
            parts[-1] = (number, parts[-1][1] + cluster)
        else:
            parts.append((number, cluster))
    out: list[Piece] = []
    for number, part in reversed(parts):
        if not all(font.covers(c) or ord(c) in IGNORABLE for c in part):
            raise _unprintable(next(c for c in part if not font.covers(c) and ord(c) not in IGNORABLE))
        out.append(Piece(font.fontName, shape(font, part, rtl=not number, breakable=False)))
    return out


def _merge(parts: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for p in parts:
        if out and out[-1].font == p.font:
            out[-1] = Piece(p.font, out[-1].text + p.text)
        else:
            out.append(p)
    return out


def shape(font: ShapedFont, text: str, *, rtl: bool, breakable: bool) -> str:
    """``text`` shaped by HarfBuzz in ``font``, as the characters to draw, left to right."""
    return _shape(font, text, rtl, breakable)


@lru_cache(maxsize=8192)
def _shape(font: ShapedFont, text: str, rtl: bool, breakable: bool) -> str:
    buf = hb.Buffer()
    buf.add_codepoints([ord(c) for c in text])
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    hb.shape(font.hb_font, buf, {})
    glyphs = [(info.codepoint, info.cluster) for info in buf.glyph_infos]
    starts = [*sorted({c for _, c in glyphs}), len(text)]
    texts = {s: text[s:e] for s, e in itertools.pairwise(starts)}
    by_cluster: dict[int, list[int]] = {}
    for index, (_, cluster) in enumerate(glyphs):
        by_cluster.setdefault(cluster, []).append(index)
    share: dict[int, str] = {}
    for cluster, indexes in by_cluster.items():
        chars = texts[cluster]
        order = list(reversed(indexes)) if rtl else indexes  # the cluster's glyphs in reading order
        for k, index in enumerate(order):
            part = chars[k] if k < len(order) - 1 and k < len(chars) else chars[k:] if k < len(chars) else ""
            # Text extraction reverses a right-to-left word character by character, a ligature's text too
            # ("لا" would come out "ال"), so a right-to-left glyph standing for several characters is
            # given them reversed.
            share[index] = part[::-1] if rtl else part
    return "".join(font.code_for(gid, share[i] or "\u200b", breakable) for i, (gid, _) in enumerate(glyphs))


def unprintable(text: str) -> str | None:
    """The first character of ``text`` no letter font can print, described (naming the font package it
    needs when that is what is missing); None if every character prints. The tracker import calls this
    to warn at once about a name that could not go on a letter."""
    text = unicodedata.normalize("NFC", text)
    if dejavu_prints(text):
        return None
    try:
        pieces(text)
        pieces(text, bold=True)
    except ValueError as exc:
        return str(exc)
    return None
