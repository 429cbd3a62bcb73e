"""Which text encoding a CSV file is in, decided from the whole file before a row is read.

A byte-order mark decides: UTF-8, UTF-16 (little- or big-endian) or UTF-32, named as such. Without
one, the file must be UTF-8 from end to end; a file with no valid UTF-8 sequence at all and only
characters Windows-1252 defines is Excel's ordinary "CSV" (Windows-1252). A file that mixes the two,
or is neither, is refused, naming the first row that cannot be read: guessing would store "Zoë" as
"ZoÃ«" on statutory letters. The file is read in blocks, never held whole.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

BLOCK = 1 << 20
# Longest first: the UTF-32 little-endian mark begins with UTF-16's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian, with a byte-order mark)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (with a byte-order mark)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian, with a byte-order mark)"),
)
UTF8 = "UTF-8"
CP1252 = "Windows-1252 (Excel's ordinary CSV)"
NON_ASCII = re.compile(rb"[\x80-\xff]+")
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
SAVE_AS = "save the file from Excel as \"CSV UTF-8\" and import it again"


class EncodingError(ValueError):
    """The file's text cannot be decoded with confidence; ``offset`` is the first byte at fault."""

    def __init__(self, reason: str, offset: int, codec: str = "utf-8", skip: int = 0) -> None:
        self.reason = reason
        self.offset = offset
        self.codec = codec  # what the bytes before ``offset`` are in, to find the row they begin
        self.skip = skip  # a byte-order mark before them
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Encoding:
    codec: str  # for open(): the byte-order mark, if any, is skipped by ``skip``
    name: str  # for people
    skip: int = 0  # bytes of byte-order mark


def _blocks(fh: BinaryIO) -> Iterator[bytes]:
    while block := fh.read(BLOCK):
        yield block


@dataclass
class _Runs:
    """Every run of non-ASCII bytes, classed as valid UTF-8 or not; a run may span blocks."""

    valid: int = 0
    first_invalid: int | None = None
    first_undefined: int | None = None  # a byte Windows-1252 does not define
    nul: int | None = None

    def feed(self, data: bytes, start: int, final: bool) -> bytes:
        """Class the runs in ``data`` (which begins at file offset ``start``); return an unfinished tail."""
        if self.nul is None and (at := data.find(b"\0")) >= 0:
            self.nul = start + at
        if self.first_undefined is None and (m := CP1252_UNDEFINED.search(data)):
            self.first_undefined = start + m.start()
        tail = b""
        for m in NON_ASCII.finditer(data):
            if m.end() == len(data) and not final:
                tail = m.group()
                break
            try:
                m.group().decode("utf-8")
                self.valid += 1
            except UnicodeDecodeError as exc:
                if self.first_invalid is None:
                    self.first_invalid = start + m.start() + exc.start
        return tail


def detect(fh: BinaryIO) -> Encoding:
    """The encoding of the file ``fh`` reads (from its start), or ``EncodingError`` saying why it has none
    we can trust."""
    fh.seek(0)
    head = fh.read(4)
    for bom, codec, name in BOMS:
        if head.startswith(bom):
            fh.seek(len(bom))
            _check_strict(fh, codec, name, len(bom))
            return Encoding(codec, name, len(bom))
    fh.seek(0)
    runs = _Runs()
    offset, tail = 0, b""
    for block in _blocks(fh):
        data = tail + block
        tail = runs.feed(data, offset - len(tail), final=False)
        offset += len(block)
    runs.feed(tail, offset - len(tail), final=True)
    return _decide(runs)


def detect_bytes(data: bytes) -> Encoding:
    return detect(io.BytesIO(data))


def _check_strict(fh: BinaryIO, codec: str, name: str, offset: int) -> None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    done = offset
    try:
        for block in _blocks(fh):
            decoder.decode(block)
            done += len(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"the file begins with the mark of {name}, but this has bytes that are not "
                            f"{codec.upper()}; "
                            f"{SAVE_AS}", done + max(exc.start, 0), codec, offset) from None


def _decide(runs: _Runs) -> Encoding:
    if runs.nul is not None:
        raise EncodingError("the file has NUL bytes, so it is not text as saved (perhaps UTF-16 without a "
                            f"byte-order mark); {SAVE_AS}", runs.nul)
    if runs.first_invalid is None:
        return Encoding("utf-8", UTF8)
    if runs.valid:
        raise EncodingError("the file mixes encodings: most of it is UTF-8, but this value has a byte that is "
                            "not (typed or pasted from another program); retype the value, or " + SAVE_AS,
                            runs.first_invalid)
    if runs.first_undefined is not None:
        raise EncodingError(f"the file is neither UTF-8 nor {CP1252}: this value has a byte neither defines; "
                            f"{SAVE_AS}",
                            runs.first_undefined, "cp1252")
    return Encoding("cp1252", CP1252)
