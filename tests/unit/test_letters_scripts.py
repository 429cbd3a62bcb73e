"""Names in every script print on letters: their own fonts, shaped, right to left where they are, and
they copy out of the PDF as the name itself (pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest

from caseworker.letters import load_council_settings, load_templates, render_pdf, scripts, unprintable
from caseworker.letters.samples import sample_facts, sample_recipient_for

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (installer/setup.sh)")

COUNCIL = load_council_settings()
TEMPLATES = load_templates()
NAMES = {
    "arabic": "مريم صلاح الحسيني",
    "urdu": "عائشہ خان",
    "hebrew": "נועה כהן",
    "chinese": "王小明",
    "japanese": "山田 さくら",
    "korean": "김민준",
    "devanagari": "प्रिया शर्मा",
    "bengali": "অর্পিতা দাস",
    "gurmukhi": "ਹਰਪ੍ਰੀਤ ਕੌਰ",
    "tamil": "கார்த்திக்",
    "emoji": "Zoë 🌟 Smith",
    "mixed": "Sara مريم Levi",
}
BIDI_MARKS = dict.fromkeys(range(0x202A, 0x202F))  # poppler marks right-to-left text with RLE ... PDF


def extracted(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.translate(BIDI_MARKS).split())


def pdf_for(name: str, template_id: str = "decision_not_to_assess") -> bytes:
    recipient = sample_recipient_for(TEMPLATES.get(template_id).recipients)
    from dataclasses import replace

    recipient = replace(recipient, name=name, salutation=name)
    return render_pdf(TEMPLATES.render(template_id, sample_facts(COUNCIL, child=name, recipient=recipient)))


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_any_script_prints_and_copies_out_as_itself(script: str) -> None:
    name = NAMES[script]
    assert unprintable(name) is None
    text = extracted(pdf_for(name))
    if script == "mixed":  # pdftotext drops the space where right-to-left text meets left-to-right
        text, name = text.replace(" ", ""), name.replace(" ", "")
    assert text.count(name) >= 3, text[:400]  # the address, the greeting, the heading and the text


def shaped(name: str, bold: bool = False) -> Iterator[tuple[scripts.ShapedFont, str]]:
    from reportlab.pdfbase import pdfmetrics

    for piece in scripts.pieces(name, bold):
        font = pdfmetrics.getFont(piece.font)
        if isinstance(font, scripts.ShapedFont):
            yield font, piece.text


def test_arabic_letters_join_and_the_words_run_right_to_left() -> None:
    [(font, drawn)] = list(shaped("مريم صلاح"))
    assert any(ord(c) >= scripts.PRIVATE for c in drawn)  # joining forms, which have no code of their own
    as_text = [font.texts.get(ord(c), c) for c in drawn]  # drawn left to right
    assert as_text[-1] == "م" and as_text[0] == "ح"  # the first letter of the name rightmost, the last leftmost
    assert "ال" in as_text  # lam-alef, one ligature glyph, copying out (reversed by the reader) as "لا"


def test_numbers_in_a_right_to_left_run_stay_left_to_right() -> None:
    drawn = [font.texts.get(ord(c), c) for font, text in shaped("شارع 12 النور") for c in text]
    joined = "".join(drawn)
    assert "12" in joined and "21" not in joined


def test_devanagari_forms_its_conjuncts() -> None:
    [(_font, drawn)] = list(shaped("प्रिया"))
    assert len(drawn) < len("प्रिया") and any(ord(c) >= scripts.PRIVATE for c in drawn)


def test_a_character_nothing_prints_is_named() -> None:
    message = unprintable("Sam \U00013000")
    assert message is not None and "U+13000" in message and "EGYPTIAN HIEROGLYPH" in message


def test_a_missing_font_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scripts, "FONT_DIRS", ())
    scripts.fallback_font.cache_clear()
    scripts.font_for.cache_clear()
    try:
        assert "fonts-noto-core (not installed)" in (unprintable("प्रिया") or "")
        assert "fonts-droid-fallback (not installed)" in (unprintable("王小明") or "")
        assert unprintable("Zoë Wiśniewska") is None  # the letter font ships with Caseworker
    finally:
        scripts.fallback_font.cache_clear()
        scripts.font_for.cache_clear()


def test_the_same_letter_in_another_script_is_the_same_bytes_every_time() -> None:
    assert pdf_for(NAMES["arabic"]) == pdf_for(NAMES["arabic"])
