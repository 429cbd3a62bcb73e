"""Letters as PDF: names in every script print and copy out exactly; reprints are identical; batches stay whole."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseworker.letters import (
    Letter,
    LetterError,
    LetterFacts,
    load_council_settings,
    load_templates,
    render_many,
    render_pdf,
)
from caseworker.letters.fonts import clear_subset_cache
from caseworker.letters.paragraphs import clear_parsed
from caseworker.letters.samples import SAMPLE_NAMES, sample_facts, sample_parent, sample_recipient_for

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (installer/setup.sh)")

COUNCIL = load_council_settings()
TEMPLATES = load_templates()
IDS = [tid for tid, _ in TEMPLATES.titles()]
MM = 72 / 25.4


def facts_for(template_id: str, child: str = "Aisha Rahman") -> LetterFacts:
    recipient = sample_recipient_for(TEMPLATES.get(template_id).recipients)
    return sample_facts(COUNCIL, child=child, recipient=recipient)


def letter(template_id: str, child: str = "Aisha Rahman") -> Letter:
    return TEMPLATES.render(template_id, facts_for(template_id, child))


def pdftotext(pdf: bytes, *args: str) -> str:
    out = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def words(pdf: bytes, *args: str) -> str:
    return " ".join(pdftotext(pdf, *args).split())


def pages(pdf: bytes) -> list[str]:
    """Each page's text (pdftotext separates pages with a form feed)."""
    return [" ".join(p.split()) for p in pdftotext(pdf).split("\f")[:-1]]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
@pytest.mark.parametrize("template_id", IDS)
def test_every_name_prints_and_extracts_exactly(template_id: str, name: str) -> None:
    pdf = render_pdf(letter(template_id, name))
    assert pdf.startswith(b"%PDF")
    assert name in words(pdf)
    assert name in words(pdf, "-layout")


def test_the_font_is_embedded_not_a_base_font() -> None:
    pdf = render_pdf(letter("decision_not_to_assess", "Nguyễn Thị Hà"))
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf
    assert b"/Helvetica" not in pdf and b"/Times" not in pdf


def test_a_name_typed_with_combining_accents_prints_composed() -> None:
    typed = unicodedata.normalize("NFD", "Zoë Nguyễn")
    assert len(typed) > len("Zoë Nguyễn")
    assert "Zoë Nguyễn" in words(render_pdf(letter("change_of_caseworker", typed)))


def test_a_character_no_font_can_print_is_refused_not_printed_as_a_box() -> None:
    for name in ("Sam \U00013000", "Sam \U0001D800"):  # an Egyptian hieroglyph, Sutton SignWriting
        with pytest.raises(LetterError, match=r"cannot be printed by any letter font"):
            render_pdf(letter("change_of_caseworker", name))


def test_reprinting_gives_the_identical_document() -> None:
    first = render_pdf(letter("final_plan_cover", "Łukasz Wiśniewski"))
    render_pdf(letter("advice_chase", "Ștefan Popescu"))  # something else in between
    clear_subset_cache()
    again = render_pdf(letter("final_plan_cover", "Łukasz Wiśniewski"))
    assert hashlib.sha256(first).digest() == hashlib.sha256(again).digest()
    assert b"/CreationDate (D:20000101000000" in first


def test_a_letter_is_the_same_whether_its_paragraphs_were_parsed_afresh_or_kept() -> None:
    # Every template (some run to several pages, so paragraphs are split across pages), made
    # twice in one batch and then alone: laying out one copy must not change the kept paragraphs.
    letters = [letter(tid, "Nguyễn Thị Hà") for tid in IDS]
    clear_parsed()
    fresh = [render_pdf(one) for one in letters]
    render_many(letters + letters)
    kept = [render_pdf(one) for one in letters]
    assert kept == fresh


def test_the_metadata_is_fixed_and_holds_no_personal_data() -> None:
    pdf = render_pdf(letter("final_plan_cover", "Zoë Clarke"))
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Title:\s+Final EHC plan: covering letter$", info, re.M)
    assert re.search(r"^Author:\s+Marches County Council$", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)", info, re.M)
    assert "Zo" not in info and "Farida" not in info


def test_the_first_page_has_the_letterhead_reference_date_and_private_and_confidential() -> None:
    first = pages(render_pdf(letter("decision_not_to_assess")))[0]
    for part in ("Marches County Council", "County Hall", "01632 960000", "send@marches.example.gov.uk",
                 "Private and confidential", "Farida Rahman", "MF2 4QT", "Our reference", "EHC-2025-0042/PS",
                 "26 May 2025", "Dear Farida Rahman,", "Yours sincerely, Priya Shah SEND Caseworker"):
        assert part in first, part


def boxes(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    html = pdftotext(pdf, "-bbox", "-f", "1", "-l", "1")
    return [(w, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def test_the_address_sits_inside_a_standard_envelope_window() -> None:
    recipient = replace(sample_parent(), address_lines=("Flat 12, Wiśniewski House", "140 Long Road",
                                                        "Little Marching", "Marchford", "Marchshire"))
    facts = replace(facts_for("final_plan_cover"), recipient=recipient)
    found = boxes(render_pdf(TEMPLATES.render("final_plan_cover", facts)))
    wanted = {"Private", "confidential", "Farida", "Rahman", "Wiśniewski", "Marchshire", "MF2", "4QT"}
    window = [b for b in found if b[0] in wanted and b[2] < 90 * MM]  # above the body of the letter
    assert {b[0] for b in window} == wanted
    for word, x0, y0, x1, y1 in window:  # 90 x 35 mm, 20 mm from the left, from 45 mm down
        assert x0 >= 20 * MM and x1 <= 110 * MM, word
        assert y0 >= 45 * MM and y1 <= 80 * MM, word
    date_box = next(b for b in found if b[0] == "May")
    assert date_box[1] > 110 * MM  # the date and reference are to the right, clear of the window


def test_an_address_too_long_for_the_window_is_refused() -> None:
    recipient = replace(sample_parent(), address_lines=tuple(f"Line {i}" for i in range(8)))
    facts = replace(facts_for("change_of_caseworker"), recipient=recipient)
    with pytest.raises(LetterError, match="at most 8 fit the envelope window"):
        render_pdf(TEMPLATES.render("change_of_caseworker", facts))


def test_page_x_of_y() -> None:
    two = pages(render_pdf(letter("final_plan_cover")))
    assert len(two) == 2
    assert "Page 1 of 2" in two[0] and "Page 2 of 2" in two[1]
    assert "Our reference: EHC-2025-0042/PS" in two[1]
    assert "Page 1 of 1" in pages(render_pdf(letter("advice_chase")))[0]


def test_a_batch_keeps_letters_in_order_whole_and_numbered_each_on_its_own() -> None:
    batch = []
    for i, (tid, name) in enumerate([("final_plan_cover", "Zoë Clarke"), ("advice_chase", "Nguyễn Thị Hà"),
                                     ("decision_not_to_assess", "Łukasz Wiśniewski"),
                                     ("change_of_caseworker", "Aisha Rahman")]):
        facts = replace(facts_for(tid, name), our_reference=f"REF-{i}")
        batch.append(TEMPLATES.render(tid, facts))
    combined = pages(render_many(batch))
    singles = [pages(render_pdf(one)) for one in batch]
    assert len(combined) == sum(len(s) for s in singles)
    at = 0
    for i, (one, single) in enumerate(zip(batch, singles, strict=True)):
        for n, page in enumerate(single, start=1):
            text = combined[at]
            assert f"Page {n} of {len(single)}" in text
            refs = set(re.findall(r"REF-\d", text))
            assert refs == {f"REF-{i}"}, (i, n, refs)  # no page carries two letters
            assert text == page  # the same page as printing the letter alone
            at += 1
        assert one.recipient.name in combined[at - len(single)]
    assert render_many(batch) == render_many(batch)


def test_an_empty_batch_is_refused() -> None:
    with pytest.raises(LetterError):
        render_many([])


LATIN = st.characters(codec="utf-8", categories=("Lu", "Ll", "Lt"),
                      include_characters="".join(chr(c) for c in range(0x1EA0, 0x1EFA))).filter(
    lambda c: c.isascii() or 0xC0 <= ord(c) <= 0x24F or 0x1E00 <= ord(c) <= 0x1EF9)
NAMES = st.lists(st.text(LATIN, min_size=1, max_size=12), min_size=1, max_size=3).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(name=NAMES)
def test_any_latin_or_vietnamese_name_round_trips_through_pdftotext(name: str) -> None:
    pdf = render_pdf(letter("change_of_caseworker", name))
    assert unicodedata.normalize("NFC", name) in words(pdf)
