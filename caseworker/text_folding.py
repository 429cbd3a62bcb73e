"""Text folded so that a search (or a duplicate check) finds a name however it was typed.

"zoe" must find Zoë, "turcanu" Ţurcanu, "oconnor" or "o'connor" O'Connor, "lukasz" Łukasz: a caseworker
types names from a phone call or a form without the family's accents. Folding is done once per stored
value and once per typed text, and the two are compared as plain strings.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that carry their "accent" in the letter itself, so decomposition leaves them alone; each is
# folded to what an English keyboard types for it. (Upper-case forms are folded to these first.)
_OWN_LETTERS = {
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "\u0131": "i", "ƚ": "l", "ɨ": "i",
    "æ": "ae", "œ": "oe", "þ": "th", "ŋ": "n", "ĸ": "k",
}
# Apostrophes in names (O'Connor, D'Souza, written with a straight, curly or modifier apostrophe):
# typed or left out, the name is the same.
_APOSTROPHES = ("'", "\u2019", "\u2018", "\u02bc", "\u02bb", "`", "\u00b4")
_LATIN_MARKS = re.compile("[\u0300-\u036f]+")  # the accents of Latin, Greek and Cyrillic names
_OWN_OR_APOSTROPHE = re.compile("[" + "".join(_OWN_LETTERS) + "".join(_APOSTROPHES) + "]")
# No combining mark lies outside this range (Unicode 15; a unit test checks the Python in use agrees).
FIRST_MARK, LAST_MARK = 0x300, 0x1EFFF


@functools.cache
def _folding_table() -> dict[int, str | None]:
    """Every combining mark (dropped), letters with their own accent and apostrophes, built once."""
    marks: dict[int, str | None] = {cp: None for cp in range(FIRST_MARK, LAST_MARK + 1)
                                    if unicodedata.combining(chr(cp))}
    return {**marks, **str.maketrans({**_OWN_LETTERS, **{a: None for a in _APOSTROPHES}})}


def _own_letter(found: re.Match[str]) -> str:
    return _OWN_LETTERS.get(found.group(), "")


def fold_for_search(text: str) -> str:
    """``text`` without letter case, accents or apostrophes: ``"Ţurcanu O'Connor"`` -> ``"turcanu oconnor"``.

    Compatibility forms count as their plain letters (``"ﬁ"`` is ``"fi"``); everything else (digits,
    spaces, hyphens, other scripts) is kept, so words and identifiers still read as typed. Folding a
    folded text changes nothing.
    """
    if text.isascii():  # nearly every reference, identifier and postcode: no Unicode work at all
        return text.lower().replace("'", "").replace("`", "")
    # Case folding can itself produce a letter and a combining mark (and a compatibility form can be
    # upper case), so it is decomposed, folded, then decomposed and folded again, as Unicode's
    # caseless matching prescribes; then the marks go.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold()).casefold()
    plain = _OWN_OR_APOSTROPHE.sub(_own_letter, _LATIN_MARKS.sub("", decomposed))
    if plain.isascii():  # a name in Latin letters: done (the table below is a character at a time)
        return plain
    return plain.translate(_folding_table())
