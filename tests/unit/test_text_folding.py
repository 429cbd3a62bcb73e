"""Folding text for search: case, accents and apostrophes never stop a name being found."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caseworker.text_folding import FIRST_MARK, LAST_MARK, fold_for_search

# Combining marks names carry: grave, acute, circumflex, tilde, diaeresis, ring, caron, cedilla, ogonek,
# comma below, dot above, breve.
MARKS = "\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0327\u0328\u0326\u0307\u0306"
plain_words = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -0123456789"),
                      max_size=30)
# Names in Latin letters, accented or not (Basic Latin to Latin Extended-B: Irish, Polish, Romanian,
# Turkish, Vietnamese base letters, ...).
latin_names = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F, categories=("L", "Zs", "Pd",
                                                                                                     "Po")))


@pytest.mark.parametrize(("stored", "typed"), [
    ("Zoë", "zoe"), ("Ţurcanu", "turcanu"), ("Țurcanu", "TURCANU"), ("O'Connor", "oconnor"),
    ("O\u2019Connor", "o'connor"), ("Łukasz Szymański", "lukasz szymanski"), ("Søren Ærø", "soren aero"),
    ("Pádraig Ní Bhriain", "padraig ni bhriain"), ("STRAßE", "strasse"), ("Thị Hà", "thi ha"),
    ("İlkay I\u015f\u0131k", "ilkay isik"), ("ﬁona", "fiona"), ("Smith-Jones", "smith-jones"), ("SW1A 1AA", "sw1a 1aa"),
])
def test_names_fold_to_what_a_caseworker_types(stored: str, typed: str) -> None:
    assert fold_for_search(stored) == fold_for_search(typed) == typed.lower().replace("'", "")


def test_other_scripts_digits_and_hyphens_are_kept() -> None:
    assert fold_for_search("Мария 943-476") == "мария 943-476"
    assert fold_for_search("王 小明") == "王 小明"


@given(st.text())
@example("ǰ")  # case folds to j and a combining caron
@example("\u210c")  # a compatibility form that decomposes to an upper-case letter
@example("İ")  # folds to i and a combining dot above
def test_folding_twice_is_folding_once(text: str) -> None:
    once = fold_for_search(text)
    assert fold_for_search(once) == once


@given(st.text())
def test_letter_case_makes_no_difference(text: str) -> None:
    assert fold_for_search(text.casefold()) == fold_for_search(text)


@given(latin_names)
def test_capitals_and_small_letters_find_each_other(name: str) -> None:
    """Upper or lower case, as a form or a spreadsheet may have a name in either."""
    assert fold_for_search(name.upper()) == fold_for_search(name.lower()) == fold_for_search(name)


@given(plain_words, st.data())
def test_accents_make_no_difference(word: str, data: st.DataObject) -> None:
    accented = "".join(ch + data.draw(st.text(alphabet=MARKS, max_size=2)) if ch.isalpha() else ch for ch in word)
    assert fold_for_search(accented) == word.lower()
    assert fold_for_search(unicodedata.normalize("NFC", accented)) == word.lower()


@given(st.text())
def test_folded_text_has_no_capitals_or_marks(text: str) -> None:
    folded = fold_for_search(text)
    assert folded == folded.casefold()
    assert not any(unicodedata.combining(ch) for ch in folded)


def test_every_combining_mark_is_in_the_range_folding_drops() -> None:
    """The table of marks is built from a range, not the whole of Unicode; this Python's data agrees."""
    outside = [cp for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))
               and not FIRST_MARK <= cp <= LAST_MARK]
    assert outside == []
