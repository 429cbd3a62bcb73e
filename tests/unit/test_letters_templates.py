"""Letter templates: every statutory letter (docs/law.md#letter-list), what each must say, and strict fields."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from caseworker.letters import (
    MANDATORY_BLOCKS,
    LetterError,
    LetterFacts,
    TemplateFormatError,
    load_council_settings,
    load_templates,
)
from caseworker.letters.document import Bullets, Heading, Para, parse_markup
from caseworker.letters.samples import (
    SAMPLE_REASONS,
    sample_facts,
    sample_facts_for,
    sample_recipient_for,
    sample_school,
    sample_service,
    sample_setting,
)
from caseworker.letters.templates import TemplateSet, parse_template

COUNCIL = load_council_settings()
TEMPLATES = load_templates()
SECTION_5 = ("acknowledgement", "decision_to_assess", "decision_not_to_assess", "advice_request", "advice_chase",
             "decision_not_to_issue", "draft_plan_cover", "school_consultation", "final_plan_cover",
             "exception_notice", "change_of_caseworker")
APPEALABLE = {"decision_not_to_assess", "decision_not_to_issue", "final_plan_cover", "amended_plan_cover",
              "review_decision", "cease_decision"}
# An appeal only about the setting a plan names needs no mediation certificate: a plan, an amended plan, or a
# review's decision to keep the plan as it is (the named setting included).
NAMES_A_SETTING = {"final_plan_cover", "amended_plan_cover", "review_decision"}


def facts_for(template_id: str, **changes: object) -> LetterFacts:
    """The sample case's facts for this letter, made on the day of the step it tells of."""
    recipient = sample_recipient_for(TEMPLATES.get(template_id).recipients)
    facts = sample_facts_for(template_id, COUNCIL, recipient=recipient)
    return replace(facts, **changes)  # type: ignore[arg-type]


def text_of(template_id: str, facts: LetterFacts | None = None) -> str:
    letter = TEMPLATES.render(template_id, facts or facts_for(template_id))
    return " ".join(letter.text().split())


def test_there_is_a_template_for_every_letter_the_team_sends() -> None:
    assert set(SECTION_5) <= {tid for tid, _ in TEMPLATES.titles()}
    assert all(title for _, title in TEMPLATES.titles())


@pytest.mark.parametrize("template_id", SECTION_5)
def test_every_template_renders_for_a_sample_case(template_id: str) -> None:
    text = text_of(template_id)
    assert "Aisha Rahman" in text
    for leftover in ("{{", "}}", "{%", "None", "  "):
        assert leftover not in text


def test_appealable_is_declared_for_exactly_the_appealable_decisions() -> None:
    assert {t.id for t in TEMPLATES.templates.values() if t.appealable} == APPEALABLE


D = sample_facts(COUNCIL)
CASE, ADVICE, EXC, TODAY = D.case, D.advice, D.exception, D.today
assert ADVICE is not None and EXC is not None and CASE.final_due and CASE.family_comment_end


def long(d: object) -> str:
    from caseworker.letters.jinja import long_date

    return long_date(d)  # type: ignore[arg-type]


REQUIRED = {
    "acknowledgement": ["considering whether an assessment is needed", "in writing or by talking to us",
                        "evidence", "Your caseworker is Priya Shah", long(CASE.decision_due)],
    "decision_to_assess": ["We have decided to carry out an Education, Health and Care (EHC) needs assessment",
                           "educational psychologist", "health advice", "social care advice", long(CASE.final_due)],
    "decision_not_to_assess": ["We have decided not to carry out an EHC needs assessment", *SAMPLE_REASONS],
    "advice_request": ["Aisha Rahman, born on", "educational psychology advice", "within 6 weeks",
                       long(ADVICE.due), "needs", "provision", "outcomes"],
    "advice_chase": [long(ADVICE.requested), long(ADVICE.due), "9 days late", long(CASE.final_due),
                     long(CASE.draft_latest_safe)],
    "decision_not_to_issue": ["we have decided not to issue an EHC plan", *SAMPLE_REASONS],
    "draft_plan_cover": ["at least 15 days", long(CASE.family_comment_end), "maintained school", "academy",
                         "non-maintained special school", "section 41", "www.marches.example.gov.uk/localoffer",
                         "ask to meet one of our officers", "personal budget", long(CASE.final_due)],
    "school_consultation": ["draft EHC plan", "within 15 days", "section 39",
                            "governing body, proprietor or principal"],
    "final_plan_cover": ["final Education, Health and Care (EHC) plan", long(CASE.final_issued),
                         "recommendations about the health and social care needs and provision"],
    "exception_notice": [EXC.title, EXC.text, "as soon as we practicably can", long(CASE.final_due)],
    "change_of_caseworker": ["Priya Shah is now your caseworker", "01632 960011", "priya.shah@marches.example.gov.uk"],
}


@pytest.mark.parametrize("template_id", SECTION_5)
def test_each_letter_says_what_section_5_requires(template_id: str) -> None:
    text = text_of(template_id)
    for phrase in REQUIRED[template_id]:
        assert " ".join(phrase.split()) in text, phrase


def test_the_consultation_gives_the_reply_date_15_days_after_the_letter() -> None:
    from datetime import timedelta

    facts = facts_for("school_consultation")
    assert long(facts.dated + timedelta(days=15)) in text_of("school_consultation", facts)


def test_the_change_of_caseworker_says_nothing_about_why() -> None:
    text = text_of("change_of_caseworker").lower()
    assert "reason" not in text and "because" not in text and "leav" not in text


def rights_phrases(dated: date) -> list[str]:
    """What the rights paragraphs must say to the family (docs/law.md#appealable), for a letter of this date."""
    from dateutil.relativedelta import relativedelta

    c = COUNCIL
    return [
        "Your rights", "First-tier Tribunal (Special Educational Needs and Disability)",
        "within 2 months of the date of this letter", "within 1 month of the date of your mediation certificate",
        "mediation certificate", c.mediation_adviser.name, c.mediation_adviser.phone,
        c.mediation_adviser.email, "contact our independent mediation adviser within 2 months",
        "please also tell us", "what health care provision you want", c.la_mediation.name, c.la_mediation.phone,
        "disagreement resolution", c.disagreement_resolution.name, c.sendiass.name, c.sendiass.phone,
        c.sendiass.email, long(dated + relativedelta(months=2)),
    ]


PLACEMENT_ONLY = "only about the school"  # an appeal needing no certificate: only a plan names a school


@pytest.mark.parametrize("template_id", sorted(APPEALABLE))
def test_every_appealable_letter_carries_every_mandatory_block(template_id: str) -> None:
    facts = facts_for(template_id)
    letter = TEMPLATES.render(template_id, facts)
    assert letter.appealable
    text = " ".join(letter.text().split())
    for phrase in rights_phrases(facts.dated):
        assert phrase in text, phrase
    # Law change (issue 9): the placement-only exemption is about a plan's named setting, so only a letter
    # about the plan's contents mentions it; a refusal to assess or to issue, or to cease, names no school.
    assert (PLACEMENT_ONLY in text) == (template_id in NAMES_A_SETTING)


@pytest.mark.parametrize("template_id", sorted(set(SECTION_5) - APPEALABLE))
def test_other_letters_carry_no_rights_blocks(template_id: str) -> None:
    assert TEMPLATES.render(template_id, facts_for(template_id)).rights == ()


TEMPLATE_HEAD = """+++
id = "{id}"
title = "A test letter"
version = 1
appealable = {appealable}
recipients = ["parent"]
needs = []
subject = "About {{{{ child.name }}}}"
+++
"""


def one_template(tmp_path: Path, body: str, appealable: bool = False, tid: str = "custom") -> TemplateSet:
    path = tmp_path / f"{tid}.txt"
    path.write_text(TEMPLATE_HEAD.format(id=tid, appealable=str(appealable).lower()) + body, "utf-8")
    return TemplateSet({tid: parse_template(path.read_text("utf-8"), path)})


def test_an_appealable_template_cannot_leave_the_blocks_out(tmp_path: Path) -> None:
    ts = one_template(tmp_path, "We have decided. That is all.\n", appealable=True)
    letter = ts.render("custom", sample_facts(COUNCIL))
    text = " ".join(letter.text().split())
    assert "We have decided. That is all." in text
    for phrase in rights_phrases(sample_facts(COUNCIL).dated):
        assert phrase in text


def test_a_letter_cannot_be_made_without_a_mandatory_block() -> None:
    from caseworker.letters import MandatoryBlocksMissing

    for name in MANDATORY_BLOCKS:
        with pytest.raises(MandatoryBlocksMissing, match=name):
            replace(COUNCIL, blocks={k: v for k, v in COUNCIL.blocks.items() if k != name})
        with pytest.raises(MandatoryBlocksMissing, match=name):
            replace(COUNCIL, blocks={**COUNCIL.blocks, name: "  \n"})


def test_an_unknown_field_is_an_error_naming_it(tmp_path: Path) -> None:
    ts = one_template(tmp_path, "Issued on {{ case.final_isued }}.\n")
    with pytest.raises(LetterError, match=r"template custom: 'case\.final_isued' is not a field"):
        ts.render("custom", sample_facts(COUNCIL))
    ts = one_template(tmp_path, "Hello {{ childname }}.\n")
    with pytest.raises(LetterError, match=r"'childname' is not a field"):
        ts.render("custom", sample_facts(COUNCIL))


def test_a_missing_fact_is_an_error_naming_it_never_a_blank(tmp_path: Path) -> None:
    ts = one_template(tmp_path, "Issued on {{ case.final_issued }}.\n")
    facts = sample_facts(COUNCIL)
    facts = replace(facts, case=replace(facts.case, final_issued=None))
    with pytest.raises(LetterError, match=r"template custom: 'case\.final_issued' is missing"):
        ts.render("custom", facts)
    ts = one_template(tmp_path, "Advice due {{ advice.due }}.\n")
    with pytest.raises(LetterError, match=r"'advice' is missing"):
        ts.render("custom", replace(facts, advice=None))
    ts = one_template(tmp_path, "Phone {{ case.caseworker_phone }}.\n")
    with pytest.raises(LetterError, match=r"'case\.caseworker_phone' is missing"):
        ts.render("custom", replace(facts, case=replace(facts.case, caseworker_phone="  ")))


def test_a_template_whose_needs_are_not_recorded_is_refused_before_rendering() -> None:
    facts = facts_for("final_plan_cover")
    facts = replace(facts, case=replace(facts.case, final_issued=None))
    assert TEMPLATES.missing_facts("final_plan_cover", facts) == ["case.final_issued"]
    with pytest.raises(LetterError, match=r"final_plan_cover: cannot be made until these are recorded: "
                                          r"case\.final_issued"):
        TEMPLATES.render("final_plan_cover", facts)
    chase = facts_for("advice_chase")
    assert chase.advice is not None
    with pytest.raises(LetterError, match=r"advice\.days_late"):
        TEMPLATES.render("advice_chase", replace(chase, advice=replace(chase.advice, days_late=None)))
    with pytest.raises(LetterError, match=r"reasons"):
        TEMPLATES.render("decision_not_to_assess", replace(facts_for("decision_not_to_assess"), reasons=()))


def test_a_letter_goes_only_to_the_kinds_of_recipient_its_template_allows() -> None:
    with pytest.raises(LetterError, match="cannot be sent to"):
        TEMPLATES.render("draft_plan_cover", facts_for("draft_plan_cover", recipient=sample_school()))
    with pytest.raises(LetterError, match="cannot be sent to"):
        TEMPLATES.render("final_plan_cover", facts_for("final_plan_cover", recipient=sample_service()))
    # The final plan goes to the setting named in section I, never to "the school on record".
    with pytest.raises(LetterError, match="cannot be sent to"):
        TEMPLATES.render("final_plan_cover", facts_for("final_plan_cover", recipient=sample_school()))
    TEMPLATES.render("final_plan_cover", facts_for("final_plan_cover", recipient=sample_setting()))


def test_the_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    for body in ("{{ case.__class__ }}", "{{ ''.__class__.__mro__ }}", "{{ child._values }}",
                 "{{ council.name.format_map }}"):
        ts = one_template(tmp_path, body + "\n")
        with pytest.raises(LetterError):
            ts.render("custom", sample_facts(COUNCIL))
    for body in ("{% include 'other.txt' %}", "{% import 'x' as y %}", "{% extends 'base' %}"):
        with pytest.raises(TemplateFormatError, match="cannot include"):
            one_template(tmp_path, body + "\n")


def test_a_value_cannot_add_headings_or_bullets(tmp_path: Path) -> None:
    facts = sample_facts(COUNCIL)
    facts = replace(facts, child=replace(facts.child, name="Sam\n## Injected\n- bullet"))
    letter = one_template(tmp_path, "About {{ child.name }} today.\n").render("custom", facts)
    assert letter.body == (Para("About Sam ## Injected - bullet today."),)


def test_the_markup_has_paragraphs_headings_and_bullets() -> None:
    text = "First line\ncontinues.\n\n## A heading\nPara two.\n- one\n- two\n  wraps\nAfter.\n"
    assert parse_markup(text) == (Para("First line continues."), Heading("A heading"), Para("Para two."),
                                  Bullets(("one", "two wraps")), Para("After."))


BAD_FRONT = [
    ("no fence", "id = 'x'\n", "must start with a"),
    ("unclosed", "+++\nid = 'custom'\n", "not closed"),
    ("bad toml", "+++\nid = custom\n+++\n", "not valid TOML"),
    ("unknown key", TEMPLATE_HEAD.format(id="custom", appealable="false").replace("version", "colour = 1\nversion"),
     "unknown setting.*colour"),
    ("id mismatch", TEMPLATE_HEAD.format(id="other", appealable="false"), "must match the file name"),
    ("appealable", TEMPLATE_HEAD.format(id="custom", appealable="'yes'"), "appealable must be true or false"),
    ("recipient kind", TEMPLATE_HEAD.format(id="custom", appealable="false").replace('["parent"]', '["uncle"]'),
     "recipients: unknown kind.*uncle"),
    ("needs", TEMPLATE_HEAD.format(id="custom", appealable="false").replace("needs = []", 'needs = ["case.shoe"]'),
     "needs: unknown fact.*case.shoe"),
    ("version", TEMPLATE_HEAD.format(id="custom", appealable="false").replace("version = 1", "version = 0"),
     "version"),
    ("body syntax", TEMPLATE_HEAD.format(id="custom", appealable="false") + "Line\n{% if x %}\n", r"custom\.txt, line"),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD_FRONT, ids=[b[0] for b in BAD_FRONT])
def test_a_malformed_template_is_refused_naming_the_file_and_key(case: str, text: str, message: str) -> None:
    with pytest.raises(TemplateFormatError, match=message) as caught:
        parse_template(text, Path("custom.txt"))
    assert "custom.txt" in str(caught.value)


def test_the_letters_package_touches_no_database_and_no_qt() -> None:
    script = ("import sys, caseworker.letters, caseworker.letters.samples\n"
              "print(sorted(n for n in sys.modules if n.split('.')[0] in ('sqlalchemy', 'PySide6', 'psycopg')))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_letters_a_recipient_can_be_sent() -> None:
    family = {t.id for t in TEMPLATES.for_recipient(sample_recipient_for(("parent",)))}
    assert {"draft_plan_cover", "final_plan_cover", "change_of_caseworker"} <= family
    assert "advice_chase" not in family
    assert {t.id for t in TEMPLATES.for_recipient(sample_service())} == {"advice_request", "advice_chase"}


def test_a_plan_from_before_the_records_is_offered_its_own_letters_first() -> None:
    parent = sample_recipient_for(("parent",))
    offered = [t.id for t in TEMPLATES.for_recipient(parent, plan_in_place=True, request_on_record=False)]
    # No letter of the 20 weeks (it would need a request's dates); the plan's letters lead the list.
    assert not {"acknowledgement", "decision_to_assess", "draft_plan_cover", "exception_notice"} & set(offered)
    assert {"review_decision", "cease_decision", "change_of_caseworker"} <= set(offered)
    plan_letters = {"review_decision", "amendment_notice", "amended_plan_cover", "cease_decision",
                    "annual_review_invitation"}
    firsts = offered[:len(plan_letters & set(offered))]
    assert set(firsts) <= plan_letters
    # An issued request keeps its own letters too (a late final plan cover), after the plan's.
    issued = [t.id for t in TEMPLATES.for_recipient(parent, plan_in_place=True)]
    assert "final_plan_cover" in issued and issued.index("review_decision") < issued.index("final_plan_cover")


@pytest.mark.parametrize(("days_on", "says"), [
    (0, "we need to send the family a draft plan by"),
    (130, "That date has passed"),  # past the latest safe draft day, before week 20
    (150, "already waiting longer than the law allows"),  # past week 20
])
def test_a_chase_speaks_of_the_family_s_dates_as_they_stand(days_on: int, says: str) -> None:
    from datetime import timedelta

    from caseworker.letters import load_council_settings, load_templates
    from caseworker.letters.samples import SAMPLE_TODAY, sample_facts, sample_service

    council = load_council_settings()
    facts = sample_facts(council, recipient=sample_service())
    received = facts.case.received
    assert received is not None
    later = received + timedelta(days=days_on) if days_on else SAMPLE_TODAY
    letter = load_templates().render("advice_chase", replace(facts, today=max(later, SAMPLE_TODAY)))
    assert says in " ".join(letter.text().split())
