"""The wording the law asks of the letters (docs/law.md#letters): numbered reasons, the child's first name
after the first mention, no "plan" in a decision not to assess, reviews for under-5s, the personal budget
while a plan is prepared or maintained, and the one line a copy carries instead of the rights paragraphs."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date

import pytest

from caseworker.letters import Bullets, Para, load_council_settings, load_templates, parse_markup, render_pdf
from caseworker.letters.facts import clean_reasons
from caseworker.letters.samples import (
    SAMPLE_NAMES,
    sample_commissioner,
    sample_facts_for,
    sample_parent,
    sample_recipient_for,
    sample_school,
)

COUNCIL = load_council_settings()
TEMPLATES = load_templates()
ALL = [tid for tid, _ in TEMPLATES.titles()]


def body_text(template_id: str, child: str = "Aisha Rahman") -> str:
    facts = sample_facts_for(template_id, COUNCIL, child, sample_recipient_for(TEMPLATES.get(template_id).recipients))
    letter = TEMPLATES.render(template_id, facts)
    return " ".join(b.text if not isinstance(b, Bullets) else " ".join(b.items) for b in letter.body)


def test_reasons_are_numbered_as_written_whatever_was_typed_in_front() -> None:
    assert clean_reasons(("1. School meets needs.", "  ", "- Progress is good.", "• Third", "2) Fourth")) == (
        "School meets needs.", "Progress is good.", "Third", "Fourth")
    assert parse_markup("Why:\n1. one\n2. two\n   wraps\n- a bullet\n") == (
        Para("Why:"), Bullets(("one", "two wraps"), numbered=True), Bullets(("a bullet",)))


@pytest.mark.parametrize("template_id", ["decision_not_to_assess", "decision_not_to_issue"])
def test_a_decision_s_reasons_print_numbered(template_id: str) -> None:
    facts = sample_facts_for(template_id, COUNCIL, recipient=sample_parent())
    facts = replace(facts, reasons=clean_reasons(("1. The school meets the needs.", "Progress is good.")))
    letter = TEMPLATES.render(template_id, facts)
    assert Bullets(("The school meets the needs.", "Progress is good."), numbered=True) in letter.body
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=render_pdf(letter), capture_output=True,
                         check=True).stdout.decode()
    assert re.search(r"^\s*1\.\s+The school meets the needs\.", out, re.MULTILINE)
    assert re.search(r"^\s*2\.\s+Progress is good\.", out, re.MULTILINE)


@pytest.mark.parametrize("template_id", ALL)
@pytest.mark.parametrize("child", SAMPLE_NAMES)
def test_the_child_is_named_in_full_once_then_by_first_name(template_id: str, child: str) -> None:
    text = body_text(template_id, child)
    assert text.count(child) == 1, text


def test_a_decision_not_to_assess_says_nothing_of_a_plan_even_in_its_rights_paragraphs() -> None:
    facts = sample_facts_for("decision_not_to_assess", COUNCIL, recipient=sample_parent())
    letter = TEMPLATES.render("decision_not_to_assess", facts)
    assert letter.rights and re.findall(r"\bplans?\b", letter.text(), re.IGNORECASE) == []
    final = TEMPLATES.render("final_plan_cover", sample_facts_for("final_plan_cover", COUNCIL))
    assert "only about the school, college or other setting named in the plan" in final.text()


@pytest.mark.parametrize(("born", "under_five"), [(date(2021, 1, 1), True), (date(2016, 3, 14), False)])
def test_a_final_cover_for_an_under_5_says_reviews_every_3_to_6_months(born: date, under_five: bool) -> None:
    facts = sample_facts_for("final_plan_cover", COUNCIL)
    facts = replace(facts, child=replace(facts.child, date_of_birth=born))
    text = " ".join(TEMPLATES.render("final_plan_cover", facts).text().split())
    assert ("every 3 to 6 months" in text) is under_five
    assert "recommendations about the health and social care needs and provision in the plan" in text


def test_the_personal_budget_can_be_asked_for_while_the_plan_is_prepared_or_maintained() -> None:
    text = " ".join(body_text("draft_plan_cover").split())
    assert "while your EHC plan is being prepared, and at any time while it is kept in place (maintained)" in text
    assert "personal budget" in body_text("final_plan_cover")


def test_a_copy_says_the_young_person_was_told_once_they_are_past_school_age() -> None:
    facts = sample_facts_for("decision_not_to_issue", COUNCIL, recipient=sample_commissioner())
    child = replace(facts.child, date_of_birth=date(2008, 5, 4))  # school age ended on Friday 27 June 2025
    letter = TEMPLATES.render("decision_not_to_issue", replace(facts, child=child, letter_date=date(2025, 7, 1)))
    assert letter.rights == () and letter.body[-1] == Para(
        "We have written separately to the young person to explain the right to appeal to the Tribunal against "
        "this decision, and about mediation and free, impartial advice.")
    school = TEMPLATES.render("decision_not_to_assess", sample_facts_for("decision_not_to_assess", COUNCIL,
                                                                        recipient=sample_school()))
    assert "We have told Oakfield Primary School" not in school.text()  # not told of itself in the third person


def test_advice_letters_speak_of_reg_8_only_to_a_body_it_binds() -> None:
    facts = sample_facts_for("advice_request", COUNCIL, recipient=sample_recipient_for(("advice_service",)))
    assert facts.advice is not None
    own = TEMPLATES.render("advice_request", facts).text()
    bound = TEMPLATES.render("advice_request", replace(facts, advice=replace(facts.advice, bound_by_reg8=True)))
    assert "The law requires" not in own and "Our standard" in own
    assert "The law requires" in bound.text() and "Our standard" not in bound.text()


@pytest.mark.parametrize("template_id", ALL)
def test_a_condition_at_the_end_of_a_line_does_not_run_two_paragraphs_together(template_id: str) -> None:
    """A paragraph never carries on into the next one's opening words (Jinja2 eats the line break after a
    tag at the end of a line unless the tag ends with "+%}")."""
    for recipient in {sample_parent(), sample_recipient_for(TEMPLATES.get(template_id).recipients)}:
        if not recipient.kinds & set(TEMPLATES.get(template_id).recipients):
            continue
        facts = sample_facts_for(template_id, COUNCIL, recipient=recipient)
        letter = TEMPLATES.render(template_id, facts)
        starts = ("You can find out how to appeal", "Securing the special educational provision",
                  "We have considered all the advice", "Aisha's needs should be met", "The law requires advice",
                  "Our standard is")
        for block in (*letter.body, *letter.rights):
            if isinstance(block, Para):
                assert not any(s in block.text[1:] for s in starts), block.text
