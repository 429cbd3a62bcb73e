"""The letters about a plan in place (docs/law.md#letters): each renders for the sample plan and every kind of
recipient it allows; the appealable ones carry the rights paragraphs to the family only and one line to
anyone else; none is made before its facts are recorded; none states a passed date as a duty still to come,
whatever day it is made; and the plan facts come from the plan as recorded and the plan clocks."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from caseworker.letters import (
    Bullets,
    Letter,
    LetterError,
    LetterFacts,
    Recipient,
    load_council_settings,
    load_templates,
)
from caseworker.letters.facts import MeetingFacts, PlanLetterFacts
from caseworker.letters.from_case import plan_letter_facts
from caseworker.letters.pdf import render_pdf
from caseworker.letters.samples import (
    sample_commissioner,
    sample_facts_for,
    sample_parent,
    sample_plan,
    sample_school,
    sample_setting,
)
from caseworker.letters.words import MONTHS
from caseworker.services.plan_letters import PLAN_NOTIFIES
from caseworker.statutory.engine import DeadlineEngine
from caseworker.statutory.plan_facts import AmendmentFacts, CeaseFacts, PlanFacts, ReviewFacts, TransferFacts

COUNCIL = load_council_settings()
TEMPLATES = load_templates()
PLAN_LETTERS = ("annual_review_invitation", "review_decision", "amendment_notice", "amended_plan_cover",
                "cease_decision", "phase_transfer_consultation")
APPEALABLE = {"review_decision": "review", "amended_plan_cover": "plan", "cease_decision": "cease"}
SOCIAL_CARE = Recipient(id="social_care:2", kind="social_care", name="Marches Children's Social Care",
                        address_lines=("County Hall", "Marchford"), postcode="MF1 1AA", salutation="Dear colleague")
OTHER_LA = Recipient(id="la:4", kind="other_la", name="Wyeside Council", address_lines=("Shire Hall", "Wyeford"),
                     postcode="WY1 2AB", salutation="Dear colleague")
BY_KIND = {"main_correspondent": sample_parent(), "school": sample_school(), "named_setting": sample_setting(),
           "health_commissioner": sample_commissioner(), "social_care": SOCIAL_CARE, "other_la": OTHER_LA,
           "school_consulted": replace(sample_school(), kind="school_consulted", id="school:9")}
TOLD = "We have written separately to the family to explain the right to appeal to the Tribunal"
LONG_DATE = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (\d{1,2}) "
                       rf"({'|'.join(MONTHS)}) (\d{{4}})")
# Words that tell the reader a date in the sentence is behind us, not a duty still to come.
PAST = ("passed", "missed", "should have", "ended", "ran from", "dated", "born", "we told", "proposed to you on",
        "appealed", "considered the report", "review meeting on", "was due", "counting from")


def facts_for(template_id: str, recipient: Recipient | None = None, **changes: object) -> LetterFacts:
    facts = sample_facts_for(template_id, COUNCIL, recipient=recipient or sample_parent())
    return replace(facts, **changes)  # type: ignore[arg-type]


def words(letter: Letter) -> str:
    return " ".join(letter.text().split())


def body_words(letter: Letter) -> str:
    """The letter's own text, without the council's rights paragraphs (which count from the letter's date)."""
    return " ".join(" ".join(b.items) if isinstance(b, Bullets) else b.text for b in letter.body)


def passed_duties(text: str, today: date) -> list[str]:
    out = []
    for sentence in re.split(r"(?<=[.:])\s+", text):
        for day, month, year in LONG_DATE.findall(sentence):
            if date(int(year), MONTHS.index(month) + 1, int(day)) < today and \
                    not any(p in sentence.lower() for p in PAST):
                out.append(sentence)
    return out


def recipients_of(template_id: str) -> list[Recipient]:
    kinds = TEMPLATES.get(template_id).recipients
    return [r for kind, r in BY_KIND.items() if kind in kinds]


@pytest.mark.parametrize("template_id", PLAN_LETTERS)
def test_each_plan_letter_renders_for_every_recipient_it_allows(template_id: str) -> None:
    for recipient in recipients_of(template_id):
        text = words(TEMPLATES.render(template_id, facts_for(template_id, recipient)))
        assert "Aisha Rahman" in text, recipient.kind
        for leftover in ("{{", "}}", "{%", "None", "  "):
            assert leftover not in text, (recipient.kind, leftover)


@pytest.mark.parametrize("template_id", sorted(APPEALABLE))
def test_the_appealable_plan_letters_carry_the_rights_to_the_family_only(template_id: str) -> None:
    template = TEMPLATES.get(template_id)
    assert template.appealable and template.decision == APPEALABLE[template_id]
    family = TEMPLATES.render(template_id, facts_for(template_id))
    assert family.rights and TOLD not in words(family)
    rights = " ".join(b.text for b in family.rights if hasattr(b, "text"))
    assert "mediation certificate" in rights and "SENDIASS" in rights
    # An appeal only about the setting named needs no certificate: about a plan's contents, never a cease.
    assert ("only about the school" in rights) is (template_id != "cease_decision")
    for recipient in recipients_of(template_id):
        if recipient.family:
            continue
        copy = TEMPLATES.render(template_id, facts_for(template_id, recipient))
        assert copy.rights == () and words(copy).count(TOLD) == 1, recipient.kind


@pytest.mark.parametrize("template_id", ["annual_review_invitation", "amendment_notice",
                                         "phase_transfer_consultation"])
def test_the_other_plan_letters_carry_no_rights(template_id: str) -> None:
    recipient = recipients_of(template_id)[0]
    assert not TEMPLATES.get(template_id).appealable
    assert TEMPLATES.render(template_id, facts_for(template_id, recipient)).rights == ()


NOT_YET = [
    ("annual_review_invitation", {"review_meeting": None}, "plan.review_meeting"),
    ("review_decision", {"review_decision_notified": None}, "plan.review_decision_notified"),
    ("amendment_notice", {"amendment_notice_sent": None}, "plan.amendment_notice_sent"),
    ("amended_plan_cover", {"amended_plan_issued": None}, "plan.amended_plan_issued"),
    ("cease_decision", {"cease_decided": None, "appeal_until": None}, "plan.cease_decided, plan.appeal_until"),
    ("phase_transfer_consultation", {"transfer_school": None}, "plan.transfer_school"),
]


@pytest.mark.parametrize(("template_id", "unrecorded", "missing"), NOT_YET, ids=[n[0] for n in NOT_YET])
def test_a_plan_letter_is_refused_until_its_facts_are_recorded(template_id: str, unrecorded: dict[str, object],
                                                               missing: str) -> None:
    recipient = recipients_of(template_id)[0]
    facts = facts_for(template_id, recipient)
    assert facts.plan is not None
    early = replace(facts, plan=replace(facts.plan, **unrecorded))  # type: ignore[arg-type]
    with pytest.raises(LetterError, match=f"cannot be made until these are recorded: {re.escape(missing)}"):
        TEMPLATES.render(template_id, early)
    with pytest.raises(LetterError, match=r"recorded: plan\."):
        TEMPLATES.render(template_id, replace(facts, plan=None))


def test_the_invitation_needs_the_meeting_s_time_and_place() -> None:
    facts = facts_for("annual_review_invitation")
    assert TEMPLATES.missing_facts("annual_review_invitation", replace(facts, meeting=None)) == [
        "meeting.time", "meeting.place"]
    only_time = replace(facts, meeting=MeetingFacts(time="2pm"))
    assert TEMPLATES.missing_facts("annual_review_invitation", only_time) == ["meeting.place"]


def test_a_request_is_not_offered_the_plan_letters() -> None:
    ids = {t.id for t in TEMPLATES.for_recipient(sample_parent(), plan_in_place=False)}
    assert not ids & set(PLAN_LETTERS) and "acknowledgement" in ids
    assert set(PLAN_LETTERS) - {"phase_transfer_consultation"} <= {
        t.id for t in TEMPLATES.for_recipient(sample_parent(), plan_in_place=True)}


@pytest.mark.parametrize(("kind", "says"), [("school", "to move to their next school"),
                                            ("post16", "to move from school to post-16 education"),
                                            ("post16_move", "to move to a new post-16 institution")])
def test_the_consultation_names_the_kind_of_move(kind: str, says: str) -> None:
    facts = facts_for("phase_transfer_consultation", BY_KIND["school_consulted"])
    assert facts.plan is not None
    letter = TEMPLATES.render("phase_transfer_consultation", replace(facts, plan=replace(facts.plan,
                                                                                       transfer_kind=kind)))
    assert f"due {says} on Wednesday 1 September 2027" in words(letter)
    other = TEMPLATES.render("phase_transfer_consultation", replace(facts, recipient=OTHER_LA))
    assert "as the local authority that maintains Marchford Academy" in words(other)


def test_amendments_after_a_review_say_so_and_at_any_other_time_propose() -> None:
    facts = facts_for("amendment_notice")
    assert facts.plan is not None
    assert "We are proposing to amend (change)" in words(TEMPLATES.render("amendment_notice", facts))
    after = replace(facts, plan=replace(facts.plan, amendment_follows_review=True,
                                        last_review_meeting=date(2025, 2, 17)))
    text = words(TEMPLATES.render("amendment_notice", after))
    assert "report of the review meeting on Monday 17 February 2025" in text and "should be amended" in text


# Every plan letter, made on any day from its own step's day up to three years later (a letter sent late), never
# states a date before that day as a duty still to come. (The rights paragraphs count from the letter's own date,
# which a decision letter keeps: docs/law.md#letter-dates.)
@settings(max_examples=80, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])
@given(template_id=st.sampled_from(PLAN_LETTERS), days_later=st.integers(min_value=0, max_value=3 * 366),
       kind=st.sampled_from(sorted(BY_KIND)))
def test_no_plan_letter_states_a_passed_date_as_a_duty(template_id: str, days_later: int, kind: str) -> None:
    recipient = BY_KIND[kind]
    if not recipient.kinds & set(TEMPLATES.get(template_id).recipients):
        return
    facts = facts_for(template_id, recipient)
    today = facts.dated + timedelta(days=days_later)
    plan = facts.plan
    assert plan is not None and plan.review_meeting is not None and plan.transfer_date is not None
    # Refused once the meeting, or the move, has passed (services.plan_letters).
    if template_id == "annual_review_invitation":
        today = min(today, plan.review_meeting)
    if template_id == "phase_transfer_consultation":
        today = min(today, plan.transfer_date)
    # A decision letter keeps the date recorded for its decision; any other is dated the day it is made.
    dated = facts.dated if template_id in PLAN_NOTIFIES else today
    text = body_words(TEMPLATES.render(template_id, replace(facts, today=today, letter_date=dated)))
    assert passed_duties(text, today) == [], (template_id, kind, today)


# --- the facts, from the plan as recorded and the plan clocks ------------------------------------------------

ENGINE = DeadlineEngine()


def recorded_plan() -> PlanFacts:
    """Issued 15 March 2024; reviewed (met 10 Feb 2025, maintained, notified 3 March 2025); the next review
    meets 2 March 2026; amendments proposed 6 October 2025; moving to secondary school in September 2026,
    Wye Valley Academy consulted 3 November 2025; ceasing proposed 1 December 2025, decided 12 January 2026."""
    return PlanFacts(
        reference="EHC-1", plan_issued=date(2024, 3, 15), date_of_birth=date(2015, 5, 1),
        reviews=[ReviewFacts(meeting=date(2025, 2, 10), decision="maintain", notified=date(2025, 3, 3), id=1),
                 ReviewFacts(meeting=date(2026, 3, 2), invitations_sent=date(2026, 1, 26), id=2)],
        amendments=[AmendmentFacts(notice_sent=date(2025, 10, 6), id=1)],
        transfer=TransferFacts("school", date(2026, 9, 1), consultation_sent=date(2025, 11, 3), id=1),
        cease=CeaseFacts(proposed=date(2025, 12, 1), decided=date(2026, 1, 12), id=1))


def test_the_plan_facts_are_the_recorded_dates_and_the_clocks_dates() -> None:
    facts = plan_letter_facts(recorded_plan(), date(2026, 1, 26), ENGINE, "Wye Valley Academy")
    assert facts == PlanLetterFacts(
        issued=date(2024, 3, 15), next_review_due=date(2026, 3, 2), review_meeting=date(2026, 3, 2),
        invitations_sent=date(2026, 1, 26), advice_by=date(2026, 2, 16), review_report_due=date(2026, 3, 16),
        review_decision_due=date(2026, 3, 30), last_review_meeting=date(2025, 2, 10), review_decision="maintain",
        review_decision_notified=date(2025, 3, 3), last_review_decision_due=date(2025, 3, 10),
        amendment_notice_sent=date(2025, 10, 6), amendment_served=date(2025, 10, 6),
        amendment_comments_until=date(2025, 10, 20), amended_plan_due=date(2025, 12, 1), amended_plan_issued=None,
        amendment_follows_review=False, transfer_kind="school", transfer_date=date(2026, 9, 1),
        transfer_due=date(2026, 2, 14), transfer_consulted=date(2025, 11, 3), transfer_school="Wye Valley Academy",
        cease_proposed=date(2025, 12, 1), cease_decided=date(2026, 1, 12), appeal_until=date(2026, 3, 12),
        cease_follows_review=False)


def test_a_decision_carried_by_the_review_is_told_as_the_review_s() -> None:
    plan = recorded_plan()
    plan.reviews[0] = replace(plan.reviews[0], decision="amend", notified=date(2025, 9, 29))
    assert plan_letter_facts(plan, date(2025, 10, 6), ENGINE).amendment_follows_review is True
    plan.amendments.insert(0, AmendmentFacts(notice_sent=date(2025, 10, 1), id=0))  # another notice between
    assert plan_letter_facts(plan, date(2025, 10, 6), ENGINE).amendment_follows_review is False
    ceasing = recorded_plan()
    ceasing.reviews[0] = replace(ceasing.reviews[0], decision="cease", notified=date(2026, 1, 12))
    assert plan_letter_facts(ceasing, date(2026, 1, 12), ENGINE).cease_follows_review is True
    ceasing.reviews[0] = replace(ceasing.reviews[0], meeting=None)  # imported without its meeting
    assert plan_letter_facts(ceasing, date(2026, 1, 12), ENGINE).cease_follows_review is False


def test_a_plan_letter_prints_and_reads_back_from_the_pdf() -> None:
    letter = TEMPLATES.render("review_decision", facts_for("review_decision"))
    out = subprocess.run(["pdftotext", "-", "-"], input=render_pdf(letter), capture_output=True, check=True)
    text = " ".join(out.stdout.decode().split())
    assert "We have decided to keep Aisha's EHC plan as it is" in text and "Your rights" in text
    assert "by Monday 9 June 2025" in text and "10 June 2024" in text


def test_the_sample_plan_is_one_every_plan_letter_can_be_made_from() -> None:
    plan = sample_plan()
    assert all(getattr(plan, name) is not None for name in ("review_meeting", "review_decision_notified",
                                                          "amendment_notice_sent", "amended_plan_issued",
                                                          "cease_decided", "transfer_school"))
